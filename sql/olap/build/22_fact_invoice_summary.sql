-- star-builder, step 22: dw.fact_invoice_summary for the affected invoices
-- only (delete + insert by invoice). line_count and quantity aggregate the
-- fact_sales rows just written (step 21); invoice_total is the OLTP invoice
-- total. rows_changed = invoices (re)written.
DELETE FROM dw.fact_invoice_summary f
USING affected_invoice a
WHERE f.invoice_id = a.invoice_id;

WITH lines AS (
    SELECT f.invoice_id, count(*) AS line_count, sum(f.quantity) AS quantity
    FROM affected_invoice a
    JOIN dw.fact_sales f ON f.invoice_id = a.invoice_id
    GROUP BY f.invoice_id
), ins AS (
    INSERT INTO dw.fact_invoice_summary (
        invoice_id, date_key, customer_key, employee_key, billing_address, billing_city,
        billing_state, billing_country, billing_postal_code, line_count, quantity,
        invoice_total)
    SELECT a.invoice_id, a.date_key, a.customer_key, a.employee_key, i.billing_address,
           i.billing_city, i.billing_state, i.billing_country, i.billing_postal_code,
           coalesce(l.line_count, 0), coalesce(l.quantity, 0), i.total
    FROM affected_invoice a
    JOIN mirror.invoice i ON i.invoice_id = a.invoice_id
    LEFT JOIN lines l ON l.invoice_id = a.invoice_id
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'dw.fact_invoice_summary', count(*) FROM ins;
