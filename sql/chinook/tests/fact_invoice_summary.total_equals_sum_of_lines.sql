-- Each invoice's fact_invoice_summary.invoice_total equals the sum of its
-- fact_sales amounts (and, with total_equals_oltp_total, the OLTP total).
-- Fails with the invoices whose total differs from the sum of their lines,
-- lines without a summary row included (invoice_total NULL); an invoice
-- without a summary row is total_equals_oltp_total's to report.
-- Scope: the invoices in affected.invoice (every invoice in a full build or
-- with dq_full: then the whole tables, with no join to affected.invoice).
-- Cost: a weighted checksum decides. With w(invoice) =
-- (hashint4(invoice_id) >> 8) | 1, a pseudo-random odd 24-bit integer,
-- sum over lines of w * amount = sum over invoices of w * invoice_total
-- (exact numeric arithmetic) holds when every invoice agrees; a single wrong
-- invoice always shows, and two wrong ones cancel out with odds of about 1
-- in 8 million. The sums are plain aggregates (parallel in a full build).
-- Only when they differ are the lines grouped per invoice to name the
-- offenders. SCANS dw.fact_sales once in a full build (or with dq_full);
-- otherwise reads the lines of the affected invoices (index on invoice_id).
-- Each mode's branch is an OFFSET 0 subquery with the mode test outside it,
-- so the branch that does not apply never starts (no parallel workers).
WITH line_terms AS NOT MATERIALIZED (
    SELECT f.invoice_id, f.amount, ((hashint4(f.invoice_id) >> 8) | 1) * f.amount AS w_amount
    FROM dw.fact_sales f
), summary_terms AS NOT MATERIALIZED (
    SELECT s.invoice_id, s.invoice_total, ((hashint4(s.invoice_id) >> 8) | 1) * s.invoice_total AS w_total
    FROM dw.fact_invoice_summary s
), line_sums AS (
    SELECT x.*
    FROM (SELECT sum(w_amount) AS w FROM line_terms OFFSET 0) x
    WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
    UNION ALL
    SELECT x.*
    FROM (SELECT sum(t.w_amount)
          FROM affected.invoice a JOIN line_terms t ON t.invoice_id = a.invoice_id OFFSET 0) x
    WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
), summary_sums AS (
    SELECT x.*
    FROM (SELECT sum(w_total) AS w FROM summary_terms OFFSET 0) x
    WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
    UNION ALL
    SELECT x.*
    FROM (SELECT sum(t.w_total)
          FROM affected.invoice a JOIN summary_terms t ON t.invoice_id = a.invoice_id OFFSET 0) x
    WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
), checksum AS (
    SELECT coalesce((SELECT sum(w) FROM line_sums), 0)
           <> coalesce((SELECT sum(w) FROM summary_sums), 0) AS differs
), lines AS NOT MATERIALIZED (
    SELECT t.invoice_id, t.amount
    FROM line_terms t
    WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
    UNION ALL
    SELECT t.invoice_id, t.amount
    FROM affected.invoice a
    JOIN line_terms t ON t.invoice_id = a.invoice_id
    WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
), summaries AS NOT MATERIALIZED (
    SELECT t.invoice_id, t.invoice_total
    FROM summary_terms t
    WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
    UNION ALL
    SELECT t.invoice_id, t.invoice_total
    FROM affected.invoice a
    JOIN summary_terms t ON t.invoice_id = a.invoice_id
    WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
)
SELECT coalesce(i.invoice_id, x.invoice_id) AS invoice_id,
       i.invoice_total,
       coalesce(x.amount, 0) AS sum_of_lines
FROM (SELECT invoice_id, sum(amount) AS amount FROM lines GROUP BY invoice_id) x
FULL JOIN summaries i ON i.invoice_id = x.invoice_id
WHERE (SELECT differs FROM checksum)
  AND i.invoice_total IS DISTINCT FROM coalesce(x.amount, 0)
ORDER BY 1
