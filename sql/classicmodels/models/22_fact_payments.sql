-- reads: affected.payment, mirror.payments, dw.dim_customer, dw.dim_employee
-- writes: dw.fact_payments
-- full: bulk
--
-- dw.fact_payments (grain: one payment) for the affected payments
-- (dataset.toml [facts.payment]): delete their rows, insert them again,
-- with the payment date's key, the customer version valid at the payment
-- date (the day read as its UTC midnight) and that version's sales rep (-1,
-- the unknown member, if it has none). A key that does not resolve stays
-- NULL (the data-quality tests report it).
-- Full mode: every payment is affected and the table is empty with no
-- indexes (full: bulk): a plain INSERT.
DO $$
DECLARE n bigint;
BEGIN
    IF (SELECT mode FROM build_params) <> 'full' THEN
        DELETE FROM dw.fact_payments f
        USING affected.payment a
        WHERE f.customer_number = a.customer_number
          AND f.check_number = a.check_number;
    END IF;

    INSERT INTO dw.fact_payments (
        customer_number, check_number, payment_date_key, customer_key, employee_key, amount)
    SELECT p.customer_number, p.check_number, dw.date_key(p.payment_date), c.customer_key,
           CASE WHEN c.customer_key IS NOT NULL THEN e.employee_key END, p.amount
    FROM affected.payment a
    JOIN mirror.payments p
      ON p.customer_number = a.customer_number AND p.check_number = a.check_number
    LEFT JOIN dw.dim_customer c
      ON c.customer_number = p.customer_number
     AND c.valid_from <= dw.utc_midnight(p.payment_date)
     AND c.valid_to > dw.utc_midnight(p.payment_date)
    LEFT JOIN dw.dim_employee e ON e.employee_number = coalesce(c.sales_rep_employee_number, -1);
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO build_counts (table_name, rows_changed) VALUES ('dw.fact_payments', n);
END $$;
