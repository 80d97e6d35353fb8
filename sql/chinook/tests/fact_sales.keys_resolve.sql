-- Every key of fact_sales resolves to its dimension row. Track keys are
-- checked per line; date, customer and employee keys through the line's
-- invoice summary (fact_invoice_summary.matches_fact_sales checks that every
-- line carries its summary's keys), so the millions of lines are joined to
-- dim_track only. Fails with the lines (invoice_id, invoice_line_id) and
-- the key that does not resolve: a line with an unresolved track key, and
-- every line of an invoice whose summary key does not resolve. NULL keys
-- are no_null_keys's to report.
-- Scope: the lines of the invoices in affected.invoice (every line in a
-- full build or with dq_full: then it reads dw.fact_sales whole once,
-- hashing dim_track; SCANS dw.fact_sales). The lines of an invoice with an
-- unresolved summary key are looked up by invoice_id, only for those.
WITH lines AS NOT MATERIALIZED (
    SELECT f.invoice_id, f.invoice_line_id, f.track_key
    FROM dw.fact_sales f
    WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
    UNION ALL
    SELECT f.invoice_id, f.invoice_line_id, f.track_key
    FROM affected.invoice a
    JOIN dw.fact_sales f ON f.invoice_id = a.invoice_id
    WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
), unresolved_summary AS (
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
)
SELECT f.invoice_id, f.invoice_line_id, 'track_key' AS key_name, f.track_key AS key_value
FROM lines f
WHERE f.track_key IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM dw.dim_track t WHERE t.track_key = f.track_key)
UNION ALL
SELECT u.invoice_id, f.invoice_line_id, u.key_name, u.key_value
FROM unresolved_summary u
CROSS JOIN LATERAL (
    SELECT x.invoice_line_id FROM dw.fact_sales x WHERE x.invoice_id = u.invoice_id OFFSET 0
) f
ORDER BY 1, 2, 3
