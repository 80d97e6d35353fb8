-- Each payment's customer key is a version of the paying customer valid at
-- the payment date (its UTC midnight), and its employee key that version's
-- sales rep (-1 without one). Fails with the payments whose keys disagree.
-- Unresolved and NULL keys are the relationships and no_null_keys tests'
-- to report.
-- Scope: the payments in affected.payment (every payment in a full build
-- or with dq_full).
WITH wrong AS NOT MATERIALIZED (
    SELECT f.customer_number, f.check_number, c.customer_number AS version_customer_number,
           c.version_no, c.valid_from, c.valid_to, e.employee_number,
           c.sales_rep_employee_number
    FROM dw.fact_payments f
    JOIN dw.dim_date d ON d.date_key = f.payment_date_key
    JOIN dw.dim_customer c ON c.customer_key = f.customer_key
    JOIN dw.dim_employee e ON e.employee_key = f.employee_key
    WHERE c.customer_number <> f.customer_number
       OR NOT (c.valid_from <= dw.utc_midnight(d.full_date)
               AND c.valid_to > dw.utc_midnight(d.full_date))
       OR e.employee_number <> coalesce(c.sales_rep_employee_number, -1)
)
SELECT w.*
FROM (SELECT * FROM wrong OFFSET 0) w
WHERE (SELECT mode = 'full' OR dq_full FROM build_params)
UNION ALL
SELECT w.*
FROM (SELECT w.* FROM affected.payment a JOIN wrong w USING (customer_number, check_number) OFFSET 0) w
WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params)
ORDER BY 1, 2
