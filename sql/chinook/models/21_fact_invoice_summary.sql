-- reads: affected.invoice, mirror.invoice, mirror.invoice_line, dw.dim_customer, dw.dim_employee
-- writes: dw.fact_invoice_summary
-- full: bulk
--
-- dw.fact_invoice_summary (grain: one invoice) for the affected invoices
-- (dataset.toml [facts.invoice]): delete their rows, insert them again.
-- It also resolves each invoice's dimension keys, which the sales model
-- takes from here for the invoice's lines:
--   * date_key: the invoice date's day;
--   * customer_key: the customer version valid at the invoice date (invoice
--     dates are timestamps without time zone, read as UTC against the
--     timestamptz validity range of the versions);
--   * employee_key: that version's support rep, -1 (the unknown member) if
--     it has none.
-- A key that does not resolve stays NULL (the data-quality tests report it).
-- line_count and quantity aggregate the invoice's lines (= its fact_sales
-- rows); invoice_total is the OLTP invoice total.
-- rows_changed = invoices (re)written.
--
-- Full mode: every invoice is affected and the table is empty with no
-- indexes (full: bulk): one plain INSERT over the whole invoice mirror,
-- with the lines grouped in one pass. Incremental: one statement per mode,
-- so this one is planned for its few invoices (index probes).
DO $$
DECLARE n bigint;
BEGIN
    IF (SELECT mode FROM build_params) = 'full' THEN
        INSERT INTO dw.fact_invoice_summary (
            invoice_id, date_key, customer_key, employee_key, billing_address, billing_city,
            billing_state, billing_country, billing_postal_code, line_count, quantity,
            invoice_total)
        SELECT i.invoice_id,
               dw.date_key(i.invoice_date),
               c.customer_key,
               CASE WHEN c.customer_key IS NULL THEN NULL
                    WHEN c.support_rep_id IS NULL THEN -1
                    ELSE e.employee_key
               END,
               i.billing_address, i.billing_city, i.billing_state, i.billing_country,
               i.billing_postal_code,
               coalesce(l.line_count, 0), coalesce(l.quantity, 0), i.total
        FROM mirror.invoice i
        LEFT JOIN dw.dim_customer c
          ON c.customer_id = i.customer_id
         AND c.valid_from <= (i.invoice_date AT TIME ZONE 'UTC')
         AND c.valid_to > (i.invoice_date AT TIME ZONE 'UTC')
        LEFT JOIN dw.dim_employee e ON e.employee_id = c.support_rep_id
        LEFT JOIN (
            SELECT invoice_id, count(*) AS line_count, sum(quantity) AS quantity
            FROM mirror.invoice_line
            GROUP BY invoice_id
        ) l ON l.invoice_id = i.invoice_id;
    ELSE
        DELETE FROM dw.fact_invoice_summary f
        USING affected.invoice a
        WHERE f.invoice_id = a.invoice_id;

        INSERT INTO dw.fact_invoice_summary (
            invoice_id, date_key, customer_key, employee_key, billing_address, billing_city,
            billing_state, billing_country, billing_postal_code, line_count, quantity,
            invoice_total)
        SELECT i.invoice_id,
               dw.date_key(i.invoice_date),
               c.customer_key,
               CASE WHEN c.customer_key IS NULL THEN NULL
                    WHEN c.support_rep_id IS NULL THEN -1
                    ELSE e.employee_key
               END,
               i.billing_address, i.billing_city, i.billing_state, i.billing_country,
               i.billing_postal_code,
               coalesce(l.line_count, 0), coalesce(l.quantity, 0), i.total
        FROM affected.invoice a
        JOIN mirror.invoice i ON i.invoice_id = a.invoice_id
        LEFT JOIN dw.dim_customer c
          ON c.customer_id = i.customer_id
         AND c.valid_from <= (i.invoice_date AT TIME ZONE 'UTC')
         AND c.valid_to > (i.invoice_date AT TIME ZONE 'UTC')
        LEFT JOIN dw.dim_employee e ON e.employee_id = c.support_rep_id
        LEFT JOIN LATERAL (
            SELECT count(*) AS line_count, sum(il.quantity) AS quantity
            FROM mirror.invoice_line il
            WHERE il.invoice_id = a.invoice_id
        ) l ON true;
    END IF;
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO build_counts (table_name, rows_changed) VALUES ('dw.fact_invoice_summary', n);
END $$;
