-- Each invoice's fact_invoice_summary.invoice_total is the OLTP invoice
-- total (mirror.invoice.total). Fails with the invoices whose summary total
-- differs, or that have no summary row (invoice_total NULL).
-- Scope: the invoices in affected.invoice (every invoice in a full build or
-- with dq_full). Invoice grain: does not read dw.fact_sales.
SELECT i.invoice_id, s.invoice_total, i.total AS oltp_total
FROM affected.invoice a
JOIN mirror.invoice i ON i.invoice_id = a.invoice_id
LEFT JOIN dw.fact_invoice_summary s ON s.invoice_id = i.invoice_id
WHERE s.invoice_total IS DISTINCT FROM i.total
ORDER BY 1
