-- The headline analytics of the classicmodels warehouse: one row, one json
-- column. `make demo` prints it and writes it under "analytics" in its
-- summary JSON (the engine adds the row counts and the data-quality results
-- itself). A query over the analytics views. Money is a string with two
-- decimals (numeric(15,2)::text), never a float. Revenue is
-- quantity_ordered * price_each over every order line. Lists: every year
-- with orders (calendar order); every product line, customer country and
-- office with revenue, by revenue descending (the views' rank order); the
-- top 5 customers by revenue; orders per status, most orders first (ties:
-- status). An office's revenue is its sales reps' (each order is credited
-- to the rep of the customer's version at the order date, and the rep to
-- their office); orders of customers without a rep are in no office.
SELECT json_build_object(
    'total_revenue', (SELECT total_revenue::text FROM analytics.sales_overview),
    'revenue_by_year', (
        SELECT coalesce(json_agg(json_build_object('year', year, 'revenue', revenue::text)
                                 ORDER BY year), '[]'::json)
        FROM analytics.revenue_by_year
        WHERE order_count > 0),
    'revenue_by_product_line', (
        SELECT coalesce(json_agg(json_build_object('product_line', product_line,
                                                   'revenue', revenue::text)
                                 ORDER BY revenue_rank), '[]'::json)
        FROM analytics.revenue_by_product_line),
    'revenue_by_country', (
        SELECT coalesce(json_agg(json_build_object('country', country, 'revenue', revenue::text)
                                 ORDER BY revenue_rank), '[]'::json)
        FROM analytics.revenue_by_country),
    'top_customers', (
        SELECT coalesce(json_agg(json_build_object('customer', customer_name,
                                                   'revenue', revenue::text)
                                 ORDER BY revenue_rank), '[]'::json)
        FROM analytics.top_customers
        WHERE revenue_rank <= 5),
    'payments_total', (SELECT payments_total::text FROM analytics.sales_overview),
    'revenue_by_office', (
        SELECT coalesce(json_agg(json_build_object('office', city, 'revenue', revenue::text)
                                 ORDER BY revenue_rank), '[]'::json)
        FROM analytics.office_performance
        WHERE order_count > 0),
    'orders_by_status', (
        SELECT coalesce(json_agg(json_build_object('status', status, 'orders', order_count)
                                 ORDER BY order_count DESC, status), '[]'::json)
        FROM analytics.order_status_funnel),
    'customers_without_rep', (SELECT customers_without_rep FROM analytics.sales_overview)
) AS analytics
