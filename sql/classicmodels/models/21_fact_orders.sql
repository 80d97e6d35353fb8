-- reads: affected.order, mirror.orders, mirror.orderdetails
-- reads: dw.dim_customer, dw.dim_product, dw.dim_employee, changed.employees, changed.offices
-- writes: dw.fact_orders
-- full: bulk
--
-- dw.fact_orders (grain: one order line) for the affected orders
-- (dataset.toml [facts.order]): delete their lines, insert them again.
-- Each affected order's keys are resolved once (order_keys), then given to
-- its lines:
--   * the order, required and shipped dates' date keys (shipped: NULL while
--     not shipped);
--   * customer_key: the customer version valid at the order date (the day
--     read as its UTC midnight against the versions' timestamptz validity);
--     customer_location_key: that version's place;
--   * employee_key: that version's sales rep, -1 (the unknown member) if it
--     has none; office_code and office_location_key: the rep's office (the
--     unknown member's place without a rep).
-- A key that does not resolve stays NULL (the data-quality tests report it).
-- amount = quantity_ordered * price_each; days_to_ship = shipped date -
-- order date; shipped_late: shipped after the required date.
--
-- The rep's office is type 1 (an employee's current office): when an
-- employee changes office, or an office moves, an incremental build also
-- updates the office columns of the lines whose rep that is (the index on
-- employee_key), so that the lines agree with a full build's.
--
-- Full mode: every order is affected and the table is empty with no
-- indexes (full: bulk): plain INSERTs. GET DIAGNOSTICS counts the rows (a
-- RETURNING CTE would first store every row just to count them).
CREATE TEMP TABLE order_keys ON COMMIT DROP AS
SELECT o.order_number, o.customer_number, o.order_date, o.required_date, o.shipped_date,
       o.status, c.customer_key, c.location_key AS customer_location_key,
       CASE WHEN c.customer_key IS NOT NULL THEN e.employee_key END AS employee_key,
       CASE WHEN c.customer_key IS NOT NULL THEN e.office_code END AS office_code,
       CASE WHEN c.customer_key IS NOT NULL THEN e.office_location_key END AS office_location_key
FROM affected.order a
JOIN mirror.orders o ON o.order_number = a.order_number
LEFT JOIN dw.dim_customer c
  ON c.customer_number = o.customer_number
 AND c.valid_from <= dw.utc_midnight(o.order_date)
 AND c.valid_to > dw.utc_midnight(o.order_date)
LEFT JOIN dw.dim_employee e ON e.employee_number = coalesce(c.sales_rep_employee_number, -1);

ANALYZE order_keys;

DO $$
DECLARE n bigint;
BEGIN
    IF (SELECT mode FROM build_params) <> 'full' THEN
        DELETE FROM dw.fact_orders f
        USING affected.order a
        WHERE f.order_number = a.order_number;
    END IF;

    INSERT INTO dw.fact_orders (
        order_number, product_code, order_line_number, customer_number, order_date_key,
        required_date_key, shipped_date_key, customer_key, product_key, employee_key,
        office_code, customer_location_key, office_location_key, status, quantity_ordered,
        price_each, amount, days_to_ship, shipped_late)
    SELECT l.order_number, l.product_code, l.order_line_number, k.customer_number,
           dw.date_key(k.order_date), dw.date_key(k.required_date), dw.date_key(k.shipped_date),
           k.customer_key, p.product_key, k.employee_key, k.office_code,
           k.customer_location_key, k.office_location_key, k.status, l.quantity_ordered,
           l.price_each, (l.quantity_ordered * l.price_each)::numeric(12, 2),
           k.shipped_date - k.order_date,
           coalesce(k.shipped_date > k.required_date, false)
    FROM order_keys k
    JOIN mirror.orderdetails l ON l.order_number = k.order_number
    LEFT JOIN dw.dim_product p ON p.product_code = l.product_code;
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO build_counts (table_name, rows_changed) VALUES ('dw.fact_orders', n);

    IF (SELECT mode FROM build_params) <> 'full' THEN
        UPDATE dw.fact_orders f SET
            office_code = e.office_code,
            office_location_key = e.office_location_key
        FROM dw.dim_employee e
        WHERE f.employee_key = e.employee_key
          AND (e.employee_number IN (SELECT employee_number FROM changed.employees)
               OR e.office_code IN (SELECT office_code FROM changed.offices))
          AND ROW(f.office_code, f.office_location_key)
              IS DISTINCT FROM ROW(e.office_code, e.office_location_key);
        GET DIAGNOSTICS n = ROW_COUNT;
        INSERT INTO build_counts (table_name, rows_changed) VALUES ('dw.fact_orders', n);
    END IF;
END $$;
