-- Each order's lines in dw.fact_orders carry the OLTP quantities and
-- prices: per order, the number of lines, the units and the amounts
-- (quantity_ordered * price_each) equal those of its mirror.orderdetails
-- rows. Fails with the orders whose line count, units or amount differ
-- (fact side, then OLTP side), or with one row of NULLs when the checksums
-- differ but no order was found.
-- Scope: the orders in affected.order (every order in a full build or with
-- dq_full: then the whole tables, with no join to affected.order).
-- Cost: weighted checksums decide. With w(order) =
-- (hashint4(order_number) >> 8) | 1, a pseudo-random odd 24-bit integer,
-- the sums over lines of w, w * quantity and w * amount agree on both sides
-- when every order agrees (exact numeric arithmetic); a single wrong order
-- always shows, and two wrong ones cancel out with odds of about 1 in 8
-- million. The sums are plain aggregates, one scan of each table (parallel
-- in a full build); only when they differ are the lines grouped per order
-- to name the offenders.
-- Each mode's branch is an OFFSET 0 subquery with the mode test outside it,
-- so the branch that does not apply never starts (no parallel workers).
WITH fact_terms AS NOT MATERIALIZED (
    SELECT f.order_number, f.quantity_ordered AS quantity, f.amount,
           ((hashint4(f.order_number) >> 8) | 1)::bigint AS w
    FROM dw.fact_orders f
), oltp_terms AS NOT MATERIALIZED (
    SELECT l.order_number, l.quantity_ordered AS quantity,
           l.quantity_ordered * l.price_each AS amount,
           ((hashint4(l.order_number) >> 8) | 1)::bigint AS w
    FROM mirror.orderdetails l
), fact_sums AS (
    SELECT x.*
    FROM (SELECT sum(w) AS w_lines, sum(w * quantity) AS w_quantity, sum(w * amount) AS w_amount
          FROM fact_terms OFFSET 0) x
    WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
    UNION ALL
    SELECT x.*
    FROM (SELECT sum(t.w), sum(t.w * t.quantity), sum(t.w * t.amount)
          FROM affected.order a JOIN fact_terms t ON t.order_number = a.order_number OFFSET 0) x
    WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
), oltp_sums AS (
    SELECT x.*
    FROM (SELECT sum(w) AS w_lines, sum(w * quantity) AS w_quantity, sum(w * amount) AS w_amount
          FROM oltp_terms OFFSET 0) x
    WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
    UNION ALL
    SELECT x.*
    FROM (SELECT sum(t.w), sum(t.w * t.quantity), sum(t.w * t.amount)
          FROM affected.order a JOIN oltp_terms t ON t.order_number = a.order_number OFFSET 0) x
    WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
), checksum AS (
    SELECT ROW(coalesce(f.w_lines, 0), coalesce(f.w_quantity, 0), coalesce(f.w_amount, 0))
           IS DISTINCT FROM
           ROW(coalesce(o.w_lines, 0), coalesce(o.w_quantity, 0), coalesce(o.w_amount, 0)) AS differs
    FROM (SELECT sum(w_lines) AS w_lines, sum(w_quantity) AS w_quantity, sum(w_amount) AS w_amount
          FROM fact_sums) f
    CROSS JOIN (SELECT sum(w_lines) AS w_lines, sum(w_quantity) AS w_quantity,
                       sum(w_amount) AS w_amount
                FROM oltp_sums) o
), in_scope AS MATERIALIZED (
    SELECT a.order_number FROM affected.order a
    WHERE (SELECT differs FROM checksum)
      AND NOT (SELECT mode = 'full' OR dq_full FROM build_params)
), fact_per_order AS (
    SELECT order_number, count(*) AS lines, sum(quantity) AS quantity, sum(amount) AS amount
    FROM fact_terms
    WHERE (SELECT differs FROM checksum)
      AND ((SELECT mode = 'full' OR dq_full FROM build_params)
           OR order_number IN (SELECT order_number FROM in_scope))
    GROUP BY order_number
), oltp_per_order AS (
    SELECT order_number, count(*) AS lines, sum(quantity) AS quantity, sum(amount) AS amount
    FROM oltp_terms
    WHERE (SELECT differs FROM checksum)
      AND ((SELECT mode = 'full' OR dq_full FROM build_params)
           OR order_number IN (SELECT order_number FROM in_scope))
    GROUP BY order_number
)
SELECT coalesce(f.order_number, o.order_number) AS order_number,
       f.lines AS fact_lines, f.quantity AS fact_quantity, f.amount AS fact_amount,
       o.lines AS oltp_lines, o.quantity AS oltp_quantity, o.amount AS oltp_amount
FROM fact_per_order f
FULL JOIN oltp_per_order o ON o.order_number = f.order_number
WHERE ROW(f.lines, f.quantity, f.amount) IS DISTINCT FROM ROW(o.lines, o.quantity, o.amount)
UNION ALL
SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL
WHERE (SELECT differs FROM checksum)
  AND NOT EXISTS (
      SELECT 1
      FROM fact_per_order f
      FULL JOIN oltp_per_order o ON o.order_number = f.order_number
      WHERE ROW(f.lines, f.quantity, f.amount) IS DISTINCT FROM ROW(o.lines, o.quantity, o.amount))
ORDER BY 1
