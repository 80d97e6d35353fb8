-- Every date, customer and employee key of fact_invoice_summary resolves to
-- its dimension row. Fails with the invoices whose keys do not, naming the
-- keys (NULL keys are no_null_keys's to report).
-- Scope: the invoices in affected.invoice (every invoice in a full build or
-- with dq_full: then the whole table, with no join to affected.invoice).
-- Invoice grain: does not read dw.fact_sales.
-- Each mode's branch is an OFFSET 0 subquery with the mode test outside it,
-- so the branch that does not apply never starts (no parallel workers).
WITH unresolved AS NOT MATERIALIZED (
    SELECT s.invoice_id,
           concat_ws(', ',
                     CASE WHEN s.date_key IS NOT NULL AND d.date_key IS NULL THEN 'date_key ' || s.date_key END,
                     CASE WHEN s.customer_key IS NOT NULL AND c.customer_key IS NULL THEN 'customer_key ' || s.customer_key END,
                     CASE WHEN s.employee_key IS NOT NULL AND e.employee_key IS NULL THEN 'employee_key ' || s.employee_key END
           ) AS unresolved
    FROM dw.fact_invoice_summary s
    LEFT JOIN dw.dim_date d ON d.date_key = s.date_key
    LEFT JOIN dw.dim_customer c ON c.customer_key = s.customer_key
    LEFT JOIN dw.dim_employee e ON e.employee_key = s.employee_key
    WHERE (s.date_key IS NOT NULL AND d.date_key IS NULL)
       OR (s.customer_key IS NOT NULL AND c.customer_key IS NULL)
       OR (s.employee_key IS NOT NULL AND e.employee_key IS NULL)
)
SELECT u.*
FROM (SELECT * FROM unresolved OFFSET 0) u
WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
UNION ALL
SELECT u.*
FROM (SELECT u.* FROM affected.invoice a JOIN unresolved u ON u.invoice_id = a.invoice_id OFFSET 0) u
WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
ORDER BY 1
