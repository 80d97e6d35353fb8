-- star-builder: SCD type 2 dimensions declared in dataset.toml ([scd2.<name>]).
-- The OLTP keeps only the current row, so the history lives in the mirror:
-- {history} = mirror.<name>_version, one row per distinct version of a
-- natural key's tracked columns. A full build never truncates it and
-- compares every current row with it, so it re-derives exactly the history
-- the incremental builds recorded. Filled from the declaration and the
-- catalog (crates/star-builder/src/scd2.rs); {source} is the changed rows
-- of the source table (changed.<source>: every row in a full build).

-- name: create_history
CREATE TABLE IF NOT EXISTS {history} (
    {key_definitions},
    version_no           integer NOT NULL CHECK (version_no >= 1),
    attr_hash            uuid NOT NULL,
    {tracked_definitions},
    first_seen_at        timestamptz NOT NULL,
    first_seen_build_id  bigint NOT NULL,
    load_batch_id        bigint NOT NULL,
    PRIMARY KEY ({key}, version_no)
)

-- name: append_versions
-- A version for every incoming row whose tracked columns hash differently
-- from its key's latest version (or that has none yet); first seen at this
-- build's time. The text form of a row value tells NULL from '' and quotes
-- separators, so distinct tuples hash distinctly.
WITH incoming AS (
    SELECT {key_s}, {tracked_s}, s.load_batch_id,
           md5(ROW({tracked_s})::text)::uuid AS attr_hash
    FROM {source} s
), latest AS (
    SELECT DISTINCT ON ({key_v}) {key_v}, v.version_no, v.attr_hash
    FROM {history} v
    WHERE ({key_v}) IN (SELECT {key_s} FROM {source} s)
    ORDER BY {key_v}, v.version_no DESC
), ins AS (
    INSERT INTO {history} ({key}, version_no, attr_hash, {tracked},
                           first_seen_at, first_seen_build_id, load_batch_id)
    SELECT {key_c}, coalesce(l.version_no, 0) + 1, c.attr_hash, {tracked_c},
           p.build_time, p.build_id, c.load_batch_id
    FROM incoming c
    CROSS JOIN build_params p
    LEFT JOIN latest l ON {key_join_lc}
    WHERE l.attr_hash IS DISTINCT FROM c.attr_hash
    RETURNING 1
)
INSERT INTO build_counts (table_name, rows_changed)
SELECT {history_name}, count(*) FROM ins

-- name: versions
-- The models' scd2.<name>: every version of the natural keys in {source},
-- the tracked columns of that version, the type-1 columns of the current
-- row. Version 1 is valid from -infinity, version n > 1 from the build that
-- first saw it; each until the next one's valid_from.
CREATE TEMP TABLE {versions} ON COMMIT DROP AS
SELECT {key_v}, v.version_no, {tracked_v}{type1_s}, v.attr_hash,
       CASE WHEN v.version_no = 1 THEN '-infinity'::timestamptz ELSE v.first_seen_at END AS valid_from,
       coalesce(lead(v.first_seen_at) OVER w, 'infinity'::timestamptz) AS valid_to,
       lead(v.version_no) OVER w IS NULL AS is_current
FROM {source} s
JOIN {history} v ON {key_join_sv}
WINDOW w AS (PARTITION BY {key_v} ORDER BY v.version_no);
ANALYZE {versions}
