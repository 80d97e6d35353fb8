-- reads: affected.invoice, mirror.invoice_line, dw.fact_invoice_summary, dw.dim_track
-- writes: dw.fact_sales
-- full: bulk
--
-- dw.fact_sales (grain: one invoice line) for the affected invoices
-- (dataset.toml [facts.invoice]): delete their lines, insert them again.
-- The date, customer and employee keys are the invoice's, resolved by the
-- invoice summary model just before (dw.fact_invoice_summary, rewritten for
-- the same invoices); the track key is the line's track.
-- rows_changed = lines (re)written.
--
-- Full mode: every invoice is affected and the table is empty with no
-- indexes (full: bulk): one plain INSERT joining every invoice line to its
-- invoice's row. Incremental: the lines of the affected invoices (index
-- probes on fact_sales.invoice_id and the invoice lines' invoice_id).
-- GET DIAGNOSTICS counts the rows: a RETURNING CTE would first store every
-- inserted row (millions in a full build) just to count them.
DO $$
DECLARE n bigint;
BEGIN
    IF (SELECT mode FROM build_params) = 'full' THEN
        INSERT INTO dw.fact_sales (
            invoice_line_id, invoice_id, date_key, customer_key, track_key, employee_key,
            quantity, unit_price, amount)
        SELECT l.invoice_line_id, l.invoice_id, s.date_key, s.customer_key, t.track_key,
               s.employee_key, l.quantity, l.unit_price,
               (l.unit_price * l.quantity)::numeric(12, 2)
        FROM dw.fact_invoice_summary s
        JOIN mirror.invoice_line l ON l.invoice_id = s.invoice_id
        LEFT JOIN dw.dim_track t ON t.track_id = l.track_id;
    ELSE
        DELETE FROM dw.fact_sales f
        USING affected.invoice a
        WHERE f.invoice_id = a.invoice_id;

        INSERT INTO dw.fact_sales (
            invoice_line_id, invoice_id, date_key, customer_key, track_key, employee_key,
            quantity, unit_price, amount)
        SELECT l.invoice_line_id, l.invoice_id, s.date_key, s.customer_key, t.track_key,
               s.employee_key, l.quantity, l.unit_price,
               (l.unit_price * l.quantity)::numeric(12, 2)
        FROM affected.invoice a
        JOIN dw.fact_invoice_summary s ON s.invoice_id = a.invoice_id
        JOIN mirror.invoice_line l ON l.invoice_id = a.invoice_id
        LEFT JOIN dw.dim_track t ON t.track_id = l.track_id;
    END IF;
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO build_counts (table_name, rows_changed) VALUES ('dw.fact_sales', n);
END $$;
