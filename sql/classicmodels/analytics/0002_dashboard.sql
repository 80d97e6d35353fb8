-- Pack classicmodels, analytics migration 0002: the view the dashboard
-- (sql/classicmodels/dashboard.toml) reads beyond 0001. Idempotent
-- (CREATE OR REPLACE).

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.shipping_punctuality AS
SELECT s.year,
       s.month,
       s.year_month,
       s.order_count,
       (s.shipped_orders - s.late_orders)::bigint AS on_time_orders,
       s.late_orders,
       s.unshipped_orders,
       s.avg_days_to_ship,
       s.late_pct
FROM analytics.shipping_delays s;
COMMENT ON VIEW analytics.shipping_punctuality IS
    'The orders of each month of the order date split into shipped on time, shipped late (after their required date) and not shipped; they add up to order_count. Grain: month (months with orders).';
COMMENT ON COLUMN analytics.shipping_punctuality.year_month IS 'YYYY-MM of the order date.';
COMMENT ON COLUMN analytics.shipping_punctuality.order_count IS 'Orders placed in the month.';
COMMENT ON COLUMN analytics.shipping_punctuality.on_time_orders IS 'Shipped by their required date.';
COMMENT ON COLUMN analytics.shipping_punctuality.late_orders IS 'Shipped after their required date.';
COMMENT ON COLUMN analytics.shipping_punctuality.unshipped_orders IS 'Not shipped (yet).';
COMMENT ON COLUMN analytics.shipping_punctuality.avg_days_to_ship IS 'Mean days from order to shipping over the shipped orders.';
COMMENT ON COLUMN analytics.shipping_punctuality.late_pct IS 'Percent of the shipped orders shipped late.';
