-- Every date, customer and employee key of fact_invoice_summary resolves to
-- its dimension row. Fails with the invoices and the key that does not
-- (NULL keys are no_null_keys's to report).
-- Scope: the invoices in affected.invoice (every invoice in a full build or
-- with dq_full). Invoice grain: does not read dw.fact_sales.
SELECT s.invoice_id, k.key_name, k.key_value
FROM affected.invoice a
JOIN dw.fact_invoice_summary s ON s.invoice_id = a.invoice_id
LEFT JOIN dw.dim_date d ON d.date_key = s.date_key
LEFT JOIN dw.dim_customer c ON c.customer_key = s.customer_key
LEFT JOIN dw.dim_employee e ON e.employee_key = s.employee_key
CROSS JOIN LATERAL (VALUES
    ('date_key', s.date_key::bigint, s.date_key IS NOT NULL AND d.date_key IS NULL),
    ('customer_key', s.customer_key, s.customer_key IS NOT NULL AND c.customer_key IS NULL),
    ('employee_key', s.employee_key, s.employee_key IS NOT NULL AND e.employee_key IS NULL)
) AS k(key_name, key_value, unresolved)
WHERE k.unresolved
ORDER BY 1, 2
