-- Each invoice's fact_invoice_summary.invoice_total equals the sum of its
-- fact_sales amounts (and, with total_equals_oltp_total, the OLTP total).
-- Fails with the invoices whose total differs from the sum of their lines,
-- a missing summary row included (invoice_total NULL).
-- Scope: the invoices in affected.invoice (every invoice in a full build or
-- with dq_full).
-- Cost: a weighted checksum decides. With w(invoice) =
-- (hashint4(invoice_id) >> 8) | 1, a pseudo-random odd 24-bit integer,
-- sum over lines of w * amount = sum over invoices of w * invoice_total
-- (exact numeric arithmetic) holds when every invoice agrees; a single wrong
-- invoice always shows, and two wrong ones cancel out with odds of about 1
-- in 8 million. Only when it differs are the lines grouped per invoice to
-- name the offenders. A full build (or dq_full) reads dw.fact_sales whole
-- once, with no join (SCANS dw.fact_sales); otherwise only the lines of the
-- affected invoices (index on invoice_id).
WITH lines AS NOT MATERIALIZED (
    SELECT f.invoice_id, f.amount
    FROM dw.fact_sales f
    WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
    UNION ALL
    SELECT f.invoice_id, f.amount
    FROM affected.invoice a
    JOIN dw.fact_sales f ON f.invoice_id = a.invoice_id
    WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
), invoices AS NOT MATERIALIZED (
    SELECT a.invoice_id, s.invoice_total
    FROM affected.invoice a
    LEFT JOIN dw.fact_invoice_summary s ON s.invoice_id = a.invoice_id
), checksum AS (
    SELECT (SELECT coalesce(sum(((hashint4(invoice_id) >> 8) | 1) * amount), 0) FROM lines)
           <> (SELECT coalesce(sum(((hashint4(invoice_id) >> 8) | 1) * invoice_total), 0) FROM invoices)
           AS differs
)
SELECT coalesce(i.invoice_id, x.invoice_id) AS invoice_id,
       i.invoice_total,
       coalesce(x.amount, 0) AS sum_of_lines
FROM (SELECT invoice_id, sum(amount) AS amount FROM lines GROUP BY invoice_id) x
FULL JOIN invoices i ON i.invoice_id = x.invoice_id
WHERE (SELECT differs FROM checksum)
  AND i.invoice_total IS DISTINCT FROM coalesce(x.amount, 0)
ORDER BY 1
