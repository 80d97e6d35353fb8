-- fact_invoice_summary agrees with fact_sales: every line carries its
-- invoice summary's date, customer and employee keys (and has a summary
-- row), and each summary's line_count is its number of lines. Fails with
-- the lines whose keys differ from their summary's (invoice_id,
-- invoice_line_id) and the invoices whose line_count differs (invoice_id,
-- no line).
-- Scope: the invoices in affected.invoice (every invoice in a full build or
-- with dq_full: then the whole tables, with no join to affected.invoice).
-- Cost: weighted checksums decide (the weight w as in
-- total_equals_sum_of_lines.sql). The lines are counted as sum over lines
-- of w = sum over summaries of w * line_count, the keys as sum over lines
-- of w * k = sum over summaries of w * line_count * k, with
-- k = hashint4(date_key) + 3 * hashint8(customer_key)
-- + 7 * hashint8(employee_key) (integer hashes are far cheaper per line
-- than hashing a row; the factors tell the positions apart). A NULL key
-- makes k NULL and drops the term on its side only, so a NULL on one side
-- and a value on the other still shows; NULLs on both sides are
-- no_null_keys's to report. The sums are plain aggregates (parallel in a
-- full build). Only when a checksum differs are the lines joined to their
-- summary or grouped per invoice. SCANS dw.fact_sales once in a full build
-- (or with dq_full); otherwise reads the lines of the affected invoices
-- (index on invoice_id).
-- Each mode's branch is an OFFSET 0 subquery with the mode test outside it,
-- so the branch that does not apply never starts (no parallel workers).
WITH line_terms AS NOT MATERIALIZED (
    SELECT f.invoice_id, f.invoice_line_id, f.date_key, f.customer_key, f.employee_key,
           ((hashint4(f.invoice_id) >> 8) | 1)::bigint AS w,
           hashint4(f.date_key)::bigint + 3 * hashint8(f.customer_key)::bigint
             + 7 * hashint8(f.employee_key)::bigint AS k
    FROM dw.fact_sales f
), summary_terms AS NOT MATERIALIZED (
    SELECT s.invoice_id, s.date_key, s.customer_key, s.employee_key, s.line_count,
           ((hashint4(s.invoice_id) >> 8) | 1)::bigint AS w,
           hashint4(s.date_key)::bigint + 3 * hashint8(s.customer_key)::bigint
             + 7 * hashint8(s.employee_key)::bigint AS k
    FROM dw.fact_invoice_summary s
), line_sums AS (
    SELECT x.*
    FROM (SELECT count(*) AS n, sum(w) AS w_lines, sum(w * k) AS w_keys
          FROM line_terms OFFSET 0) x
    WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
    UNION ALL
    SELECT x.*
    FROM (SELECT count(*), sum(t.w), sum(t.w * t.k)
          FROM affected.invoice a JOIN line_terms t ON t.invoice_id = a.invoice_id OFFSET 0) x
    WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
), summary_sums AS (
    SELECT x.*
    FROM (SELECT sum(line_count) AS n, sum(w * line_count) AS w_lines,
                 sum((w * k)::numeric * line_count) AS w_keys
          FROM summary_terms OFFSET 0) x
    WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
    UNION ALL
    SELECT x.*
    FROM (SELECT sum(t.line_count), sum(t.w * t.line_count), sum((t.w * t.k)::numeric * t.line_count)
          FROM affected.invoice a JOIN summary_terms t ON t.invoice_id = a.invoice_id OFFSET 0) x
    WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
), checksum AS (
    SELECT coalesce(l.w_keys, 0) <> coalesce(s.w_keys, 0) AS keys_differ,
           coalesce(l.n, 0) <> coalesce(s.n, 0)
             OR coalesce(l.w_lines, 0) <> coalesce(s.w_lines, 0) AS counts_differ
    FROM (SELECT sum(n) AS n, sum(w_lines) AS w_lines, sum(w_keys) AS w_keys FROM line_sums) l
    CROSS JOIN (SELECT sum(n) AS n, sum(w_lines) AS w_lines, sum(w_keys) AS w_keys FROM summary_sums) s
), lines AS NOT MATERIALIZED (
    SELECT t.invoice_id, t.invoice_line_id, t.date_key, t.customer_key, t.employee_key
    FROM line_terms t
    WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
    UNION ALL
    SELECT t.invoice_id, t.invoice_line_id, t.date_key, t.customer_key, t.employee_key
    FROM affected.invoice a
    JOIN line_terms t ON t.invoice_id = a.invoice_id
    WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
), summaries AS NOT MATERIALIZED (
    SELECT t.invoice_id, t.line_count
    FROM summary_terms t
    WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
    UNION ALL
    SELECT t.invoice_id, t.line_count
    FROM affected.invoice a
    JOIN summary_terms t ON t.invoice_id = a.invoice_id
    WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
), diagnosis AS (
    SELECT f.invoice_id, f.invoice_line_id,
           CASE WHEN s.invoice_id IS NULL THEN 'line without a summary row'
                ELSE 'line keys differ from the summary''s' END AS problem
    FROM lines f
    LEFT JOIN dw.fact_invoice_summary s ON s.invoice_id = f.invoice_id
    WHERE (SELECT keys_differ FROM checksum)
      AND (s.invoice_id IS NULL
           OR ROW(f.date_key, f.customer_key, f.employee_key)
              IS DISTINCT FROM ROW(s.date_key, s.customer_key, s.employee_key))
    UNION ALL
    SELECT coalesce(i.invoice_id, x.invoice_id), NULL,
           format('line_count %s, fact_sales lines %s', coalesce(i.line_count, 0), coalesce(x.n, 0))
    FROM (SELECT invoice_id, count(*) AS n FROM lines GROUP BY invoice_id) x
    FULL JOIN summaries i ON i.invoice_id = x.invoice_id
    WHERE (SELECT counts_differ FROM checksum)
      AND coalesce(i.line_count, 0) <> coalesce(x.n, 0)
)
SELECT invoice_id, invoice_line_id, problem FROM diagnosis
UNION ALL
SELECT NULL, NULL, 'the weighted checksums differ but no line or invoice was found'
WHERE (SELECT keys_differ OR counts_differ FROM checksum)
  AND NOT EXISTS (SELECT 1 FROM diagnosis)
ORDER BY 1, 2
