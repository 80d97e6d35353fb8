-- dw.fact_sales has as many rows as mirror.invoice_line (one per OLTP
-- invoice line). Fails with one row: the two counts.
-- Scope: the invoices in affected.invoice. A full build (or dq_full) counts
-- whole tables (SCANS dw.fact_sales: a plain count); a full build takes
-- mirror.invoice_line's count from its reload (build_counts) instead of
-- counting it again.
SELECT c.fact_sales, c.mirror_invoice_line
FROM (
    SELECT CASE WHEN p.mode = 'full' OR p.dq_full
                THEN (SELECT count(*) FROM dw.fact_sales)
                ELSE (SELECT count(*) FROM affected.invoice a
                      JOIN dw.fact_sales f ON f.invoice_id = a.invoice_id)
           END AS fact_sales,
           CASE WHEN p.mode = 'full'
                THEN (SELECT sum(rows_changed)::bigint FROM build_counts
                      WHERE table_name = 'mirror.invoice_line')
                WHEN p.dq_full
                THEN (SELECT count(*) FROM mirror.invoice_line)
                ELSE (SELECT count(*) FROM affected.invoice a
                      JOIN mirror.invoice_line l ON l.invoice_id = a.invoice_id)
           END AS mirror_invoice_line
    FROM build_params p
) c
WHERE c.fact_sales IS DISTINCT FROM c.mirror_invoice_line
