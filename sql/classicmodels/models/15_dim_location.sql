-- reads: changed.offices, changed.customers, mirror.offices, dw.dim_customer
-- writes: dw.dim_location
--
-- dw.dim_location: one row per place (country, state, city) of an office or
-- of any customer version, plus the unknown member. Its key is the hash of
-- the place (dw.location_key), so the dimension and every row referring to
-- it agree in any build; a place never changes, it is only added or, once
-- nothing is there any more, removed.
--   * added: the places of the changed offices and of the versions of the
--     changed customers (full mode: every office and every version);
--   * removed: only an office can leave a place (customer versions are
--     never deleted), so when offices changed, the places that no office
--     and no customer version is in (the index on dim_customer.location_key)
--     go. A full build never has any.
INSERT INTO dw.dim_location (location_key, country, state, city, place)
VALUES (dw.unknown_location_key(), 'Unknown', NULL, 'Unknown', 'Unknown')
ON CONFLICT DO NOTHING;

WITH places AS (
    SELECT o.country, o.state, o.city FROM changed.offices o
    UNION
    SELECT d.country, d.state, d.city
    FROM dw.dim_customer d
    WHERE (SELECT mode FROM build_params) = 'full'
    UNION
    SELECT d.country, d.state, d.city
    FROM dw.dim_customer d
    WHERE (SELECT mode FROM build_params) <> 'full'
      AND d.customer_number IN (SELECT customer_number FROM changed.customers)
), ins AS (
    INSERT INTO dw.dim_location AS l (location_key, country, state, city, place)
    SELECT dw.location_key(p.country, p.state, p.city), p.country, p.state, p.city,
           concat_ws(', ', p.city, p.state, p.country)
    FROM places p
    ORDER BY 1
    ON CONFLICT (location_key) DO NOTHING
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'dw.dim_location', count(*) FROM ins;

WITH del AS (
    DELETE FROM dw.dim_location l
    WHERE (SELECT mode FROM build_params) <> 'full'
      AND EXISTS (SELECT 1 FROM changed.offices)
      AND l.location_key <> dw.unknown_location_key()
      AND NOT EXISTS (SELECT 1 FROM mirror.offices o
                      WHERE dw.location_key(o.country, o.state, o.city) = l.location_key)
      AND NOT EXISTS (SELECT 1 FROM dw.dim_customer d WHERE d.location_key = l.location_key)
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'dw.dim_location', count(*) FROM del;
