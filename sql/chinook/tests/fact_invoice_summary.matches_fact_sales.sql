-- fact_invoice_summary agrees with fact_sales: every line carries its
-- invoice summary's date, customer and employee keys (and has a summary
-- row), and each summary's line_count is its number of lines. Fails with
-- the lines whose keys differ from their summary's (invoice_id,
-- invoice_line_id) and the invoices whose line_count differs (invoice_id,
-- no line).
-- Scope: the invoices in affected.invoice (every invoice in a full build or
-- with dq_full).
-- Cost: weighted checksums decide (see total_equals_sum_of_lines.sql for
-- the weight w). The lines are counted as sum over lines of w = sum over
-- invoices of w * line_count, the keys as sum over lines of w * k = sum
-- over invoices of w * line_count * k, with k = hashint4(date_key)
-- + 3 * hashint8(customer_key) + 7 * hashint8(employee_key) (integer hashes
-- are far cheaper per line than hashing a row; the factors tell the
-- positions apart). A NULL key makes k NULL and drops the term on its side
-- only, so a NULL on one side and a value on the other still shows; NULLs
-- on both sides are no_null_keys's to report. Only when a checksum differs
-- are lines joined to their summary or grouped per invoice. A full build
-- (or dq_full) reads dw.fact_sales whole once, with no join (SCANS
-- dw.fact_sales); otherwise only the lines of the affected invoices.
WITH lines AS NOT MATERIALIZED (
    SELECT f.invoice_id, f.invoice_line_id, f.date_key, f.customer_key, f.employee_key
    FROM dw.fact_sales f
    WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
    UNION ALL
    SELECT f.invoice_id, f.invoice_line_id, f.date_key, f.customer_key, f.employee_key
    FROM affected.invoice a
    JOIN dw.fact_sales f ON f.invoice_id = a.invoice_id
    WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
), invoices AS NOT MATERIALIZED (
    SELECT a.invoice_id, s.date_key, s.customer_key, s.employee_key,
           coalesce(s.line_count, 0) AS line_count
    FROM affected.invoice a
    LEFT JOIN dw.fact_invoice_summary s ON s.invoice_id = a.invoice_id
), line_sums AS (
    SELECT count(*) AS n,
           coalesce(sum((hashint4(invoice_id) >> 8) | 1), 0) AS w_lines,
           coalesce(sum(((hashint4(invoice_id) >> 8) | 1)::bigint
                        * (hashint4(date_key)::bigint + 3 * hashint8(customer_key)::bigint
                           + 7 * hashint8(employee_key)::bigint)), 0) AS w_keys
    FROM lines
), invoice_sums AS (
    SELECT coalesce(sum(line_count), 0) AS n,
           coalesce(sum(((hashint4(invoice_id) >> 8) | 1)::bigint * line_count), 0) AS w_lines,
           coalesce(sum((((hashint4(invoice_id) >> 8) | 1)::bigint
                         * (hashint4(date_key)::bigint + 3 * hashint8(customer_key)::bigint
                            + 7 * hashint8(employee_key)::bigint))::numeric * line_count), 0) AS w_keys
    FROM invoices
), checksum AS (
    SELECT l.w_keys <> i.w_keys AS keys_differ,
           l.n <> i.n OR l.w_lines <> i.w_lines AS counts_differ
    FROM line_sums l CROSS JOIN invoice_sums i
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
           format('line_count %s, fact_sales lines %s', i.line_count, coalesce(x.n, 0))
    FROM (SELECT invoice_id, count(*) AS n FROM lines GROUP BY invoice_id) x
    FULL JOIN invoices i ON i.invoice_id = x.invoice_id
    WHERE (SELECT counts_differ FROM checksum)
      AND i.line_count IS DISTINCT FROM coalesce(x.n, 0)
)
SELECT invoice_id, invoice_line_id, problem FROM diagnosis
UNION ALL
SELECT NULL, NULL, 'the weighted checksums differ but no line or invoice was found'
WHERE (SELECT keys_differ OR counts_differ FROM checksum)
  AND NOT EXISTS (SELECT 1 FROM diagnosis)
ORDER BY 1, 2
