-- star-builder, step 19, incremental mode only: the invoices whose facts
-- this build rewrites (affected_invoice_id, created by setup.sql):
--   * changed invoices (stage_invoice);
--   * invoices with a changed line (stage_invoice_line), and the invoice a
--     changed line was on before (its current fact row), should a line move;
--   * invoices of a customer who got a new version in this build, dated at
--     or after that version's valid_from (they must point at the new one).
-- All probes are index lookups driven by the change set; the UNION dedupes.
-- A full build rewrites every invoice and skips this file (20 reads
-- mirror.invoice instead).
INSERT INTO affected_invoice_id
SELECT invoice_id FROM stage_invoice
UNION
SELECT invoice_id FROM stage_invoice_line
UNION
SELECT f.invoice_id
FROM stage_invoice_line s
JOIN dw.fact_sales f ON f.invoice_line_id = s.invoice_line_id
UNION
SELECT i.invoice_id
FROM stage_customer s
JOIN mirror.customer_version v
  ON v.customer_id = s.customer_id
 AND v.version_no > 1
 AND v.first_seen_build_id = (SELECT build_id FROM build_params)
JOIN mirror.invoice i
  ON i.customer_id = s.customer_id
 AND i.invoice_date >= (v.first_seen_at AT TIME ZONE 'UTC');

ANALYZE affected_invoice_id;

