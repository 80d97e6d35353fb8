-- The SCD2 history agrees with the OLTP: each customer's latest version in
-- mirror.customer_version has the tracked attributes of its
-- mirror.customers row, and dw.dim_customer's current row is that version
-- (same version_no, same tracked attributes, the place of its address).
-- Fails with the customers whose latest version or current row differs or
-- is missing.
-- Scope: the customers in changed.customers (every customer in a full
-- build or with dq_full).
SELECT c.customer_number, l.version_no AS latest_version, d.version_no AS current_row_version
FROM mirror.customers c
LEFT JOIN (
    SELECT DISTINCT ON (v.customer_number) v.*
    FROM mirror.customer_version v
    WHERE v.customer_number IN (SELECT customer_number FROM changed.customers)
    ORDER BY v.customer_number, v.version_no DESC
) l ON l.customer_number = c.customer_number
LEFT JOIN dw.dim_customer d ON d.customer_number = c.customer_number AND d.is_current
WHERE c.customer_number IN (SELECT customer_number FROM changed.customers)
  AND (l.customer_number IS NULL
       OR d.version_no IS DISTINCT FROM l.version_no
       OR ROW(l.address_line1, l.address_line2, l.city, l.state, l.postal_code, l.country,
              l.credit_limit, l.sales_rep_employee_number)
          IS DISTINCT FROM
          ROW(c.address_line1, c.address_line2, c.city, c.state, c.postal_code, c.country,
              c.credit_limit, c.sales_rep_employee_number)
       OR ROW(d.address_line1, d.address_line2, d.city, d.state, d.postal_code, d.country,
              d.credit_limit, d.sales_rep_employee_number, d.customer_name, d.phone)
          IS DISTINCT FROM
          ROW(c.address_line1, c.address_line2, c.city, c.state, c.postal_code, c.country,
              c.credit_limit, c.sales_rep_employee_number, c.customer_name, c.phone)
       OR d.location_key IS DISTINCT FROM dw.location_key(c.country, c.state, c.city))
ORDER BY 1
