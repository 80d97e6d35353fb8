-- Each invoice's fact_invoice_summary.invoice_total is the OLTP invoice
-- total (mirror.invoice.total). Fails with the invoices whose summary total
-- differs, or that have no summary row (invoice_total NULL).
-- Scope: the invoices in affected.invoice (every invoice in a full build or
-- with dq_full: then the whole tables, with no join to affected.invoice).
-- Invoice grain: does not read dw.fact_sales.
-- Each mode's branch is an OFFSET 0 subquery with the mode test outside it,
-- so the branch that does not apply never starts (no parallel workers).
WITH wrong AS NOT MATERIALIZED (
    SELECT i.invoice_id, s.invoice_total, i.total AS oltp_total
    FROM mirror.invoice i
    LEFT JOIN dw.fact_invoice_summary s ON s.invoice_id = i.invoice_id
    WHERE s.invoice_total IS DISTINCT FROM i.total
)
SELECT w.*
FROM (SELECT * FROM wrong OFFSET 0) w
WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
UNION ALL
SELECT w.*
FROM (SELECT w.* FROM affected.invoice a JOIN wrong w ON w.invoice_id = a.invoice_id OFFSET 0) w
WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
ORDER BY 1
