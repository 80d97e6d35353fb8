-- reads: changed.orders, changed.payments
-- writes: dw.dim_date
--
-- dw.dim_date: whole calendar years from the first to the last year of any
-- order, required, shipped or payment date, contiguous. It only grows: the
-- new range is the union of the current range and the years of the changed
-- orders and payments (full mode: every one), and only the missing days are
-- generated. Cost: one index probe for the current bounds, a scan of the
-- change set, and the new days.
WITH dates AS (
    SELECT min(least(order_date, required_date, shipped_date)) AS lo,
           max(greatest(order_date, required_date, shipped_date)) AS hi
    FROM changed.orders
    UNION ALL
    SELECT min(payment_date), max(payment_date)
    FROM changed.payments
), incoming AS (
    SELECT make_date(min(date_part('year', lo))::integer, 1, 1)   AS lo,
           make_date(max(date_part('year', hi))::integer, 12, 31) AS hi
    FROM dates
), present AS (
    SELECT min(full_date) AS lo, max(full_date) AS hi FROM dw.dim_date
), missing AS (
    SELECT d::date AS full_date
    FROM incoming n
    CROSS JOIN present c
    CROSS JOIN LATERAL generate_series(n.lo, c.lo - 1, interval '1 day') AS d
    WHERE n.lo < c.lo
    UNION ALL
    SELECT d::date
    FROM incoming n
    CROSS JOIN present c
    CROSS JOIN LATERAL generate_series(c.hi + 1, n.hi, interval '1 day') AS d
    WHERE n.hi > c.hi
    UNION ALL
    SELECT d::date
    FROM incoming n
    CROSS JOIN present c
    CROSS JOIN LATERAL generate_series(n.lo, n.hi, interval '1 day') AS d
    WHERE c.lo IS NULL
), ins AS (
    INSERT INTO dw.dim_date (
        date_key, full_date, day_of_month, day_of_week, day_name, day_of_year,
        iso_week, iso_year, month, month_name, month_short, year_month, month_start,
        quarter, quarter_name, year_quarter, year, is_weekend)
    SELECT dw.date_key(m.full_date),
           m.full_date,
           date_part('day', m.full_date),
           date_part('isodow', m.full_date),
           to_char(m.full_date, 'FMDay'),
           date_part('doy', m.full_date),
           date_part('week', m.full_date),
           date_part('isoyear', m.full_date),
           date_part('month', m.full_date),
           to_char(m.full_date, 'FMMonth'),
           to_char(m.full_date, 'Mon'),
           to_char(m.full_date, 'YYYY-MM'),
           date_trunc('month', m.full_date)::date,
           date_part('quarter', m.full_date),
           'Q' || date_part('quarter', m.full_date),
           to_char(m.full_date, 'YYYY') || '-Q' || date_part('quarter', m.full_date),
           date_part('year', m.full_date),
           date_part('isodow', m.full_date) IN (6, 7)
    FROM missing m
    ON CONFLICT (date_key) DO NOTHING
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'dw.dim_date', count(*) FROM ins;
