-- reads: changed.employees, changed.offices, mirror.employees, mirror.offices
-- writes: dw.dim_employee
--
-- dw.dim_employee: type 1, with the office and the direct manager. The
-- employees to write: the changed employees, the direct reports of changed
-- employees (their manager columns) and the employees of changed offices
-- (their office columns). Full mode: the change set holds everyone.
-- Also (re)creates the unknown member -1 (a full build empties the table).
INSERT INTO dw.dim_employee (employee_key, employee_number, first_name, last_name, full_name,
                             office_location_key)
VALUES (-1, -1, 'Unknown', 'Unknown', 'Unknown', dw.unknown_location_key())
ON CONFLICT DO NOTHING;

CREATE TEMP TABLE employee_numbers (employee_number integer PRIMARY KEY) ON COMMIT DROP;

INSERT INTO employee_numbers
SELECT employee_number FROM changed.employees
UNION
SELECT e.employee_number
FROM changed.employees s JOIN mirror.employees e ON e.reports_to = s.employee_number
WHERE (SELECT mode FROM build_params) <> 'full'
UNION
SELECT e.employee_number
FROM changed.offices s JOIN mirror.employees e ON e.office_code = s.office_code
WHERE (SELECT mode FROM build_params) <> 'full';

ANALYZE employee_numbers;

WITH ins AS (
    INSERT INTO dw.dim_employee AS d (
        employee_number, first_name, last_name, full_name, extension, email, job_title,
        manager_employee_number, manager_full_name, manager_job_title,
        office_code, office_city, office_state, office_country, office_territory,
        office_location_key)
    SELECT e.employee_number, e.first_name, e.last_name, e.first_name || ' ' || e.last_name,
           e.extension, e.email, e.job_title,
           e.reports_to, m.first_name || ' ' || m.last_name, m.job_title,
           e.office_code, o.city, o.state, o.country, o.territory,
           CASE WHEN o.office_code IS NULL THEN dw.unknown_location_key()
                ELSE dw.location_key(o.country, o.state, o.city) END
    FROM employee_numbers a
    JOIN mirror.employees e ON e.employee_number = a.employee_number
    LEFT JOIN mirror.employees m ON m.employee_number = e.reports_to
    LEFT JOIN mirror.offices o ON o.office_code = e.office_code
    ORDER BY e.employee_number
    ON CONFLICT (employee_number) DO UPDATE SET
        first_name = EXCLUDED.first_name,
        last_name = EXCLUDED.last_name,
        full_name = EXCLUDED.full_name,
        extension = EXCLUDED.extension,
        email = EXCLUDED.email,
        job_title = EXCLUDED.job_title,
        manager_employee_number = EXCLUDED.manager_employee_number,
        manager_full_name = EXCLUDED.manager_full_name,
        manager_job_title = EXCLUDED.manager_job_title,
        office_code = EXCLUDED.office_code,
        office_city = EXCLUDED.office_city,
        office_state = EXCLUDED.office_state,
        office_country = EXCLUDED.office_country,
        office_territory = EXCLUDED.office_territory,
        office_location_key = EXCLUDED.office_location_key
    WHERE ROW(d.first_name, d.last_name, d.full_name, d.extension, d.email, d.job_title,
              d.manager_employee_number, d.manager_full_name, d.manager_job_title,
              d.office_code, d.office_city, d.office_state, d.office_country,
              d.office_territory, d.office_location_key)
          IS DISTINCT FROM
          ROW(EXCLUDED.first_name, EXCLUDED.last_name, EXCLUDED.full_name, EXCLUDED.extension,
              EXCLUDED.email, EXCLUDED.job_title, EXCLUDED.manager_employee_number,
              EXCLUDED.manager_full_name, EXCLUDED.manager_job_title, EXCLUDED.office_code,
              EXCLUDED.office_city, EXCLUDED.office_state, EXCLUDED.office_country,
              EXCLUDED.office_territory, EXCLUDED.office_location_key)
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'dw.dim_employee', count(*) FROM ins;
