-- Each invoice's fact_invoice_summary.invoice_total is the OLTP invoice
-- total (mirror.invoice.total). Fails with the invoices whose summary total
-- differs, or that have no summary row (invoice_total NULL).
-- Scope: the invoices in affected.invoice (every invoice in a full build or
-- with dq_full: then the whole tables, with no join to affected.invoice).
-- Invoice grain: does not read dw.fact_sales.
-- Cost: weighted checksums decide (the weight w as in
-- total_equals_sum_of_lines.sql): sum of w and of w * total over the OLTP
-- invoices = the same over their summary rows (the sum of w shows a missing
-- row even when its total is 0). These are plain aggregates over each table
-- (parallel in a full build); only when they differ are the invoices joined
-- to their summaries to name the offenders.
-- Each mode's branch is an OFFSET 0 subquery with the mode test outside it,
-- so the branch that does not apply never starts (no parallel workers).
WITH invoice_terms AS NOT MATERIALIZED (
    SELECT i.invoice_id, ((hashint4(i.invoice_id) >> 8) | 1)::bigint AS w, i.total
    FROM mirror.invoice i
), summary_terms AS NOT MATERIALIZED (
    SELECT s.invoice_id, ((hashint4(s.invoice_id) >> 8) | 1)::bigint AS w, s.invoice_total AS total
    FROM dw.fact_invoice_summary s
), invoice_sums AS (
    SELECT x.*
    FROM (SELECT sum(w) AS w_rows, sum(w * total) AS w_total FROM invoice_terms OFFSET 0) x
    WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
    UNION ALL
    SELECT x.*
    FROM (SELECT sum(t.w), sum(t.w * t.total)
          FROM affected.invoice a JOIN invoice_terms t ON t.invoice_id = a.invoice_id OFFSET 0) x
    WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
), summary_sums AS (
    SELECT x.*
    FROM (SELECT sum(w) AS w_rows, sum(w * total) AS w_total FROM summary_terms OFFSET 0) x
    WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
    UNION ALL
    SELECT x.*
    FROM (SELECT sum(t.w), sum(t.w * t.total)
          FROM affected.invoice a JOIN summary_terms t ON t.invoice_id = a.invoice_id OFFSET 0) x
    WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
), checksum AS (
    SELECT coalesce(i.w_rows, 0) <> coalesce(s.w_rows, 0)
           OR coalesce(i.w_total, 0) <> coalesce(s.w_total, 0) AS differs
    FROM (SELECT sum(w_rows) AS w_rows, sum(w_total) AS w_total FROM invoice_sums) i
    CROSS JOIN (SELECT sum(w_rows) AS w_rows, sum(w_total) AS w_total FROM summary_sums) s
), wrong AS NOT MATERIALIZED (
    SELECT i.invoice_id, s.invoice_total, i.total AS oltp_total
    FROM mirror.invoice i
    LEFT JOIN dw.fact_invoice_summary s ON s.invoice_id = i.invoice_id
    WHERE s.invoice_total IS DISTINCT FROM i.total
)
SELECT w.*
FROM (SELECT * FROM wrong OFFSET 0) w
WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
  AND (SELECT differs FROM checksum)
UNION ALL
SELECT w.*
FROM (SELECT w.* FROM affected.invoice a JOIN wrong w ON w.invoice_id = a.invoice_id OFFSET 0) w
WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
  AND (SELECT differs FROM checksum)
ORDER BY 1
