-- Every key of fact_sales resolves to its dimension row. Track keys are
-- checked per line; date, customer and employee keys through the line's
-- invoice summary (fact_invoice_summary.matches_fact_sales checks that every
-- line carries its summary's keys), so the millions of lines are joined to
-- dim_track only. Fails with the lines (invoice_id, invoice_line_id) and
-- the keys that do not resolve: a line with an unresolved track key, and
-- every line of an invoice whose summary has an unresolved key. NULL keys
-- are no_null_keys's to report.
-- Scope: the invoices in affected.invoice (every invoice in a full build or
-- with dq_full: then the whole tables, with no join to affected.invoice;
-- SCANS dw.fact_sales once, hashing dim_track). The lines of an invoice
-- whose summary key does not resolve are looked up by invoice_id, for those
-- invoices only.
-- Each mode's branch is an OFFSET 0 subquery with the mode test outside it,
-- so the branch that does not apply never starts (no parallel workers).
WITH bad_track AS NOT MATERIALIZED (
    SELECT f.invoice_id, f.invoice_line_id, 'track_key ' || f.track_key AS unresolved
    FROM dw.fact_sales f
    WHERE f.track_key IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM dw.dim_track t WHERE t.track_key = f.track_key)
), unresolved_summary AS NOT MATERIALIZED (
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
), bad_summary AS MATERIALIZED (
    SELECT u.*
    FROM (SELECT * FROM unresolved_summary OFFSET 0) u
    WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
    UNION ALL
    SELECT u.*
    FROM (SELECT u.* FROM affected.invoice a
          JOIN unresolved_summary u ON u.invoice_id = a.invoice_id OFFSET 0) u
    WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
)
SELECT b.*
FROM (SELECT * FROM bad_track OFFSET 0) b
WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
UNION ALL
SELECT b.*
FROM (SELECT b.* FROM affected.invoice a JOIN bad_track b ON b.invoice_id = a.invoice_id OFFSET 0) b
WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
UNION ALL
SELECT u.invoice_id, f.invoice_line_id, u.unresolved
FROM bad_summary u
CROSS JOIN LATERAL (
    SELECT x.invoice_line_id FROM dw.fact_sales x WHERE x.invoice_id = u.invoice_id OFFSET 0
) f
ORDER BY 1, 2
