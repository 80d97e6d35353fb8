-- The warehouse summary `cargo xtask demo` prints and writes to its summary
-- JSON (star_builder::demo_summary). Not a migration (no number): a query
-- over the analytics views, dw row counts and the latest build's DQ results.
-- Money is a string with two decimals (numeric(12,2)::text), never a float.
-- Lists: every year, country, genre and employee with sales, by revenue
-- (years in calendar order); top 10 artists, 5 tracks by quantity and 5
-- customers by lifetime value, in the views' deterministic rank order.
SELECT json_build_object(
    'olap', json_build_object(
        'row_counts', json_build_object(
            'dim_date',              (SELECT count(*) FROM dw.dim_date),
            'dim_customer',          (SELECT count(*) FROM dw.dim_customer),
            'dim_employee',          (SELECT count(*) FROM dw.dim_employee),
            'dim_track',             (SELECT count(*) FROM dw.dim_track),
            'dim_playlist',          (SELECT count(*) FROM dw.dim_playlist),
            'bridge_playlist_track', (SELECT count(*) FROM dw.bridge_playlist_track),
            'fact_sales',            (SELECT count(*) FROM dw.fact_sales),
            'fact_invoice_summary',  (SELECT count(*) FROM dw.fact_invoice_summary))),
    'dq', (SELECT coalesce(json_agg(json_build_object(
                      'check', r.check_name, 'passed', r.passed, 'detail', r.detail)
                  ORDER BY r.check_name), '[]'::json)
           FROM etl.dq_result r
           WHERE r.build_id = (SELECT max(build_id) FROM etl.build_run)),
    'analytics', json_build_object(
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
            WHERE ltv_rank <= 5)))
