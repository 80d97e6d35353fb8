-- Every customer has exactly one current version (is_current) in
-- dw.dim_customer. Fails with the customers that have none (no row at all
-- included) or several, and their number of current rows.
-- Scope: the customers in changed.customer (every customer in a full build
-- or with dq_full).
SELECT c.customer_id, count(*) FILTER (WHERE d.is_current) AS current_versions
FROM (SELECT DISTINCT customer_id FROM changed.customer) c
LEFT JOIN dw.dim_customer d ON d.customer_id = c.customer_id
GROUP BY c.customer_id
HAVING count(*) FILTER (WHERE d.is_current) <> 1
ORDER BY 1
