-- star-builder, step 00: new SCD2 customer versions.
--
-- Before this file the Rust layer brought the change set into the mirror:
-- incremental mode COPYed the changed rows into the temp tables
-- stage_<table>, upserted each into mirror.<table> (statements.sql) and
-- analyzed it; full mode reloaded mirror.<table> with every OLTP row
-- (mirror_reload.sql), and stage_<table> are views over it. Either way
-- build_counts already holds the rows changed per mirror table.

-- mirror.customer_version: append a version for every incoming customer
-- whose type-2 attribute hash differs from its latest version (or who has no
-- version yet). first_seen_at = this build's time. In full mode stage_customer
-- is every customer and the kept history is compared against it, so an
-- unchanged customer gets no new version.
WITH incoming AS (
    SELECT s.*,
           mirror.customer_attr_hash(s.company, s.address, s.city, s.state, s.country,
                                     s.postal_code, s.support_rep_id) AS attr_hash
    FROM stage_customer s
), latest AS (
    SELECT DISTINCT ON (v.customer_id) v.customer_id, v.version_no, v.attr_hash
    FROM mirror.customer_version v
    WHERE v.customer_id IN (SELECT customer_id FROM stage_customer)
    ORDER BY v.customer_id, v.version_no DESC
), ins AS (
    INSERT INTO mirror.customer_version (
        customer_id, version_no, attr_hash, company, address, city, state, country,
        postal_code, support_rep_id, first_seen_at, first_seen_build_id, load_batch_id)
    SELECT c.customer_id, coalesce(l.version_no, 0) + 1, c.attr_hash, c.company, c.address,
           c.city, c.state, c.country, c.postal_code, c.support_rep_id,
           p.build_time, p.build_id, c.load_batch_id
    FROM incoming c
    CROSS JOIN build_params p
    LEFT JOIN latest l ON l.customer_id = c.customer_id
    WHERE l.attr_hash IS DISTINCT FROM c.attr_hash
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT 'mirror.customer_version', count(*) FROM ins;
