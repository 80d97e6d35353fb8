-- The SCD2 history agrees with the OLTP: each customer's latest version in
-- mirror.customer_version has the tracked attributes of its mirror.customer
-- row, and dw.dim_customer's current row is that version (same version_no,
-- same tracked attributes). Fails with the customers whose latest version
-- or current row differs or is missing.
-- Scope: the customers in changed.customer (every customer in a full build
-- or with dq_full).
SELECT c.customer_id, l.version_no AS latest_version, d.version_no AS current_row_version
FROM mirror.customer c
LEFT JOIN (
    SELECT DISTINCT ON (v.customer_id) v.*
    FROM mirror.customer_version v
    WHERE v.customer_id IN (SELECT customer_id FROM changed.customer)
    ORDER BY v.customer_id, v.version_no DESC
) l ON l.customer_id = c.customer_id
LEFT JOIN dw.dim_customer d ON d.customer_id = c.customer_id AND d.is_current
WHERE c.customer_id IN (SELECT customer_id FROM changed.customer)
  AND (l.customer_id IS NULL
       OR d.version_no IS DISTINCT FROM l.version_no
       OR ROW(l.company, l.address, l.city, l.state, l.country, l.postal_code, l.support_rep_id)
          IS DISTINCT FROM
          ROW(c.company, c.address, c.city, c.state, c.country, c.postal_code, c.support_rep_id)
       OR ROW(d.company, d.address, d.city, d.state, d.country, d.postal_code, d.support_rep_id)
          IS DISTINCT FROM
          ROW(c.company, c.address, c.city, c.state, c.country, c.postal_code, c.support_rep_id))
ORDER BY 1
