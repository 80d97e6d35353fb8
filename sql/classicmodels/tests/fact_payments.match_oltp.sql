-- Every OLTP payment has its fact_payments row, with its amount and the
-- key of its payment date, and every fact row is an OLTP payment (so the
-- payments total is the OLTP's). Fails with the payments missing on either
-- side or whose amount or date differs.
-- Scope: the payments in affected.payment (every payment in a full build
-- or with dq_full: then both tables whole, one hash join; payments are few
-- next to order lines).
WITH diff AS NOT MATERIALIZED (
    SELECT coalesce(m.customer_number, f.customer_number) AS customer_number,
           coalesce(m.check_number, f.check_number) AS check_number,
           m.amount AS oltp_amount, f.amount AS fact_amount,
           dw.date_key(m.payment_date) AS oltp_date_key, f.payment_date_key AS fact_date_key
    FROM mirror.payments m
    FULL JOIN dw.fact_payments f
      ON f.customer_number = m.customer_number AND f.check_number = m.check_number
    WHERE m.customer_number IS NULL
       OR f.customer_number IS NULL
       OR m.amount <> f.amount
       OR dw.date_key(m.payment_date) IS DISTINCT FROM f.payment_date_key
)
SELECT x.*
FROM (SELECT * FROM diff OFFSET 0) x
WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
UNION ALL
SELECT x.*
FROM (
    SELECT a.customer_number, a.check_number, m.amount, f.amount,
           dw.date_key(m.payment_date), f.payment_date_key
    FROM affected.payment a
    LEFT JOIN mirror.payments m
      ON m.customer_number = a.customer_number AND m.check_number = a.check_number
    LEFT JOIN dw.fact_payments f
      ON f.customer_number = a.customer_number AND f.check_number = a.check_number
    WHERE m.customer_number IS NULL
       OR f.customer_number IS NULL
       OR m.amount <> f.amount
       OR dw.date_key(m.payment_date) IS DISTINCT FROM f.payment_date_key
    OFFSET 0) x
WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
ORDER BY 1, 2
