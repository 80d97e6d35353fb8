-- Every customer has exactly one current version (is_current) in
-- dw.dim_customer. Fails with the customers that have none (no row at all
-- included) or several, and their number of current rows.
-- Scope: the customers in changed.customers (every customer in a full
-- build or with dq_full).
SELECT c.customer_number, count(*) FILTER (WHERE d.is_current) AS current_versions
FROM (SELECT DISTINCT customer_number FROM changed.customers) c
LEFT JOIN dw.dim_customer d ON d.customer_number = c.customer_number
GROUP BY c.customer_number
HAVING count(*) FILTER (WHERE d.is_current) <> 1
ORDER BY 1
