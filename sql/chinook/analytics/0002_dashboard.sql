-- Pack chinook, analytics migration 0002: the views the dashboard
-- (sql/chinook/dashboard.toml) reads beyond 0001: RFM segments, and the
-- questions of the QuickSight dashboards the pack replaces ("most
-- profitable artists two years ago", "genre-wise sales two years ago").
-- "Two years ago" is the calendar year two before the latest year with
-- sales (not now()): the answer depends on the data only, so a report of
-- old data says the same thing tomorrow. Idempotent (CREATE OR REPLACE).

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.customer_segments AS
SELECT row_number() OVER (ORDER BY count(*) DESC, r.segment) AS segment_rank,
       r.segment,
       count(*)::bigint                          AS customer_count,
       sum(r.monetary)::numeric(12, 2)           AS revenue,
       round(100.0 * count(*) / sum(count(*)) OVER (), 2)::numeric(6, 2) AS customer_share_pct
FROM analytics.customer_rfm r
GROUP BY r.segment;
COMMENT ON VIEW analytics.customer_segments IS
    'Customers per RFM segment (analytics.customer_rfm), ranked by customers; ties by segment name. Grain: segment.';
COMMENT ON COLUMN analytics.customer_segments.segment_rank IS '1 = the segment with the most customers (ties: segment name).';
COMMENT ON COLUMN analytics.customer_segments.segment IS 'RFM segment.';
COMMENT ON COLUMN analytics.customer_segments.customer_count IS 'Customers in the segment.';
COMMENT ON COLUMN analytics.customer_segments.revenue IS 'Their lifetime value, summed.';
COMMENT ON COLUMN analytics.customer_segments.customer_share_pct IS 'Percent of all customers.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.sales_two_years_ago AS
SELECT max(d.year) - 2 AS year
FROM dw.fact_sales f
JOIN dw.dim_date d ON d.date_key = f.date_key;
COMMENT ON VIEW analytics.sales_two_years_ago IS
    'The year "two years ago" of the dashboard questions: two before the latest year with sales (NULL without sales). Grain: one row.';
COMMENT ON COLUMN analytics.sales_two_years_ago.year IS 'Calendar year.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.top_artists_two_years_ago AS
WITH a AS (
    SELECT y.year,
           t.artist_id,
           min(t.artist_name)            AS artist_name,
           sum(f.quantity)::bigint       AS quantity,
           sum(f.amount)::numeric(12, 2) AS revenue
    FROM dw.fact_sales f
    JOIN dw.dim_date d ON d.date_key = f.date_key
    JOIN analytics.sales_two_years_ago y ON y.year = d.year
    JOIN dw.dim_track t ON t.track_key = f.track_key
    GROUP BY y.year, t.artist_id
)
SELECT row_number() OVER (ORDER BY a.revenue DESC, a.quantity DESC, a.artist_id NULLS LAST) AS revenue_rank,
       a.year, a.artist_id, a.artist_name, a.quantity, a.revenue
FROM a;
COMMENT ON VIEW analytics.top_artists_two_years_ago IS
    'The most profitable artists two years ago (analytics.sales_two_years_ago): line revenue in that calendar year, ranked; ties by quantity, then artist_id. Grain: artist.';
COMMENT ON COLUMN analytics.top_artists_two_years_ago.revenue_rank IS '1 = highest revenue that year.';
COMMENT ON COLUMN analytics.top_artists_two_years_ago.revenue IS 'Sum of line amounts in the year.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.genre_sales_two_years_ago AS
WITH g AS (
    SELECT y.year,
           t.genre_id,
           min(t.genre_name)             AS genre_name,
           sum(f.quantity)::bigint       AS quantity,
           sum(f.amount)::numeric(12, 2) AS revenue
    FROM dw.fact_sales f
    JOIN dw.dim_date d ON d.date_key = f.date_key
    JOIN analytics.sales_two_years_ago y ON y.year = d.year
    JOIN dw.dim_track t ON t.track_key = f.track_key
    GROUP BY y.year, t.genre_id
)
SELECT row_number() OVER (ORDER BY g.revenue DESC, g.quantity DESC, g.genre_id NULLS LAST) AS revenue_rank,
       g.year, g.genre_id, g.genre_name, g.quantity, g.revenue,
       CASE WHEN sum(g.revenue) OVER () > 0
            THEN round(100 * g.revenue / sum(g.revenue) OVER (), 2) END::numeric(6, 2) AS revenue_share_pct
FROM g;
COMMENT ON VIEW analytics.genre_sales_two_years_ago IS
    'Genre-wise sales two years ago (analytics.sales_two_years_ago): units and line revenue per genre in that calendar year, ranked by revenue; ties by quantity, then genre_id. Grain: genre.';
COMMENT ON COLUMN analytics.genre_sales_two_years_ago.revenue_rank IS '1 = highest revenue that year.';
COMMENT ON COLUMN analytics.genre_sales_two_years_ago.revenue IS 'Sum of line amounts in the year.';
COMMENT ON COLUMN analytics.genre_sales_two_years_ago.revenue_share_pct IS 'Percent of that year''s line revenue.';
