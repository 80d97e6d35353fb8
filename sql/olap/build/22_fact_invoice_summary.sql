-- star-builder, step 22: dw.fact_invoice_summary for the affected invoices
-- only (delete + insert by invoice). line_count and quantity aggregate the
-- fact_sales rows just written (step 21); invoice_total is the OLTP invoice
-- total. rows_changed = invoices (re)written.
DELETE FROM dw.fact_invoice_summary f
USING affected_invoice a
WHERE f.invoice_id = a.invoice_id;

-- The lines per invoice: in full mode every invoice is affected, so they are
-- grouped straight from fact_sales (no join of millions of lines to
-- affected_invoice first); otherwise those of the affected invoices.
-- GET DIAGNOSTICS counts the rows (see 21_fact_sales.sql).
DO $$
DECLARE
    n bigint;
    lines text := CASE WHEN (SELECT mode FROM build_params) = 'full'
        THEN 'SELECT invoice_id, count(*) AS line_count, sum(quantity) AS quantity
              FROM dw.fact_sales
              GROUP BY invoice_id'
        ELSE 'SELECT f.invoice_id, count(*) AS line_count, sum(f.quantity) AS quantity
              FROM affected_invoice a
              JOIN dw.fact_sales f ON f.invoice_id = a.invoice_id
              GROUP BY f.invoice_id'
    END;
BEGIN
    EXECUTE format($q$
        INSERT INTO dw.fact_invoice_summary (
            invoice_id, date_key, customer_key, employee_key, billing_address, billing_city,
            billing_state, billing_country, billing_postal_code, line_count, quantity,
            invoice_total)
        SELECT a.invoice_id, a.date_key, a.customer_key, a.employee_key, i.billing_address,
               i.billing_city, i.billing_state, i.billing_country, i.billing_postal_code,
               coalesce(l.line_count, 0), coalesce(l.quantity, 0), i.total
        FROM affected_invoice a
        JOIN mirror.invoice i ON i.invoice_id = a.invoice_id
        LEFT JOIN (%s) l ON l.invoice_id = a.invoice_id $q$, lines);
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO build_counts (table_name, rows_changed) VALUES ('dw.fact_invoice_summary', n);
END $$;
