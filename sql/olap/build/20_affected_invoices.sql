-- star-builder, step 20: the invoices whose facts this build rewrites, and
-- their dimension keys (shared by fact_sales and fact_invoice_summary).
-- Affected invoices (incremental):
--   * changed invoices (stage_invoice);
--   * invoices with a changed line (stage_invoice_line), and the invoice a
--     changed line was on before (its current fact row), should a line move;
--   * invoices of a customer who got a new version in this build, dated at
--     or after that version's valid_from (they must point at the new one).
-- Full mode: every invoice. All probes are index lookups driven by the
-- change set.
-- Incremental mode only (in full mode the keys below read mirror.invoice
-- directly). No primary key: the UNION dedupes.
CREATE TEMP TABLE affected_invoice_id (invoice_id integer NOT NULL) ON COMMIT DROP;

INSERT INTO affected_invoice_id
SELECT invoice_id FROM stage_invoice
WHERE (SELECT mode FROM build_params) <> 'full'
UNION
SELECT invoice_id FROM stage_invoice_line
WHERE (SELECT mode FROM build_params) <> 'full'
UNION
SELECT f.invoice_id
FROM stage_invoice_line s
JOIN dw.fact_sales f ON f.invoice_line_id = s.invoice_line_id
WHERE (SELECT mode FROM build_params) <> 'full'
UNION
SELECT i.invoice_id
FROM stage_customer s
JOIN mirror.customer_version v
  ON v.customer_id = s.customer_id
 AND v.version_no > 1
 AND v.first_seen_build_id = (SELECT build_id FROM build_params)
JOIN mirror.invoice i
  ON i.customer_id = s.customer_id
 AND i.invoice_date >= (v.first_seen_at AT TIME ZONE 'UTC')
WHERE (SELECT mode FROM build_params) <> 'full';

ANALYZE affected_invoice_id;

-- Keys per affected invoice. Invoice dates are timestamps without time zone,
-- read as UTC against the timestamptz validity range of the customer
-- versions. A key that does not resolve stays NULL (95_dq.sql reports it);
-- a customer without a support rep gets the unknown employee (-1).
-- One statement per mode, not a UNION ALL of both: each is planned
-- with its own row estimate, so an incremental build probes the indexes
-- for its few invoices instead of hashing all of dim_customer (the planner
-- would size the join for the full-mode branch it never runs).
-- Full mode creates the table from its query: CREATE TABLE AS writes its
-- rows in bulk (one pinned target page, no free-space lookups), cheaper than
-- INSERT … SELECT for every invoice.
DO $$
BEGIN
    IF (SELECT mode FROM build_params) = 'full' THEN
        CREATE TEMP TABLE affected_invoice ON COMMIT DROP AS
        SELECT i.invoice_id,
               dw.date_key(i.invoice_date) AS date_key,
               c.customer_key,
               CASE WHEN c.customer_key IS NULL THEN NULL
                    WHEN c.support_rep_id IS NULL THEN -1
                    ELSE e.employee_key
               END AS employee_key
        FROM mirror.invoice i
        LEFT JOIN dw.dim_customer c
          ON c.customer_id = i.customer_id
         AND c.valid_from <= (i.invoice_date AT TIME ZONE 'UTC')
         AND c.valid_to > (i.invoice_date AT TIME ZONE 'UTC')
        LEFT JOIN dw.dim_employee e ON e.employee_id = c.support_rep_id;
    ELSE
        CREATE TEMP TABLE affected_invoice (
            invoice_id    integer NOT NULL,
            date_key      integer,
            customer_key  bigint,
            employee_key  bigint
        ) ON COMMIT DROP;
    END IF;
END $$;

INSERT INTO affected_invoice (invoice_id, date_key, customer_key, employee_key)
SELECT i.invoice_id,
       dw.date_key(i.invoice_date),
       c.customer_key,
       CASE WHEN c.customer_key IS NULL THEN NULL
            WHEN c.support_rep_id IS NULL THEN -1
            ELSE e.employee_key
       END
FROM affected_invoice_id a
JOIN mirror.invoice i ON i.invoice_id = a.invoice_id
LEFT JOIN dw.dim_customer c
  ON c.customer_id = i.customer_id
 AND c.valid_from <= (i.invoice_date AT TIME ZONE 'UTC')
 AND c.valid_to > (i.invoice_date AT TIME ZONE 'UTC')
LEFT JOIN dw.dim_employee e ON e.employee_id = c.support_rep_id
WHERE (SELECT mode FROM build_params) <> 'full';

ANALYZE affected_invoice;
