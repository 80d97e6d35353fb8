-- The SCD2 versions of each customer in dw.dim_customer are numbered 1, 2,
-- ... without a gap and follow each other without a gap or an overlap:
-- version 1 is valid from -infinity, each valid_to is the next version's
-- valid_from, and the last version is valid to infinity and is the only
-- current one. Fails with the offending versions.
-- Scope: the customers in changed.customers (every customer in a full
-- build or with dq_full).
SELECT v.customer_number, v.version_no, v.valid_from, v.valid_to, v.is_current
FROM (
    SELECT d.customer_number, d.version_no, d.valid_from, d.valid_to, d.is_current,
           row_number() OVER w AS rn,
           lead(d.valid_from) OVER w AS next_from
    FROM dw.dim_customer d
    WHERE d.customer_number IN (SELECT customer_number FROM changed.customers)
    WINDOW w AS (PARTITION BY d.customer_number ORDER BY d.version_no)
) v
WHERE v.version_no <> v.rn
   OR (v.rn = 1 AND v.valid_from <> '-infinity')
   OR (v.next_from IS NULL AND (v.valid_to <> 'infinity' OR NOT v.is_current))
   OR (v.next_from IS NOT NULL AND (v.valid_to <> v.next_from OR v.is_current))
ORDER BY 1, 2
