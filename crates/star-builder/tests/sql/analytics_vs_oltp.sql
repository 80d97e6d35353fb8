-- Every analytics view against the same question answered straight from the
-- OLTP tables (chinook.*), for tests/builder.rs. `<name>:olap` runs on the
-- OLAP database, `<name>:oltp` on the OLTP database (they may be different
-- databases); both must return the same rows (compared as sorted text, so
-- the column types must render alike). Comment lines are dropped by the
-- splitter: keep comments out of the statements' bodies.

-- name: sales_overview:olap
SELECT total_revenue, invoice_count, line_count, quantity, customer_count, customers_with_purchases,
       first_invoice_date, last_invoice_date, avg_invoice_value
FROM analytics.sales_overview
-- name: sales_overview:oltp
SELECT (SELECT sum(total) FROM chinook.invoice)::numeric(12,2), (SELECT count(*) FROM chinook.invoice),
       (SELECT count(*) FROM chinook.invoice_line), (SELECT sum(quantity) FROM chinook.invoice_line)::bigint,
       (SELECT count(*) FROM chinook.customer), (SELECT count(DISTINCT customer_id) FROM chinook.invoice),
       (SELECT min(invoice_date)::date FROM chinook.invoice), (SELECT max(invoice_date)::date FROM chinook.invoice),
       (SELECT round(sum(total) / count(*), 2) FROM chinook.invoice)::numeric(12,2)

-- name: revenue_by_day:olap
SELECT full_date, invoice_count, line_count, quantity, revenue FROM analytics.revenue_by_day WHERE invoice_count > 0
-- name: revenue_by_day:oltp
SELECT i.invoice_date::date, count(*),
       sum((SELECT count(*) FROM chinook.invoice_line l WHERE l.invoice_id = i.invoice_id))::bigint,
       sum((SELECT coalesce(sum(quantity), 0) FROM chinook.invoice_line l WHERE l.invoice_id = i.invoice_id))::bigint,
       sum(total)::numeric(12,2)
FROM chinook.invoice i GROUP BY 1

-- name: revenue_by_day_dense:olap
SELECT count(*), sum(revenue), min(full_date), max(full_date) FROM analytics.revenue_by_day
-- name: revenue_by_day_dense:oltp
SELECT (make_date(max(extract(year FROM invoice_date))::int, 12, 31) - make_date(min(extract(year FROM invoice_date))::int, 1, 1) + 1)::bigint,
       sum(total)::numeric(12,2), make_date(min(extract(year FROM invoice_date))::int, 1, 1),
       make_date(max(extract(year FROM invoice_date))::int, 12, 31)
FROM chinook.invoice

-- name: revenue_by_month:olap
SELECT year, month, invoice_count, customer_count, quantity, revenue FROM analytics.revenue_by_month WHERE invoice_count > 0
-- name: revenue_by_month:oltp
SELECT extract(year FROM i.invoice_date)::smallint, extract(month FROM i.invoice_date)::smallint, count(*),
       count(DISTINCT i.customer_id),
       sum((SELECT coalesce(sum(quantity), 0) FROM chinook.invoice_line l WHERE l.invoice_id = i.invoice_id))::bigint,
       sum(total)::numeric(12,2)
FROM chinook.invoice i GROUP BY 1, 2

-- name: revenue_by_month_year_to_date:olap
SELECT year, max(revenue_year_to_date) FROM analytics.revenue_by_month GROUP BY year HAVING sum(invoice_count) > 0
-- name: revenue_by_month_year_to_date:oltp
SELECT extract(year FROM invoice_date)::smallint, sum(total)::numeric(12,2) FROM chinook.invoice GROUP BY 1

-- name: revenue_by_year:olap
SELECT year, invoice_count, customer_count, revenue FROM analytics.revenue_by_year WHERE invoice_count > 0
-- name: revenue_by_year:oltp
SELECT extract(year FROM invoice_date)::smallint, count(*), count(DISTINCT customer_id), sum(total)::numeric(12,2)
FROM chinook.invoice GROUP BY 1

-- name: top_tracks:olap
SELECT quantity_rank, track_id, track_name, album_title, artist_name, genre_name, quantity, revenue, invoice_count
FROM analytics.top_tracks
-- name: top_tracks:oltp
SELECT row_number() OVER (ORDER BY sum(l.quantity) DESC, sum(l.quantity * l.unit_price) DESC, t.track_id),
       t.track_id, t.name, al.title, ar.name, g.name,
       sum(l.quantity)::bigint, sum(l.quantity * l.unit_price)::numeric(12,2), count(DISTINCT l.invoice_id)
FROM chinook.invoice_line l JOIN chinook.track t USING (track_id) LEFT JOIN chinook.album al USING (album_id)
LEFT JOIN chinook.artist ar ON ar.artist_id = al.artist_id LEFT JOIN chinook.genre g ON g.genre_id = t.genre_id
GROUP BY t.track_id, t.name, al.title, ar.name, g.name

-- name: top_albums:olap
SELECT revenue_rank, album_id, album_title, artist_name, quantity, revenue FROM analytics.top_albums
-- name: top_albums:oltp
SELECT row_number() OVER (ORDER BY sum(l.quantity * l.unit_price) DESC, sum(l.quantity) DESC, al.album_id),
       al.album_id, al.title, ar.name, sum(l.quantity)::bigint, sum(l.quantity * l.unit_price)::numeric(12,2)
FROM chinook.invoice_line l JOIN chinook.track t USING (track_id) JOIN chinook.album al USING (album_id)
JOIN chinook.artist ar ON ar.artist_id = al.artist_id
GROUP BY al.album_id, al.title, ar.name

-- name: top_artists:olap
SELECT revenue_rank, artist_id, artist_name, album_count, quantity, revenue FROM analytics.top_artists
-- name: top_artists:oltp
SELECT row_number() OVER (ORDER BY sum(l.quantity * l.unit_price) DESC, sum(l.quantity) DESC, ar.artist_id),
       ar.artist_id, ar.name, count(DISTINCT al.album_id), sum(l.quantity)::bigint,
       sum(l.quantity * l.unit_price)::numeric(12,2)
FROM chinook.invoice_line l JOIN chinook.track t USING (track_id) JOIN chinook.album al USING (album_id)
JOIN chinook.artist ar ON ar.artist_id = al.artist_id
GROUP BY ar.artist_id, ar.name

-- name: top_genres:olap
SELECT revenue_rank, genre_id, genre_name, quantity, revenue, revenue_share_pct FROM analytics.top_genres
-- name: top_genres:oltp
SELECT row_number() OVER (ORDER BY sum(l.quantity * l.unit_price) DESC, sum(l.quantity) DESC, g.genre_id),
       g.genre_id, g.name, sum(l.quantity)::bigint, sum(l.quantity * l.unit_price)::numeric(12,2),
       round(100 * sum(l.quantity * l.unit_price) / sum(sum(l.quantity * l.unit_price)) OVER (), 2)
FROM chinook.invoice_line l JOIN chinook.track t USING (track_id) JOIN chinook.genre g USING (genre_id)
GROUP BY g.genre_id, g.name

-- name: revenue_by_country:olap
SELECT revenue_rank, country, customer_count, invoice_count, revenue, avg_invoice_value, revenue_share_pct
FROM analytics.revenue_by_country
-- name: revenue_by_country:oltp
SELECT row_number() OVER (ORDER BY sum(total) DESC, billing_country), billing_country, count(DISTINCT customer_id),
       count(*), sum(total)::numeric(12,2), round(sum(total) / count(*), 2),
       round(100 * sum(total) / sum(sum(total)) OVER (), 2)
FROM chinook.invoice GROUP BY billing_country

-- name: customer_lifetime_value:olap
SELECT ltv_rank, customer_id, full_name, city, country, email, first_purchase_date, last_purchase_date,
       invoice_count, lifetime_value, avg_invoice_value
FROM analytics.customer_lifetime_value
-- name: customer_lifetime_value:oltp
SELECT row_number() OVER (ORDER BY coalesce(sum(i.total), 0) DESC, c.customer_id), c.customer_id,
       c.first_name || ' ' || c.last_name, c.city, c.country, c.email,
       min(i.invoice_date)::date, max(i.invoice_date)::date, count(i.invoice_id),
       coalesce(sum(i.total), 0)::numeric(12,2),
       CASE WHEN count(i.invoice_id) > 0 THEN round(sum(i.total) / count(i.invoice_id), 2) END::numeric(12,2)
FROM chinook.customer c LEFT JOIN chinook.invoice i USING (customer_id)
GROUP BY c.customer_id

-- name: customer_rfm:olap
SELECT customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, segment
FROM analytics.customer_rfm WHERE frequency > 0
-- name: customer_rfm:oltp
WITH b AS (SELECT customer_id, max(invoice_date)::date AS last, count(*) AS freq, sum(total) AS mon
           FROM chinook.invoice GROUP BY customer_id),
     s AS (SELECT b.*, (SELECT max(invoice_date)::date FROM chinook.invoice) - last AS rec,
                  ceil(5 * cume_dist() OVER (ORDER BY last))::int AS r, ceil(5 * cume_dist() OVER (ORDER BY freq))::int AS f,
                  ceil(5 * cume_dist() OVER (ORDER BY mon))::int AS m FROM b)
SELECT customer_id, rec, freq, mon::numeric(12,2), r, f, m,
       CASE WHEN r >= 4 AND f >= 4 AND m >= 4 THEN 'Champions' WHEN r >= 3 AND f >= 3 THEN 'Loyal'
            WHEN r >= 4 THEN 'Promising' WHEN r <= 2 AND m >= 4 THEN 'Cannot lose them'
            WHEN r <= 2 AND f >= 3 THEN 'At risk' WHEN r <= 2 THEN 'Hibernating' ELSE 'Needs attention' END
FROM s

-- name: retention_cohorts:olap
SELECT cohort_month, cohort_size, months_since_first, active_customers, retention_pct
FROM analytics.retention_cohorts WHERE active_customers > 0
-- name: retention_cohorts:oltp
WITH a AS (SELECT DISTINCT customer_id, date_trunc('month', invoice_date)::date AS m FROM chinook.invoice),
     f AS (SELECT customer_id, min(m) AS cohort FROM a GROUP BY customer_id),
     sz AS (SELECT cohort, count(*) AS size FROM f GROUP BY cohort)
SELECT f.cohort, sz.size,
       ((extract(year FROM a.m) - extract(year FROM f.cohort)) * 12 + extract(month FROM a.m) - extract(month FROM f.cohort))::int,
       count(*), round(100.0 * count(*) / sz.size, 2)::numeric(6,2)
FROM a JOIN f USING (customer_id) JOIN sz USING (cohort) GROUP BY 1, 2, 3

-- name: retention_cohorts_dense:olap
SELECT count(*), sum(active_customers) FROM analytics.retention_cohorts
-- name: retention_cohorts_dense:oltp
WITH f AS (SELECT customer_id, min(date_trunc('month', invoice_date)) AS cohort FROM chinook.invoice GROUP BY customer_id),
     lm AS (SELECT max(date_trunc('month', invoice_date)) AS m FROM chinook.invoice)
SELECT sum(((extract(year FROM lm.m) - extract(year FROM c.cohort)) * 12 + extract(month FROM lm.m) - extract(month FROM c.cohort))::int + 1)::bigint,
       (SELECT count(*) FROM (SELECT DISTINCT customer_id, date_trunc('month', invoice_date) FROM chinook.invoice) x)::numeric
FROM (SELECT DISTINCT cohort FROM f) c CROSS JOIN lm

-- name: single_customer_view:olap
SELECT customer_id, full_name, company, city, country, email, phone, support_rep_id, support_rep_name,
       first_purchase_date, last_purchase_date, invoice_count, quantity, total_spend, ltv_rank,
       favourite_genre, favourite_genre_quantity
FROM analytics.single_customer_view
-- name: single_customer_view:oltp
WITH gs AS (SELECT i.customer_id, g.genre_id, g.name, sum(l.quantity) AS qty, sum(l.quantity * l.unit_price) AS rev
            FROM chinook.invoice i JOIN chinook.invoice_line l USING (invoice_id) JOIN chinook.track t USING (track_id)
            LEFT JOIN chinook.genre g ON g.genre_id = t.genre_id
            GROUP BY 1, 2, 3),
     fav AS (SELECT DISTINCT ON (customer_id) customer_id, name, qty FROM gs ORDER BY customer_id, qty DESC, rev DESC, name, genre_id),
     spend AS (SELECT c.customer_id, min(i.invoice_date)::date AS first, max(i.invoice_date)::date AS last,
                      count(i.invoice_id) AS n, coalesce(sum(i.total), 0)::numeric(12,2) AS total,
                      (SELECT coalesce(sum(l.quantity), 0) FROM chinook.invoice_line l JOIN chinook.invoice i2 USING (invoice_id)
                       WHERE i2.customer_id = c.customer_id)::bigint AS qty
               FROM chinook.customer c LEFT JOIN chinook.invoice i USING (customer_id) GROUP BY c.customer_id)
SELECT c.customer_id, c.first_name || ' ' || c.last_name, c.company, c.city, c.country, c.email, c.phone,
       c.support_rep_id, e.first_name || ' ' || e.last_name, s.first, s.last, s.n, s.qty, s.total,
       row_number() OVER (ORDER BY s.total DESC, c.customer_id), fav.name, fav.qty::bigint
FROM chinook.customer c JOIN spend s USING (customer_id)
LEFT JOIN chinook.employee e ON e.employee_id = c.support_rep_id LEFT JOIN fav USING (customer_id)

-- name: employee_performance:olap
SELECT revenue_rank, employee_id, full_name, title, manager_full_name, current_customers, customers_served,
       invoice_count, revenue
FROM analytics.employee_performance
-- name: employee_performance:oltp
SELECT row_number() OVER (ORDER BY coalesce(sum(i.total), 0) DESC, e.employee_id), e.employee_id,
       e.first_name || ' ' || e.last_name, e.title, m.first_name || ' ' || m.last_name,
       (SELECT count(*) FROM chinook.customer c2 WHERE c2.support_rep_id = e.employee_id),
       count(DISTINCT c.customer_id) FILTER (WHERE i.invoice_id IS NOT NULL),
       count(i.invoice_id), coalesce(sum(i.total), 0)::numeric(12,2)
FROM chinook.employee e LEFT JOIN chinook.employee m ON m.employee_id = e.reports_to
LEFT JOIN chinook.customer c ON c.support_rep_id = e.employee_id LEFT JOIN chinook.invoice i ON i.customer_id = c.customer_id
GROUP BY e.employee_id, m.employee_id

-- name: sales_two_years_ago:olap
SELECT year FROM analytics.sales_two_years_ago
-- name: sales_two_years_ago:oltp
SELECT max(extract(year FROM i.invoice_date))::int - 2
FROM chinook.invoice i JOIN chinook.invoice_line l USING (invoice_id)

-- name: top_artists_two_years_ago:olap
SELECT revenue_rank, year, artist_id, artist_name, quantity, revenue FROM analytics.top_artists_two_years_ago
-- name: top_artists_two_years_ago:oltp
WITH y AS (SELECT max(extract(year FROM i.invoice_date))::int - 2 AS year
           FROM chinook.invoice i JOIN chinook.invoice_line l USING (invoice_id))
SELECT row_number() OVER (ORDER BY sum(l.quantity * l.unit_price) DESC, sum(l.quantity) DESC, ar.artist_id),
       y.year, ar.artist_id, ar.name, sum(l.quantity)::bigint, sum(l.quantity * l.unit_price)::numeric(12,2)
FROM chinook.invoice i JOIN chinook.invoice_line l USING (invoice_id) JOIN chinook.track t USING (track_id)
JOIN chinook.album al USING (album_id) JOIN chinook.artist ar ON ar.artist_id = al.artist_id
CROSS JOIN y
WHERE extract(year FROM i.invoice_date) = y.year
GROUP BY y.year, ar.artist_id, ar.name

-- name: genre_sales_two_years_ago:olap
SELECT revenue_rank, year, genre_id, genre_name, quantity, revenue, revenue_share_pct
FROM analytics.genre_sales_two_years_ago
-- name: genre_sales_two_years_ago:oltp
WITH y AS (SELECT max(extract(year FROM i.invoice_date))::int - 2 AS year
           FROM chinook.invoice i JOIN chinook.invoice_line l USING (invoice_id))
SELECT row_number() OVER (ORDER BY sum(l.quantity * l.unit_price) DESC, sum(l.quantity) DESC, g.genre_id),
       y.year, g.genre_id, g.name, sum(l.quantity)::bigint, sum(l.quantity * l.unit_price)::numeric(12,2),
       round(100 * sum(l.quantity * l.unit_price) / sum(sum(l.quantity * l.unit_price)) OVER (), 2)::numeric(6,2)
FROM chinook.invoice i JOIN chinook.invoice_line l USING (invoice_id) JOIN chinook.track t USING (track_id)
JOIN chinook.genre g USING (genre_id)
CROSS JOIN y
WHERE extract(year FROM i.invoice_date) = y.year
GROUP BY y.year, g.genre_id, g.name

-- name: customer_segments:olap
SELECT segment_rank, segment, customer_count, revenue, customer_share_pct FROM analytics.customer_segments
-- name: customer_segments:oltp
WITH b AS (SELECT customer_id, max(invoice_date)::date AS last, count(*) AS freq, sum(total) AS mon
           FROM chinook.invoice GROUP BY customer_id),
     s AS (SELECT b.*, ceil(5 * cume_dist() OVER (ORDER BY last))::int AS r, ceil(5 * cume_dist() OVER (ORDER BY freq))::int AS f,
                  ceil(5 * cume_dist() OVER (ORDER BY mon))::int AS m FROM b),
     seg AS (SELECT CASE WHEN r >= 4 AND f >= 4 AND m >= 4 THEN 'Champions' WHEN r >= 3 AND f >= 3 THEN 'Loyal'
                         WHEN r >= 4 THEN 'Promising' WHEN r <= 2 AND m >= 4 THEN 'Cannot lose them'
                         WHEN r <= 2 AND f >= 3 THEN 'At risk' WHEN r <= 2 THEN 'Hibernating' ELSE 'Needs attention' END AS segment,
                    mon
             FROM s
             UNION ALL
             SELECT 'No purchases', 0 FROM chinook.customer c
             WHERE NOT EXISTS (SELECT 1 FROM chinook.invoice i WHERE i.customer_id = c.customer_id))
SELECT row_number() OVER (ORDER BY count(*) DESC, segment), segment, count(*), sum(mon)::numeric(12,2),
       round(100.0 * count(*) / sum(count(*)) OVER (), 2)::numeric(6,2)
FROM seg GROUP BY segment
