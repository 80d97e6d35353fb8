-- reads: scd2.customer
-- writes: dw.dim_customer
-- full: bulk
--
-- dw.dim_customer: SCD type 2, from the engine's versions of the customers
-- in the change set (dataset.toml [scd2.customer]; full mode: every
-- customer). Per version: the tracked attributes of that version, the
-- type-1 attributes (names, phone, fax, email) of the current customer row,
-- valid_from (-infinity for version 1, else the build_time of the build
-- that first saw it), valid_to (the next version's valid_from, infinity for
-- the current one) and is_current.
--
-- Full mode: the table is empty and has no indexes (full: bulk): every
-- version goes in with a plain INSERT.
-- Incremental: keyed by (customer_id, version_no), existing versions keep
-- their surrogate key: they are updated in place (type-1 attributes,
-- closing valid_to / is_current) and new versions are inserted. The update
-- runs first so the "one current row" index holds.
DO $$
DECLARE n bigint;
BEGIN
    IF (SELECT mode FROM build_params) = 'full' THEN
        INSERT INTO dw.dim_customer (
            customer_id, version_no, first_name, last_name, full_name, company, address,
            city, state, country, postal_code, phone, fax, email, support_rep_id,
            attr_hash, valid_from, valid_to, is_current)
        SELECT c.customer_id, c.version_no, c.first_name, c.last_name,
               c.first_name || ' ' || c.last_name, c.company, c.address, c.city, c.state,
               c.country, c.postal_code, c.phone, c.fax, c.email, c.support_rep_id,
               c.attr_hash, c.valid_from, c.valid_to, c.is_current
        FROM scd2.customer c
        ORDER BY c.customer_id, c.version_no;
        GET DIAGNOSTICS n = ROW_COUNT;
        INSERT INTO build_counts (table_name, rows_changed) VALUES ('dw.dim_customer', n);
        RETURN;
    END IF;

    UPDATE dw.dim_customer d SET
        first_name = c.first_name,
        last_name = c.last_name,
        full_name = c.first_name || ' ' || c.last_name,
        phone = c.phone,
        fax = c.fax,
        email = c.email,
        valid_to = c.valid_to,
        is_current = c.is_current
    FROM scd2.customer c
    WHERE d.customer_id = c.customer_id
      AND d.version_no = c.version_no
      AND ROW(d.first_name, d.last_name, d.full_name, d.phone, d.fax, d.email, d.valid_to, d.is_current)
          IS DISTINCT FROM
          ROW(c.first_name, c.last_name, c.first_name || ' ' || c.last_name, c.phone, c.fax,
              c.email, c.valid_to, c.is_current);
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO build_counts (table_name, rows_changed) VALUES ('dw.dim_customer', n);

    INSERT INTO dw.dim_customer (
        customer_id, version_no, first_name, last_name, full_name, company, address,
        city, state, country, postal_code, phone, fax, email, support_rep_id,
        attr_hash, valid_from, valid_to, is_current)
    SELECT c.customer_id, c.version_no, c.first_name, c.last_name,
           c.first_name || ' ' || c.last_name, c.company, c.address, c.city, c.state,
           c.country, c.postal_code, c.phone, c.fax, c.email, c.support_rep_id,
           c.attr_hash, c.valid_from, c.valid_to, c.is_current
    FROM scd2.customer c
    WHERE NOT EXISTS (
        SELECT 1 FROM dw.dim_customer d
        WHERE d.customer_id = c.customer_id AND d.version_no = c.version_no)
    ORDER BY c.customer_id, c.version_no;
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO build_counts (table_name, rows_changed) VALUES ('dw.dim_customer', n);
END $$;
