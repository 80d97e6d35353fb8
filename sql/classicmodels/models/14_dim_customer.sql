-- reads: scd2.customer
-- writes: dw.dim_customer
-- full: bulk
--
-- dw.dim_customer: SCD type 2, from the engine's versions of the customers
-- in the change set (dataset.toml [scd2.customer]; full mode: every
-- customer). Per version: the tracked attributes of that version (address,
-- credit limit, sales rep) and its place (location_key), the type-1
-- attributes (name, contact names, phone) of the current customer row,
-- valid_from (-infinity for version 1, else the build_time of the build
-- that first saw it), valid_to (the next version's valid_from, infinity for
-- the current one) and is_current.
--
-- Full mode: the table is empty and has no indexes (full: bulk): every
-- version goes in with a plain INSERT.
-- Incremental: keyed by (customer_number, version_no), existing versions
-- keep their surrogate key: they are updated in place (type-1 attributes,
-- closing valid_to / is_current) and new versions are inserted. The update
-- runs first so the "one current row" index holds.
DO $$
DECLARE n bigint;
BEGIN
    IF (SELECT mode FROM build_params) = 'full' THEN
        INSERT INTO dw.dim_customer (
            customer_number, version_no, customer_name, contact_first_name, contact_last_name,
            contact_full_name, phone, address_line1, address_line2, city, state, postal_code,
            country, credit_limit, sales_rep_employee_number, location_key, attr_hash,
            valid_from, valid_to, is_current)
        SELECT c.customer_number, c.version_no, c.customer_name, c.contact_first_name,
               c.contact_last_name, c.contact_first_name || ' ' || c.contact_last_name, c.phone,
               c.address_line1, c.address_line2, c.city, c.state, c.postal_code, c.country,
               c.credit_limit, c.sales_rep_employee_number,
               dw.location_key(c.country, c.state, c.city), c.attr_hash,
               c.valid_from, c.valid_to, c.is_current
        FROM scd2.customer c
        ORDER BY c.customer_number, c.version_no;
        GET DIAGNOSTICS n = ROW_COUNT;
        INSERT INTO build_counts (table_name, rows_changed) VALUES ('dw.dim_customer', n);
        RETURN;
    END IF;

    UPDATE dw.dim_customer d SET
        customer_name = c.customer_name,
        contact_first_name = c.contact_first_name,
        contact_last_name = c.contact_last_name,
        contact_full_name = c.contact_first_name || ' ' || c.contact_last_name,
        phone = c.phone,
        valid_to = c.valid_to,
        is_current = c.is_current
    FROM scd2.customer c
    WHERE d.customer_number = c.customer_number
      AND d.version_no = c.version_no
      AND ROW(d.customer_name, d.contact_first_name, d.contact_last_name, d.contact_full_name,
              d.phone, d.valid_to, d.is_current)
          IS DISTINCT FROM
          ROW(c.customer_name, c.contact_first_name, c.contact_last_name,
              c.contact_first_name || ' ' || c.contact_last_name, c.phone, c.valid_to,
              c.is_current);
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO build_counts (table_name, rows_changed) VALUES ('dw.dim_customer', n);

    INSERT INTO dw.dim_customer (
        customer_number, version_no, customer_name, contact_first_name, contact_last_name,
        contact_full_name, phone, address_line1, address_line2, city, state, postal_code,
        country, credit_limit, sales_rep_employee_number, location_key, attr_hash,
        valid_from, valid_to, is_current)
    SELECT c.customer_number, c.version_no, c.customer_name, c.contact_first_name,
           c.contact_last_name, c.contact_first_name || ' ' || c.contact_last_name, c.phone,
           c.address_line1, c.address_line2, c.city, c.state, c.postal_code, c.country,
           c.credit_limit, c.sales_rep_employee_number,
           dw.location_key(c.country, c.state, c.city), c.attr_hash,
           c.valid_from, c.valid_to, c.is_current
    FROM scd2.customer c
    WHERE NOT EXISTS (
        SELECT 1 FROM dw.dim_customer d
        WHERE d.customer_number = c.customer_number AND d.version_no = c.version_no)
    ORDER BY c.customer_number, c.version_no;
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO build_counts (table_name, rows_changed) VALUES ('dw.dim_customer', n);
END $$;
