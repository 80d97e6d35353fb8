-- dw.dim_employee has one row per OLTP employee, besides its unknown member
-- (employee_key -1). Fails with one row: the two counts.
-- Scope: both tables whole (small).
SELECT c.dim_employee, c.mirror_employees
FROM (
    SELECT (SELECT count(*) FROM dw.dim_employee WHERE employee_key <> -1) AS dim_employee,
           (SELECT count(*) FROM mirror.employees) AS mirror_employees
) c
WHERE c.dim_employee <> c.mirror_employees
