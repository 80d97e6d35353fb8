-- The headline analytics of the Chinook warehouse: one row, one json
-- column. `make demo` prints it and writes it under "analytics" in its
-- summary JSON (the engine adds the row counts and the data-quality results
-- itself). A query over the analytics views. Money is a string with two
-- decimals (numeric(12,2)::text), never a float. Lists: every year,
-- country, genre and employee with sales, by revenue (years in calendar
-- order); top 10 artists, 5 tracks by quantity and 5 customers by lifetime
-- value, in the views' deterministic rank order.
SELECT json_build_object(
    'total_revenue', (SELECT total_revenue::text FROM analytics.sales_overview),
    'revenue_by_year', (
        SELECT coalesce(json_agg(json_build_object('year', year, 'revenue', revenue::text)
                                 ORDER BY year), '[]'::json)
        FROM analytics.revenue_by_year
        WHERE invoice_count > 0),
    'revenue_by_country', (
        SELECT coalesce(json_agg(json_build_object('country', country, 'revenue', revenue::text)
                                 ORDER BY revenue_rank), '[]'::json)
        FROM analytics.revenue_by_country),
    'revenue_by_genre', (
        SELECT coalesce(json_agg(json_build_object('genre', genre_name, 'revenue', revenue::text)
                                 ORDER BY revenue_rank), '[]'::json)
        FROM analytics.top_genres),
    'top_artists', (
        SELECT coalesce(json_agg(json_build_object('artist', artist_name, 'revenue', revenue::text)
                                 ORDER BY revenue_rank), '[]'::json)
        FROM analytics.top_artists
        WHERE revenue_rank <= 10),
    'top_tracks_by_quantity', (
        SELECT coalesce(json_agg(json_build_object('track_id', track_id, 'track', track_name,
                                                   'quantity', quantity)
                                 ORDER BY quantity_rank), '[]'::json)
        FROM analytics.top_tracks
        WHERE quantity_rank <= 5),
    'revenue_by_employee', (
        SELECT coalesce(json_agg(json_build_object('employee', full_name, 'revenue', revenue::text)
                                 ORDER BY revenue_rank), '[]'::json)
        FROM analytics.employee_performance
        WHERE invoice_count > 0),
    'customer_count', (SELECT customer_count FROM analytics.sales_overview),
    'top_customers_by_ltv', (
        SELECT coalesce(json_agg(json_build_object('customer_id', customer_id, 'name', full_name,
                                                   'ltv', lifetime_value::text)
                                 ORDER BY ltv_rank), '[]'::json)
        FROM analytics.customer_lifetime_value
        WHERE ltv_rank <= 5)) AS analytics
