-- reads: changed.employee, mirror.employee
-- writes: dw.dim_employee
--
-- dw.dim_employee: type 1, with the direct manager. The employees to write:
-- the changed employees plus the direct reports of changed employees (their
-- manager columns). Full mode: the change set holds everyone.
-- Also (re)creates the unknown member -1 (a full build empties the table).
INSERT INTO dw.dim_employee (employee_key, employee_id, first_name, last_name, full_name)
VALUES (-1, -1, 'Unknown', 'Unknown', 'Unknown')
ON CONFLICT DO NOTHING;

CREATE TEMP TABLE employee_ids (employee_id integer PRIMARY KEY) ON COMMIT DROP;

INSERT INTO employee_ids
SELECT employee_id FROM changed.employee
UNION
SELECT e.employee_id
FROM changed.employee s JOIN mirror.employee e ON e.reports_to = s.employee_id
WHERE (SELECT mode FROM build_params) <> 'full';

ANALYZE employee_ids;

WITH ins AS (
    INSERT INTO dw.dim_employee AS d (
        employee_id, first_name, last_name, full_name, title,
        manager_employee_id, manager_full_name, manager_title,
        birth_date, hire_date, address, city, state, country, postal_code,
        phone, fax, email)
    SELECT e.employee_id, e.first_name, e.last_name, e.first_name || ' ' || e.last_name, e.title,
           e.reports_to, m.first_name || ' ' || m.last_name, m.title,
           e.birth_date::date, e.hire_date::date, e.address, e.city, e.state, e.country,
           e.postal_code, e.phone, e.fax, e.email
    FROM employee_ids a
    JOIN mirror.employee e ON e.employee_id = a.employee_id
    LEFT JOIN mirror.employee m ON m.employee_id = e.reports_to
    ON CONFLICT (employee_id) DO UPDATE SET
        first_name = EXCLUDED.first_name,
        last_name = EXCLUDED.last_name,
        full_name = EXCLUDED.full_name,
        title = EXCLUDED.title,
        manager_employee_id = EXCLUDED.manager_employee_id,
        manager_full_name = EXCLUDED.manager_full_name,
        manager_title = EXCLUDED.manager_title,
        birth_date = EXCLUDED.birth_date,
        hire_date = EXCLUDED.hire_date,
        address = EXCLUDED.address,
        city = EXCLUDED.city,
        state = EXCLUDED.state,
        country = EXCLUDED.country,
        postal_code = EXCLUDED.postal_code,
        phone = EXCLUDED.phone,
        fax = EXCLUDED.fax,
        email = EXCLUDED.email
    WHERE ROW(d.first_name, d.last_name, d.full_name, d.title, d.manager_employee_id,
              d.manager_full_name, d.manager_title, d.birth_date, d.hire_date, d.address,
              d.city, d.state, d.country, d.postal_code, d.phone, d.fax, d.email)
          IS DISTINCT FROM
          ROW(EXCLUDED.first_name, EXCLUDED.last_name, EXCLUDED.full_name, EXCLUDED.title,
              EXCLUDED.manager_employee_id, EXCLUDED.manager_full_name, EXCLUDED.manager_title,
              EXCLUDED.birth_date, EXCLUDED.hire_date, EXCLUDED.address, EXCLUDED.city,
              EXCLUDED.state, EXCLUDED.country, EXCLUDED.postal_code, EXCLUDED.phone,
              EXCLUDED.fax, EXCLUDED.email)
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'dw.dim_employee', count(*) FROM ins;
