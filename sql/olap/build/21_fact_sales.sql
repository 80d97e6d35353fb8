-- star-builder, step 21: dw.fact_sales for the affected invoices only:
-- delete their lines, insert them again from the mirror (index on
-- fact_sales.invoice_id and mirror.invoice_line.invoice_id).
-- rows_changed = lines (re)written.
DELETE FROM dw.fact_sales f
USING affected_invoice a
WHERE f.invoice_id = a.invoice_id;

-- GET DIAGNOSTICS counts the rows: a RETURNING CTE would first store every
-- inserted row (millions in a full build) just to count them.
DO $$
DECLARE n bigint;
BEGIN
    INSERT INTO dw.fact_sales (
        invoice_line_id, invoice_id, date_key, customer_key, track_key, employee_key,
        quantity, unit_price, amount)
    SELECT l.invoice_line_id, l.invoice_id, a.date_key, a.customer_key, t.track_key,
           a.employee_key, l.quantity, l.unit_price,
           (l.unit_price * l.quantity)::numeric(12, 2)
    FROM affected_invoice a
    JOIN mirror.invoice_line l ON l.invoice_id = a.invoice_id
    LEFT JOIN dw.dim_track t ON t.track_id = l.track_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO build_counts (table_name, rows_changed) VALUES ('dw.fact_sales', n);
END $$;
