-- star-builder, step 22: dw.fact_invoice_summary for the affected invoices
-- only (delete + insert by invoice). line_count and quantity aggregate the
-- fact_sales rows just written (step 21); invoice_total is the OLTP invoice
-- total. rows_changed = invoices (re)written.
DELETE FROM dw.fact_invoice_summary f
USING affected_invoice a
WHERE f.invoice_id = a.invoice_id;

-- Full mode: every invoice is affected, so the lines are grouped straight
-- from fact_sales (no join of millions of lines to affected_invoice first).
-- GET DIAGNOSTICS counts the rows (see 21_fact_sales.sql).
DO $$
DECLARE n bigint;
BEGIN
    IF (SELECT mode FROM build_params) = 'full' THEN
        INSERT INTO dw.fact_invoice_summary (
            invoice_id, date_key, customer_key, employee_key, billing_address, billing_city,
            billing_state, billing_country, billing_postal_code, line_count, quantity,
            invoice_total)
        SELECT a.invoice_id, a.date_key, a.customer_key, a.employee_key, i.billing_address,
               i.billing_city, i.billing_state, i.billing_country, i.billing_postal_code,
               coalesce(l.line_count, 0), coalesce(l.quantity, 0), i.total
        FROM affected_invoice a
        JOIN mirror.invoice i ON i.invoice_id = a.invoice_id
        LEFT JOIN (
            SELECT invoice_id, count(*) AS line_count, sum(quantity) AS quantity
            FROM dw.fact_sales
            GROUP BY invoice_id
        ) l ON l.invoice_id = a.invoice_id;
    ELSE
        INSERT INTO dw.fact_invoice_summary (
            invoice_id, date_key, customer_key, employee_key, billing_address, billing_city,
            billing_state, billing_country, billing_postal_code, line_count, quantity,
            invoice_total)
        SELECT a.invoice_id, a.date_key, a.customer_key, a.employee_key, i.billing_address,
               i.billing_city, i.billing_state, i.billing_country, i.billing_postal_code,
               coalesce(l.line_count, 0), coalesce(l.quantity, 0), i.total
        FROM affected_invoice a
        JOIN mirror.invoice i ON i.invoice_id = a.invoice_id
        LEFT JOIN (
            SELECT f.invoice_id, count(*) AS line_count, sum(f.quantity) AS quantity
            FROM affected_invoice a
            JOIN dw.fact_sales f ON f.invoice_id = a.invoice_id
            GROUP BY f.invoice_id
        ) l ON l.invoice_id = a.invoice_id;
    END IF;
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO build_counts (table_name, rows_changed) VALUES ('dw.fact_invoice_summary', n);
END $$;
