-- star-builder, step 20: the dimension keys of the invoices whose facts this
-- build rewrites (shared by fact_sales and fact_invoice_summary): in
-- incremental mode those of affected_invoice_id (19_changed_invoices.sql),
-- in full mode every invoice.
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
