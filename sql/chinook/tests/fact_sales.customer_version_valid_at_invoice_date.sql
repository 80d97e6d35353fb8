-- Each sale points at the customer version of the invoice's customer that
-- was valid at the invoice date (valid_from <= invoice_date < valid_to, the
-- timestamp without time zone read as UTC). Checked per invoice on its
-- summary's customer_key (fact_invoice_summary.matches_fact_sales checks
-- that every line carries it). Fails with the lines of the invoices whose
-- version belongs to another customer or is not valid at the invoice date
-- (an invoice without lines as one row, invoice_line_id NULL). Unresolved
-- and NULL keys are keys_resolve's and no_null_keys's to report.
-- Scope: the invoices in affected.invoice (every invoice in a full build or
-- with dq_full: then the whole tables, with no join to affected.invoice).
-- Reads dw.fact_sales only for the failing invoices (by invoice_id).
-- Each mode's branch is an OFFSET 0 subquery with the mode test outside it,
-- so the branch that does not apply never starts (no parallel workers).
WITH wrong AS NOT MATERIALIZED (
    SELECT i.invoice_id, i.customer_id, i.invoice_date,
           c.customer_key, c.customer_id AS version_customer_id, c.valid_from, c.valid_to
    FROM mirror.invoice i
    JOIN dw.fact_invoice_summary s ON s.invoice_id = i.invoice_id
    JOIN dw.dim_customer c ON c.customer_key = s.customer_key
    WHERE c.customer_id <> i.customer_id
       OR NOT (c.valid_from <= (i.invoice_date AT TIME ZONE 'UTC')
               AND (i.invoice_date AT TIME ZONE 'UTC') < c.valid_to)
), in_scope AS MATERIALIZED (
    SELECT w.*
    FROM (SELECT * FROM wrong OFFSET 0) w
    WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
    UNION ALL
    SELECT w.*
    FROM (SELECT w.* FROM affected.invoice a JOIN wrong w ON w.invoice_id = a.invoice_id OFFSET 0) w
    WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
)
SELECT w.invoice_id, f.invoice_line_id, w.customer_id, w.invoice_date,
       w.customer_key, w.version_customer_id, w.valid_from, w.valid_to
FROM in_scope w
LEFT JOIN LATERAL (
    SELECT x.invoice_line_id FROM dw.fact_sales x WHERE x.invoice_id = w.invoice_id OFFSET 0
) f ON true
ORDER BY 1, 2
