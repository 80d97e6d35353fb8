-- dw.fact_payments has as many rows as mirror.payments (one per OLTP
-- payment). Fails with one row: the two counts.
-- Scope: the payments in affected.payment. A full build (or dq_full)
-- counts whole tables; a full build takes mirror.payments's count from its
-- reload (build_counts).
SELECT c.fact_payments, c.mirror_payments
FROM (
    SELECT CASE WHEN p.mode = 'full' OR p.dq_full
                THEN (SELECT count(*) FROM dw.fact_payments)
                ELSE (SELECT count(*) FROM affected.payment a
                      JOIN dw.fact_payments f USING (customer_number, check_number))
           END AS fact_payments,
           CASE WHEN p.mode = 'full'
                THEN (SELECT sum(rows_changed)::bigint FROM build_counts
                      WHERE table_name = 'mirror.payments')
                WHEN p.dq_full
                THEN (SELECT count(*) FROM mirror.payments)
                ELSE (SELECT count(*) FROM affected.payment a
                      JOIN mirror.payments m USING (customer_number, check_number))
           END AS mirror_payments
    FROM build_params p
) c
WHERE c.fact_payments IS DISTINCT FROM c.mirror_payments
