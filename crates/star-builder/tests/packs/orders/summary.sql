-- The orders test pack's headline analytics (one row, one json column).
SELECT json_build_object(
    'orders', (SELECT count(*) FROM dw.fact_order),
    'revenue', (SELECT coalesce(sum(total), 0)::numeric(12, 2)::text FROM dw.fact_order),
    'revenue_by_city', (
        SELECT coalesce(json_agg(json_build_object('city', city, 'orders', orders,
                                                   'revenue', revenue::numeric(12, 2)::text)
                                 ORDER BY revenue DESC, city), '[]'::json)
        FROM analytics.revenue_by_city))
