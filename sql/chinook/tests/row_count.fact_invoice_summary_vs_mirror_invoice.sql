-- dw.fact_invoice_summary has as many rows as mirror.invoice (one per OLTP
-- invoice, invoices without lines included). Fails with one row: the two
-- counts.
-- Scope: the invoices in affected.invoice. A full build (or dq_full) counts
-- whole tables; a full build takes mirror.invoice's count from its reload
-- (build_counts). Does not read dw.fact_sales.
SELECT c.fact_invoice_summary, c.mirror_invoice
FROM (
    SELECT CASE WHEN p.mode = 'full' OR p.dq_full
                THEN (SELECT count(*) FROM dw.fact_invoice_summary)
                ELSE (SELECT count(*) FROM affected.invoice a
                      JOIN dw.fact_invoice_summary s ON s.invoice_id = a.invoice_id)
           END AS fact_invoice_summary,
           CASE WHEN p.mode = 'full'
                THEN (SELECT sum(rows_changed)::bigint FROM build_counts
                      WHERE table_name = 'mirror.invoice')
                WHEN p.dq_full
                THEN (SELECT count(*) FROM mirror.invoice)
                ELSE (SELECT count(*) FROM affected.invoice a
                      JOIN mirror.invoice i ON i.invoice_id = a.invoice_id)
           END AS mirror_invoice
    FROM build_params p
) c
WHERE c.fact_invoice_summary IS DISTINCT FROM c.mirror_invoice
