-- Pack chinook, analytics migration 0001: schema `analytics`, views over
-- the dw star schema that answer the business questions. Idempotent
-- (CREATE OR REPLACE VIEW): a database whose views the former
-- sql/analytics/0001_views.sql created takes it as it is. Conventions:
--   * money is numeric(12,2); shares are percentages numeric(6,2);
--   * revenue = what customers paid: invoice totals for invoice-grain views
--     (time, country, customer, employee), line amounts (quantity *
--     unit_price) for product views (track, album, artist, genre); the two
--     agree per invoice (checked by the build's data-quality step);
--   * every ranking has a *_rank column computed with row_number() over a
--     total order (ties broken by the next measure, then the natural key), so
--     "ORDER BY <x>_rank" is deterministic;
--   * a customer is the natural customer_id, across all SCD2 versions; its
--     descriptive columns come from the current version;
--   * employee revenue is credited to the support rep of the customer version
--     valid at the invoice date.

CREATE SCHEMA IF NOT EXISTS analytics;
COMMENT ON SCHEMA analytics IS
    'Business views over the dw star schema (revenue over time, products, geography, customers, employees).';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.revenue_by_day AS
SELECT d.date_key,
       d.full_date,
       d.year,
       d.month,
       d.day_of_month,
       d.day_name,
       d.is_weekend,
       coalesce(s.invoice_count, 0)::bigint        AS invoice_count,
       coalesce(s.line_count, 0)::bigint           AS line_count,
       coalesce(s.quantity, 0)::bigint             AS quantity,
       coalesce(s.revenue, 0)::numeric(12, 2)      AS revenue
FROM dw.dim_date d
LEFT JOIN (
    SELECT date_key, count(*) AS invoice_count, sum(line_count) AS line_count,
           sum(quantity) AS quantity, sum(invoice_total) AS revenue
    FROM dw.fact_invoice_summary
    GROUP BY date_key
) s ON s.date_key = d.date_key;
COMMENT ON VIEW analytics.revenue_by_day IS
    'Revenue per calendar day. Dense: one row per dim_date day (whole years of the data), zeros on days without sales. Grain: day. Source: fact_invoice_summary (invoice totals).';
COMMENT ON COLUMN analytics.revenue_by_day.date_key IS 'YYYYMMDD.';
COMMENT ON COLUMN analytics.revenue_by_day.invoice_count IS 'Invoices dated that day.';
COMMENT ON COLUMN analytics.revenue_by_day.line_count IS 'Invoice lines on those invoices.';
COMMENT ON COLUMN analytics.revenue_by_day.quantity IS 'Units sold.';
COMMENT ON COLUMN analytics.revenue_by_day.revenue IS 'Sum of invoice totals.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.revenue_by_month AS
WITH months AS (
    SELECT year, month, month_start, year_month, month_name
    FROM dw.dim_date
    WHERE day_of_month = 1
), sales AS (
    SELECT d.month_start,
           count(*)                      AS invoice_count,
           count(DISTINCT c.customer_id) AS customer_count,
           sum(s.quantity)               AS quantity,
           sum(s.invoice_total)          AS revenue
    FROM dw.fact_invoice_summary s
    JOIN dw.dim_date d ON d.date_key = s.date_key
    JOIN dw.dim_customer c ON c.customer_key = s.customer_key
    GROUP BY d.month_start
)
SELECT m.year,
       m.month,
       m.month_start,
       m.year_month,
       m.month_name,
       coalesce(s.invoice_count, 0)::bigint   AS invoice_count,
       coalesce(s.customer_count, 0)::bigint  AS customer_count,
       coalesce(s.quantity, 0)::bigint        AS quantity,
       coalesce(s.revenue, 0)::numeric(12, 2) AS revenue,
       sum(coalesce(s.revenue, 0)) OVER (PARTITION BY m.year ORDER BY m.month)::numeric(12, 2)
                                              AS revenue_year_to_date
FROM months m
LEFT JOIN sales s ON s.month_start = m.month_start;
COMMENT ON VIEW analytics.revenue_by_month IS
    'Revenue per calendar month. Dense over dim_date''s years, zeros for months without sales. Grain: month.';
COMMENT ON COLUMN analytics.revenue_by_month.month_start IS 'First day of the month.';
COMMENT ON COLUMN analytics.revenue_by_month.year_month IS 'YYYY-MM.';
COMMENT ON COLUMN analytics.revenue_by_month.customer_count IS 'Distinct customers (customer_id) who bought that month.';
COMMENT ON COLUMN analytics.revenue_by_month.revenue IS 'Sum of invoice totals.';
COMMENT ON COLUMN analytics.revenue_by_month.revenue_year_to_date IS 'Running revenue from January of the same year.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.revenue_by_year AS
WITH years AS (
    SELECT DISTINCT year FROM dw.dim_date
), sales AS (
    SELECT d.year,
           count(*)                      AS invoice_count,
           count(DISTINCT c.customer_id) AS customer_count,
           sum(s.quantity)               AS quantity,
           sum(s.invoice_total)          AS revenue
    FROM dw.fact_invoice_summary s
    JOIN dw.dim_date d ON d.date_key = s.date_key
    JOIN dw.dim_customer c ON c.customer_key = s.customer_key
    GROUP BY d.year
), y AS (
    SELECT y.year,
           coalesce(s.invoice_count, 0)::bigint   AS invoice_count,
           coalesce(s.customer_count, 0)::bigint  AS customer_count,
           coalesce(s.quantity, 0)::bigint        AS quantity,
           coalesce(s.revenue, 0)::numeric(12, 2) AS revenue
    FROM years y
    LEFT JOIN sales s ON s.year = y.year
)
SELECT y.year,
       y.invoice_count,
       y.customer_count,
       y.quantity,
       y.revenue,
       lag(y.revenue) OVER (ORDER BY y.year) AS prior_year_revenue,
       CASE WHEN lag(y.revenue) OVER (ORDER BY y.year) > 0
            THEN round(100 * (y.revenue / lag(y.revenue) OVER (ORDER BY y.year) - 1), 2)
       END::numeric(8, 2)                    AS growth_pct
FROM y;
COMMENT ON VIEW analytics.revenue_by_year IS
    'Revenue per calendar year (every year of dim_date, zeros for years without sales), with the prior year and growth. Grain: year.';
COMMENT ON COLUMN analytics.revenue_by_year.revenue IS 'Sum of invoice totals.';
COMMENT ON COLUMN analytics.revenue_by_year.prior_year_revenue IS 'Revenue of the previous year (NULL for the first).';
COMMENT ON COLUMN analytics.revenue_by_year.growth_pct IS 'Percent change against the prior year; NULL when the prior year had no revenue.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.top_tracks AS
WITH t AS (
    SELECT f.track_key,
           sum(f.quantity)::bigint            AS quantity,
           sum(f.amount)::numeric(12, 2)      AS revenue,
           count(DISTINCT f.invoice_id)::bigint AS invoice_count
    FROM dw.fact_sales f
    GROUP BY f.track_key
)
SELECT row_number() OVER (ORDER BY t.quantity DESC, t.revenue DESC, d.track_id) AS quantity_rank,
       d.track_id,
       d.track_name,
       d.album_title,
       d.artist_name,
       d.genre_name,
       t.quantity,
       t.revenue,
       t.invoice_count
FROM t
JOIN dw.dim_track d ON d.track_key = t.track_key;
COMMENT ON VIEW analytics.top_tracks IS
    'Tracks that sold, ranked by quantity; ties broken by revenue, then track_id. Grain: track. ORDER BY quantity_rank.';
COMMENT ON COLUMN analytics.top_tracks.quantity_rank IS '1 = most units sold (ties: higher revenue, then lower track_id).';
COMMENT ON COLUMN analytics.top_tracks.quantity IS 'Units sold.';
COMMENT ON COLUMN analytics.top_tracks.revenue IS 'Sum of line amounts.';
COMMENT ON COLUMN analytics.top_tracks.invoice_count IS 'Invoices containing the track.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.top_albums AS
WITH a AS (
    SELECT d.album_id,
           min(d.album_title)            AS album_title,
           min(d.artist_id)              AS artist_id,
           min(d.artist_name)            AS artist_name,
           sum(f.quantity)::bigint       AS quantity,
           sum(f.amount)::numeric(12, 2) AS revenue
    FROM dw.fact_sales f
    JOIN dw.dim_track d ON d.track_key = f.track_key
    GROUP BY d.album_id
)
SELECT row_number() OVER (ORDER BY a.revenue DESC, a.quantity DESC, a.album_id NULLS LAST) AS revenue_rank,
       a.album_id, a.album_title, a.artist_id, a.artist_name, a.quantity, a.revenue
FROM a;
COMMENT ON VIEW analytics.top_albums IS
    'Albums that sold, ranked by revenue; ties broken by quantity, then album_id (tracks without an album form one NULL row). Grain: album.';
COMMENT ON COLUMN analytics.top_albums.revenue_rank IS '1 = highest revenue (ties: more units, then lower album_id).';
COMMENT ON COLUMN analytics.top_albums.revenue IS 'Sum of line amounts.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.top_artists AS
WITH a AS (
    SELECT d.artist_id,
           min(d.artist_name)            AS artist_name,
           count(DISTINCT d.album_id)    AS album_count,
           sum(f.quantity)::bigint       AS quantity,
           sum(f.amount)::numeric(12, 2) AS revenue
    FROM dw.fact_sales f
    JOIN dw.dim_track d ON d.track_key = f.track_key
    GROUP BY d.artist_id
)
SELECT row_number() OVER (ORDER BY a.revenue DESC, a.quantity DESC, a.artist_id NULLS LAST) AS revenue_rank,
       a.artist_id, a.artist_name, a.album_count::bigint AS album_count, a.quantity, a.revenue
FROM a;
COMMENT ON VIEW analytics.top_artists IS
    'Artists that sold, ranked by revenue; ties broken by quantity, then artist_id. Grain: artist.';
COMMENT ON COLUMN analytics.top_artists.revenue_rank IS '1 = highest revenue (ties: more units, then lower artist_id).';
COMMENT ON COLUMN analytics.top_artists.album_count IS 'Albums of the artist with at least one sale.';
COMMENT ON COLUMN analytics.top_artists.revenue IS 'Sum of line amounts.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.top_genres AS
WITH g AS (
    SELECT d.genre_id,
           min(d.genre_name)             AS genre_name,
           sum(f.quantity)::bigint       AS quantity,
           sum(f.amount)::numeric(12, 2) AS revenue
    FROM dw.fact_sales f
    JOIN dw.dim_track d ON d.track_key = f.track_key
    GROUP BY d.genre_id
)
SELECT row_number() OVER (ORDER BY g.revenue DESC, g.quantity DESC, g.genre_id NULLS LAST) AS revenue_rank,
       g.genre_id, g.genre_name, g.quantity, g.revenue,
       CASE WHEN sum(g.revenue) OVER () > 0
            THEN round(100 * g.revenue / sum(g.revenue) OVER (), 2) END::numeric(6, 2) AS revenue_share_pct
FROM g;
COMMENT ON VIEW analytics.top_genres IS
    'Genres that sold, ranked by revenue; ties broken by quantity, then genre_id. Grain: genre.';
COMMENT ON COLUMN analytics.top_genres.revenue_rank IS '1 = highest revenue (ties: more units, then lower genre_id).';
COMMENT ON COLUMN analytics.top_genres.revenue IS 'Sum of line amounts.';
COMMENT ON COLUMN analytics.top_genres.revenue_share_pct IS 'Percent of all line revenue.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.revenue_by_country AS
WITH c AS (
    SELECT s.billing_country               AS country,
           count(DISTINCT dc.customer_id)  AS customer_count,
           count(*)                        AS invoice_count,
           sum(s.invoice_total)            AS revenue
    FROM dw.fact_invoice_summary s
    JOIN dw.dim_customer dc ON dc.customer_key = s.customer_key
    GROUP BY s.billing_country
)
SELECT row_number() OVER (ORDER BY c.revenue DESC, c.country NULLS LAST) AS revenue_rank,
       c.country,
       c.customer_count::bigint                         AS customer_count,
       c.invoice_count::bigint                          AS invoice_count,
       c.revenue::numeric(12, 2)                        AS revenue,
       round(c.revenue / c.invoice_count, 2)::numeric(12, 2) AS avg_invoice_value,
       CASE WHEN sum(c.revenue) OVER () > 0
            THEN round(100 * c.revenue / sum(c.revenue) OVER (), 2) END::numeric(6, 2) AS revenue_share_pct
FROM c;
COMMENT ON VIEW analytics.revenue_by_country IS
    'Revenue per billing country (as invoiced), ranked; ties broken by country name. Grain: country.';
COMMENT ON COLUMN analytics.revenue_by_country.revenue_rank IS '1 = highest revenue (ties: country name).';
COMMENT ON COLUMN analytics.revenue_by_country.customer_count IS 'Distinct customers billed in the country.';
COMMENT ON COLUMN analytics.revenue_by_country.revenue IS 'Sum of invoice totals.';
COMMENT ON COLUMN analytics.revenue_by_country.avg_invoice_value IS 'revenue / invoice_count, rounded to cents.';
COMMENT ON COLUMN analytics.revenue_by_country.revenue_share_pct IS 'Percent of total revenue.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.customer_lifetime_value AS
WITH p AS (
    SELECT c.customer_id,
           count(*)             AS invoice_count,
           sum(s.quantity)      AS quantity,
           sum(s.invoice_total) AS revenue,
           min(s.date_key)      AS first_key,
           max(s.date_key)      AS last_key
    FROM dw.fact_invoice_summary s
    JOIN dw.dim_customer c ON c.customer_key = s.customer_key
    GROUP BY c.customer_id
)
SELECT row_number() OVER (ORDER BY coalesce(p.revenue, 0) DESC, cur.customer_id) AS ltv_rank,
       cur.customer_id,
       cur.full_name,
       cur.company,
       cur.city,
       cur.country,
       cur.email,
       fd.full_date                                 AS first_purchase_date,
       ld.full_date                                 AS last_purchase_date,
       coalesce(p.invoice_count, 0)::bigint         AS invoice_count,
       coalesce(p.quantity, 0)::bigint              AS quantity,
       coalesce(p.revenue, 0)::numeric(12, 2)       AS lifetime_value,
       CASE WHEN p.invoice_count > 0
            THEN round(p.revenue / p.invoice_count, 2) END::numeric(12, 2) AS avg_invoice_value,
       (ld.full_date - fd.full_date)                AS customer_span_days
FROM dw.dim_customer cur
LEFT JOIN p ON p.customer_id = cur.customer_id
LEFT JOIN dw.dim_date fd ON fd.date_key = p.first_key
LEFT JOIN dw.dim_date ld ON ld.date_key = p.last_key
WHERE cur.is_current;
COMMENT ON VIEW analytics.customer_lifetime_value IS
    'Historical customer lifetime value: everything a customer (all SCD2 versions) has paid, with first/last purchase; customers without purchases included with 0. Ranked by value, ties by customer_id. Grain: customer.';
COMMENT ON COLUMN analytics.customer_lifetime_value.ltv_rank IS '1 = highest lifetime value (ties: lower customer_id).';
COMMENT ON COLUMN analytics.customer_lifetime_value.full_name IS 'Current name.';
COMMENT ON COLUMN analytics.customer_lifetime_value.country IS 'Current country.';
COMMENT ON COLUMN analytics.customer_lifetime_value.lifetime_value IS 'Sum of the customer''s invoice totals.';
COMMENT ON COLUMN analytics.customer_lifetime_value.avg_invoice_value IS 'lifetime_value / invoice_count; NULL without purchases.';
COMMENT ON COLUMN analytics.customer_lifetime_value.customer_span_days IS 'Days from first to last purchase.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.customer_rfm AS
WITH as_of AS (
    SELECT max(d.full_date) AS as_of_date
    FROM dw.fact_invoice_summary s
    JOIN dw.dim_date d ON d.date_key = s.date_key
), base AS (
    SELECT l.customer_id, l.full_name, l.country, l.invoice_count, l.lifetime_value,
           l.last_purchase_date, a.as_of_date,
           a.as_of_date - l.last_purchase_date AS recency_days
    FROM analytics.customer_lifetime_value l
    CROSS JOIN as_of a
), scored AS (
    SELECT b.*,
           ceil(5 * cume_dist() OVER (ORDER BY b.last_purchase_date))::integer AS r_score,
           ceil(5 * cume_dist() OVER (ORDER BY b.invoice_count))::integer      AS f_score,
           ceil(5 * cume_dist() OVER (ORDER BY b.lifetime_value))::integer     AS m_score
    FROM base b
    WHERE b.invoice_count > 0
)
SELECT b.customer_id,
       b.full_name,
       b.country,
       b.as_of_date,
       b.last_purchase_date,
       b.recency_days,
       b.invoice_count   AS frequency,
       b.lifetime_value  AS monetary,
       s.r_score,
       s.f_score,
       s.m_score,
       CASE WHEN s.customer_id IS NOT NULL THEN s.r_score::text || s.f_score || s.m_score END AS rfm_cell,
       CASE
           WHEN s.customer_id IS NULL                                THEN 'No purchases'
           WHEN s.r_score >= 4 AND s.f_score >= 4 AND s.m_score >= 4 THEN 'Champions'
           WHEN s.r_score >= 3 AND s.f_score >= 3                    THEN 'Loyal'
           WHEN s.r_score >= 4                                       THEN 'Promising'
           WHEN s.r_score <= 2 AND s.m_score >= 4                    THEN 'Cannot lose them'
           WHEN s.r_score <= 2 AND s.f_score >= 3                    THEN 'At risk'
           WHEN s.r_score <= 2                                       THEN 'Hibernating'
           ELSE 'Needs attention'
       END AS segment,
       row_number() OVER (ORDER BY coalesce(s.r_score + s.f_score + s.m_score, 0) DESC,
                                   b.lifetime_value DESC, b.customer_id) AS rfm_rank
FROM base b
LEFT JOIN scored s ON s.customer_id = b.customer_id;
COMMENT ON VIEW analytics.customer_rfm IS
    'RFM scoring and segments per customer, as of the last invoice date in the data (deterministic, not now()). Scores 1-5 are quintiles by cume_dist, so tied customers share a score: recency by last purchase date (5 = most recent), frequency by invoice count, monetary by lifetime value. Segments: Champions (R,F,M >= 4), Loyal (R,F >= 3), Promising (R >= 4), Cannot lose them (R <= 2, M >= 4), At risk (R <= 2, F >= 3), Hibernating (R <= 2), Needs attention (the rest), No purchases. Grain: customer.';
COMMENT ON COLUMN analytics.customer_rfm.as_of_date IS 'Last invoice date in the warehouse; recency is measured from it.';
COMMENT ON COLUMN analytics.customer_rfm.recency_days IS 'Days from the last purchase to as_of_date.';
COMMENT ON COLUMN analytics.customer_rfm.frequency IS 'Invoices.';
COMMENT ON COLUMN analytics.customer_rfm.monetary IS 'Lifetime value.';
COMMENT ON COLUMN analytics.customer_rfm.rfm_cell IS 'R, F and M scores concatenated, e.g. 545.';
COMMENT ON COLUMN analytics.customer_rfm.segment IS 'Marketing segment derived from the scores (see view comment).';
COMMENT ON COLUMN analytics.customer_rfm.rfm_rank IS '1 = best R+F+M (ties: lifetime value, then customer_id).';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.retention_cohorts AS
WITH activity AS (
    SELECT DISTINCT c.customer_id, d.month_start
    FROM dw.fact_invoice_summary s
    JOIN dw.dim_customer c ON c.customer_key = s.customer_key
    JOIN dw.dim_date d ON d.date_key = s.date_key
), firsts AS (
    SELECT customer_id, min(month_start) AS cohort_month
    FROM activity
    GROUP BY customer_id
), cohorts AS (
    SELECT cohort_month, count(*) AS cohort_size
    FROM firsts
    GROUP BY cohort_month
), last_month AS (
    SELECT max(month_start) AS month_start FROM activity
), grid AS (
    SELECT c.cohort_month, c.cohort_size, n AS months_since_first,
           (c.cohort_month + make_interval(months => n))::date AS activity_month
    FROM cohorts c
    CROSS JOIN last_month l
    CROSS JOIN LATERAL generate_series(
        0, ((date_part('year', l.month_start) - date_part('year', c.cohort_month)) * 12
            + date_part('month', l.month_start) - date_part('month', c.cohort_month))::integer) AS n
), active AS (
    SELECT f.cohort_month, a.month_start, count(*) AS active_customers
    FROM activity a
    JOIN firsts f ON f.customer_id = a.customer_id
    GROUP BY f.cohort_month, a.month_start
)
SELECT g.cohort_month,
       to_char(g.cohort_month, 'YYYY-MM')          AS cohort,
       g.cohort_size::bigint                        AS cohort_size,
       g.months_since_first,
       g.activity_month,
       coalesce(a.active_customers, 0)::bigint      AS active_customers,
       round(100.0 * coalesce(a.active_customers, 0) / g.cohort_size, 2)::numeric(6, 2) AS retention_pct
FROM grid g
LEFT JOIN active a ON a.cohort_month = g.cohort_month AND a.month_start = g.activity_month;
COMMENT ON VIEW analytics.retention_cohorts IS
    'Monthly retention cohorts: customers grouped by the month of their first purchase; for each later month up to the last month with sales, how many of them bought again. Dense triangle (zeros included). Grain: cohort month x months since first purchase. ORDER BY cohort_month, months_since_first.';
COMMENT ON COLUMN analytics.retention_cohorts.cohort_month IS 'First day of the month of the customers'' first purchase.';
COMMENT ON COLUMN analytics.retention_cohorts.cohort IS 'YYYY-MM of cohort_month.';
COMMENT ON COLUMN analytics.retention_cohorts.cohort_size IS 'Customers whose first purchase was in cohort_month.';
COMMENT ON COLUMN analytics.retention_cohorts.months_since_first IS '0 = the cohort month itself.';
COMMENT ON COLUMN analytics.retention_cohorts.activity_month IS 'cohort_month + months_since_first.';
COMMENT ON COLUMN analytics.retention_cohorts.active_customers IS 'Cohort customers with at least one invoice in activity_month.';
COMMENT ON COLUMN analytics.retention_cohorts.retention_pct IS '100 * active_customers / cohort_size.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.employee_performance AS
WITH sales AS (
    SELECT s.employee_key,
           count(*)                      AS invoice_count,
           count(DISTINCT c.customer_id) AS customers_served,
           sum(s.quantity)               AS quantity,
           sum(s.invoice_total)          AS revenue
    FROM dw.fact_invoice_summary s
    JOIN dw.dim_customer c ON c.customer_key = s.customer_key
    GROUP BY s.employee_key
), assigned AS (
    SELECT support_rep_id, count(*) AS current_customers
    FROM dw.dim_customer
    WHERE is_current
    GROUP BY support_rep_id
), e AS (
    SELECT e.employee_id, e.full_name, e.title, e.manager_employee_id, e.manager_full_name,
           e.hire_date,
           coalesce(a.current_customers, 0)::bigint  AS current_customers,
           coalesce(s.customers_served, 0)::bigint   AS customers_served,
           coalesce(s.invoice_count, 0)::bigint      AS invoice_count,
           coalesce(s.quantity, 0)::bigint           AS quantity,
           coalesce(s.revenue, 0)::numeric(12, 2)    AS revenue
    FROM dw.dim_employee e
    LEFT JOIN sales s ON s.employee_key = e.employee_key
    LEFT JOIN assigned a ON a.support_rep_id = e.employee_id
    WHERE e.employee_key <> -1 OR s.invoice_count > 0
)
SELECT row_number() OVER (ORDER BY e.revenue DESC, e.employee_id) AS revenue_rank,
       e.employee_id,
       e.full_name,
       e.title,
       e.manager_employee_id,
       e.manager_full_name,
       e.hire_date,
       e.current_customers,
       e.customers_served,
       e.invoice_count,
       e.quantity,
       e.revenue,
       CASE WHEN e.invoice_count > 0 THEN round(e.revenue / e.invoice_count, 2) END::numeric(12, 2) AS avg_invoice_value,
       CASE WHEN sum(e.revenue) OVER () > 0
            THEN round(100 * e.revenue / sum(e.revenue) OVER (), 2) END::numeric(6, 2) AS revenue_share_pct
FROM e;
COMMENT ON VIEW analytics.employee_performance IS
    'Support-employee performance: every employee (and the unknown member -1 if it has sales) with the revenue of the invoices whose customer version had them as support rep at the invoice date. Ranked by revenue, ties by employee_id. Grain: employee.';
COMMENT ON COLUMN analytics.employee_performance.revenue_rank IS '1 = highest revenue (ties: lower employee_id).';
COMMENT ON COLUMN analytics.employee_performance.current_customers IS 'Customers whose current version has this support rep.';
COMMENT ON COLUMN analytics.employee_performance.customers_served IS 'Distinct customers invoiced while assigned to this rep.';
COMMENT ON COLUMN analytics.employee_performance.revenue IS 'Sum of invoice totals credited to the rep.';
COMMENT ON COLUMN analytics.employee_performance.avg_invoice_value IS 'revenue / invoice_count; NULL without invoices.';
COMMENT ON COLUMN analytics.employee_performance.revenue_share_pct IS 'Percent of total revenue.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.single_customer_view AS
WITH genre_sales AS (
    SELECT c.customer_id, t.genre_id, min(t.genre_name) AS genre_name,
           sum(f.quantity) AS quantity, sum(f.amount) AS revenue
    FROM dw.fact_sales f
    JOIN dw.dim_customer c ON c.customer_key = f.customer_key
    JOIN dw.dim_track t ON t.track_key = f.track_key
    GROUP BY c.customer_id, t.genre_id
), favourite AS (
    SELECT DISTINCT ON (customer_id) customer_id, genre_id, genre_name, quantity
    FROM genre_sales
    ORDER BY customer_id, quantity DESC, revenue DESC, genre_name NULLS LAST, genre_id NULLS LAST
), versions AS (
    SELECT customer_id, count(*) AS version_count
    FROM dw.dim_customer
    GROUP BY customer_id
)
SELECT cur.customer_id,
       cur.first_name,
       cur.last_name,
       cur.full_name,
       cur.company,
       cur.email,
       cur.phone,
       cur.address,
       cur.city,
       cur.state,
       cur.country,
       cur.postal_code,
       cur.support_rep_id,
       rep.full_name                   AS support_rep_name,
       l.first_purchase_date,
       l.last_purchase_date,
       l.invoice_count,
       l.quantity,
       l.lifetime_value                AS total_spend,
       l.avg_invoice_value,
       l.ltv_rank,
       fav.genre_id                    AS favourite_genre_id,
       fav.genre_name                  AS favourite_genre,
       fav.quantity::bigint            AS favourite_genre_quantity,
       r.segment                       AS rfm_segment,
       v.version_count::bigint         AS version_count
FROM dw.dim_customer cur
JOIN analytics.customer_lifetime_value l ON l.customer_id = cur.customer_id
JOIN analytics.customer_rfm r ON r.customer_id = cur.customer_id
JOIN versions v ON v.customer_id = cur.customer_id
LEFT JOIN dw.dim_employee rep ON rep.employee_id = cur.support_rep_id
LEFT JOIN favourite fav ON fav.customer_id = cur.customer_id
WHERE cur.is_current;
COMMENT ON VIEW analytics.single_customer_view IS
    'Single customer view: one row per customer with current attributes, support rep, first and last purchase, invoices, total spend, lifetime-value rank, favourite genre and RFM segment. Grain: customer.';
COMMENT ON COLUMN analytics.single_customer_view.support_rep_name IS 'Current support rep''s full name.';
COMMENT ON COLUMN analytics.single_customer_view.total_spend IS 'Lifetime value (sum of invoice totals).';
COMMENT ON COLUMN analytics.single_customer_view.ltv_rank IS 'Rank in analytics.customer_lifetime_value.';
COMMENT ON COLUMN analytics.single_customer_view.favourite_genre IS 'Genre with the most units bought; ties: more revenue, then genre name, then genre_id. NULL without purchases.';
COMMENT ON COLUMN analytics.single_customer_view.favourite_genre_quantity IS 'Units bought in the favourite genre.';
COMMENT ON COLUMN analytics.single_customer_view.rfm_segment IS 'Segment from analytics.customer_rfm.';
COMMENT ON COLUMN analytics.single_customer_view.version_count IS 'SCD2 versions of the customer in dim_customer.';

-- ---------------------------------------------------------------------------
CREATE OR REPLACE VIEW analytics.sales_overview AS
SELECT coalesce(sum(s.invoice_total), 0)::numeric(12, 2)        AS total_revenue,
       count(*)::bigint                                          AS invoice_count,
       coalesce(sum(s.line_count), 0)::bigint                    AS line_count,
       coalesce(sum(s.quantity), 0)::bigint                      AS quantity,
       (SELECT count(*) FROM dw.dim_customer WHERE is_current)   AS customer_count,
       count(DISTINCT c.customer_id)::bigint                     AS customers_with_purchases,
       (SELECT full_date FROM dw.dim_date WHERE date_key = min(s.date_key)) AS first_invoice_date,
       (SELECT full_date FROM dw.dim_date WHERE date_key = max(s.date_key)) AS last_invoice_date,
       CASE WHEN count(*) > 0 THEN round(sum(s.invoice_total) / count(*), 2) END::numeric(12, 2) AS avg_invoice_value
FROM dw.fact_invoice_summary s
LEFT JOIN dw.dim_customer c ON c.customer_key = s.customer_key;
COMMENT ON VIEW analytics.sales_overview IS
    'Headline numbers in one row: total revenue, invoices, lines, units, customers, date range. Grain: the whole warehouse.';
COMMENT ON COLUMN analytics.sales_overview.total_revenue IS 'Sum of all invoice totals.';
COMMENT ON COLUMN analytics.sales_overview.customer_count IS 'Customers (current dim_customer rows).';
COMMENT ON COLUMN analytics.sales_overview.customers_with_purchases IS 'Customers with at least one invoice.';

-- ---------------------------------------------------------------------------
-- Column docs shared by several views (ids, names, counts); the columns
-- specific to one view are documented next to it above.
DO $$
DECLARE r record;
BEGIN
    FOR r IN
        SELECT c.table_name, c.column_name, d.doc
        FROM information_schema.columns c
        JOIN (VALUES
            ('year', 'Calendar year.'),
            ('month', 'Month number 1-12.'),
            ('month_name', 'English month name.'),
            ('full_date', 'The calendar day.'),
            ('day_of_month', 'Day of the month 1-31.'),
            ('day_name', 'English day name.'),
            ('is_weekend', 'Saturday or Sunday.'),
            ('invoice_count', 'Number of invoices.'),
            ('customer_count', 'Distinct customers (customer_id).'),
            ('quantity', 'Units sold.'),
            ('customer_id', 'OLTP customer_id (natural key, all SCD2 versions together).'),
            ('first_name', 'Current first name.'),
            ('last_name', 'Current last name.'),
            ('full_name', 'Current full name.'),
            ('company', 'Current company.'),
            ('address', 'Current street address.'),
            ('city', 'Current city.'),
            ('state', 'Current state / region.'),
            ('country', 'Current country.'),
            ('postal_code', 'Current postal code.'),
            ('phone', 'Current phone.'),
            ('email', 'Current e-mail.'),
            ('support_rep_id', 'Current support rep (employee_id).'),
            ('first_purchase_date', 'Date of the first invoice.'),
            ('last_purchase_date', 'Date of the last invoice.'),
            ('avg_invoice_value', 'Revenue per invoice, rounded to cents.'),
            ('employee_id', 'OLTP employee_id (-1 = unknown member).'),
            ('title', 'Job title.'),
            ('hire_date', 'Date hired.'),
            ('manager_employee_id', 'Manager''s employee_id.'),
            ('manager_full_name', 'Manager''s full name.'),
            ('track_id', 'OLTP track_id.'),
            ('track_name', 'Track name.'),
            ('album_id', 'OLTP album_id.'),
            ('album_title', 'Album title.'),
            ('artist_id', 'OLTP artist_id.'),
            ('artist_name', 'Artist name.'),
            ('genre_id', 'OLTP genre_id.'),
            ('genre_name', 'Genre name.'),
            ('favourite_genre_id', 'genre_id of the favourite genre.'),
            ('r_score', 'Recency score 1-5 (5 = most recent).'),
            ('f_score', 'Frequency score 1-5 (5 = most invoices).'),
            ('m_score', 'Monetary score 1-5 (5 = highest lifetime value).'),
            ('first_invoice_date', 'Date of the first invoice.'),
            ('last_invoice_date', 'Date of the last invoice.'),
            ('line_count', 'Number of invoice lines.')
        ) AS d(column_name, doc) ON d.column_name = c.column_name
        JOIN pg_class k ON k.relname = c.table_name
        JOIN pg_namespace n ON n.oid = k.relnamespace AND n.nspname = c.table_schema
        WHERE c.table_schema = 'analytics'
          AND col_description(k.oid, c.ordinal_position) IS NULL
    LOOP
        EXECUTE format('COMMENT ON COLUMN analytics.%I.%I IS %L', r.table_name, r.column_name, r.doc);
    END LOOP;
END $$;
