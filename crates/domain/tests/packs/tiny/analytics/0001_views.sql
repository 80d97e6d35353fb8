CREATE VIEW dw.v_sales_by_city AS
SELECT c.city, sum(f.amount) AS amount
FROM dw.fact_order f JOIN dw.dim_customer c USING (customer_key)
GROUP BY c.city;
