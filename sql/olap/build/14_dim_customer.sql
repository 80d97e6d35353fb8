-- star-builder, step 14: dw.dim_customer (SCD type 2).
-- Derived from mirror.customer_version (type-2 attributes, one row per
-- version) and the current customer row (type-1 attributes: names, phone,
-- fax, email) for the customers in the change set (full mode: everyone).
-- Version 1 is valid from -infinity; version n > 1 from the build_time of
-- the build that first saw it; each version is valid until the next one's
-- valid_from (infinity for the current one).
-- Existing versions keep their surrogate key: they are updated in place
-- (type-1 attributes, closing valid_to / is_current) and new versions are
-- inserted. The update runs first so the "one current row" index holds.
CREATE TEMP TABLE customer_calc ON COMMIT DROP AS
SELECT v.customer_id,
       v.version_no,
       s.first_name,
       s.last_name,
       s.first_name || ' ' || s.last_name AS full_name,
       v.company, v.address, v.city, v.state, v.country, v.postal_code,
       s.phone, s.fax, s.email,
       v.support_rep_id,
       v.attr_hash,
       CASE WHEN v.version_no = 1 THEN '-infinity'::timestamptz ELSE v.first_seen_at END AS valid_from,
       coalesce(lead(v.first_seen_at) OVER w, 'infinity'::timestamptz)                 AS valid_to,
       lead(v.version_no) OVER w IS NULL                                                AS is_current
FROM stage_customer s
JOIN mirror.customer_version v ON v.customer_id = s.customer_id
WINDOW w AS (PARTITION BY v.customer_id ORDER BY v.version_no);

ANALYZE customer_calc;

WITH upd AS (
    UPDATE dw.dim_customer d SET
        first_name = c.first_name,
        last_name = c.last_name,
        full_name = c.full_name,
        phone = c.phone,
        fax = c.fax,
        email = c.email,
        valid_to = c.valid_to,
        is_current = c.is_current
    FROM customer_calc c
    WHERE d.customer_id = c.customer_id
      AND d.version_no = c.version_no
      AND ROW(d.first_name, d.last_name, d.full_name, d.phone, d.fax, d.email, d.valid_to, d.is_current)
          IS DISTINCT FROM
          ROW(c.first_name, c.last_name, c.full_name, c.phone, c.fax, c.email, c.valid_to, c.is_current)
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'dw.dim_customer', count(*) FROM upd;

WITH ins AS (
    INSERT INTO dw.dim_customer (
        customer_id, version_no, first_name, last_name, full_name, company, address,
        city, state, country, postal_code, phone, fax, email, support_rep_id,
        attr_hash, valid_from, valid_to, is_current)
    SELECT c.customer_id, c.version_no, c.first_name, c.last_name, c.full_name, c.company,
           c.address, c.city, c.state, c.country, c.postal_code, c.phone, c.fax, c.email,
           c.support_rep_id, c.attr_hash, c.valid_from, c.valid_to, c.is_current
    FROM customer_calc c
    WHERE NOT EXISTS (
        SELECT 1 FROM dw.dim_customer d
        WHERE d.customer_id = c.customer_id AND d.version_no = c.version_no)
    ORDER BY c.customer_id, c.version_no
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'dw.dim_customer', count(*) FROM ins;
