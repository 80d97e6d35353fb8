-- star-builder, step 95: data-quality checks, stored in etl.dq_result and
-- returned by the final SELECT (check_name, passed, detail).
--
-- Scope. Full mode (or build_params.dq_full = true): everything. Incremental
-- mode: the facts of the invoices this build rewrote and the customers it
-- changed (dim_customer and its mirror history grow with the data), and the
-- other dimensions whole (they are small). So an incremental build's cost
-- keeps following its change set, every fact and customer row was checked
-- by the build that last wrote it, and each detail names the scope it
-- covered. Fact checks read fact_sales once (see "Facts" below).
CREATE TEMP TABLE dq_check (
    check_name  text    NOT NULL,
    passed      boolean NOT NULL,
    detail      text    NOT NULL
) ON COMMIT DROP;

-- Scoped mode: the invoices to check. Whole mode reads mirror.invoice.
CREATE TEMP TABLE dq_invoice (invoice_id integer NOT NULL) ON COMMIT DROP;
INSERT INTO dq_invoice
SELECT invoice_id FROM affected_invoice_id
WHERE NOT (SELECT mode = 'full' OR dq_full FROM build_params);
ANALYZE dq_invoice;

CREATE TEMP TABLE dq_scope ON COMMIT DROP AS
SELECT p.mode = 'full' OR p.dq_full AS whole,
       CASE WHEN p.mode = 'full' OR p.dq_full THEN 'scope: all invoices'
            ELSE format('scope: the %s invoices this build rewrote', (SELECT count(*) FROM dq_invoice))
       END AS label,
       CASE WHEN p.mode = 'full' OR p.dq_full THEN 'scope: all customers'
            ELSE format('scope: the %s customers this build changed',
                        (SELECT count(DISTINCT customer_id) FROM stage_customer))
       END AS customer_label
FROM build_params p;

-- Offending keys in a detail: at most 5, ascending.
CREATE OR REPLACE FUNCTION pg_temp.dq_examples(keys bigint[]) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE WHEN coalesce(cardinality(keys), 0) = 0 THEN ''
                  ELSE ', e.g. ' || array_to_string(keys[1:5], ', ') END $$;

-- ---------------------------------------------------------------------------
-- Dimensions: unique natural key per current row, SCD2 consistency.

INSERT INTO dq_check
SELECT 'dim_date.unique_date_key', count(*) = 0,
       format('%s duplicated date_key values', count(*))
FROM (SELECT date_key FROM dw.dim_date GROUP BY date_key HAVING count(*) > 1) x;

INSERT INTO dq_check
SELECT 'dim_date.contiguous_whole_years',
       n = 0 OR (date_part('month', lo) = 1 AND date_part('day', lo) = 1
                 AND date_part('month', hi) = 12 AND date_part('day', hi) = 31
                 AND hi - lo + 1 = n),
       format('%s days from %s to %s', n, lo, hi)
FROM (SELECT count(*) AS n, min(full_date) AS lo, max(full_date) AS hi FROM dw.dim_date) x;

-- dim_customer can be large: in incremental mode, the customers this build
-- changed.
CREATE TEMP TABLE dq_customer_id ON COMMIT DROP AS
SELECT customer_id FROM mirror.customer
WHERE (SELECT whole FROM dq_scope)
UNION
SELECT customer_id FROM stage_customer
WHERE NOT (SELECT whole FROM dq_scope);
ANALYZE dq_customer_id;

CREATE TEMP TABLE dq_customer ON COMMIT DROP AS
SELECT d.*
FROM dq_customer_id s
JOIN dw.dim_customer d ON d.customer_id = s.customer_id;
ANALYZE dq_customer;

INSERT INTO dq_check
SELECT 'dim_customer.unique_current_customer_id', count(*) = 0,
       format('%s customers without exactly one current version%s (%s)', count(*),
              replace(pg_temp.dq_examples(array_agg(customer_id::bigint ORDER BY customer_id)), 'e.g.', 'e.g. customer'),
              (SELECT customer_label FROM dq_scope))
FROM (SELECT customer_id FROM dq_customer
      GROUP BY customer_id HAVING count(*) FILTER (WHERE is_current) <> 1) x;

INSERT INTO dq_check
SELECT 'dim_customer.versions_contiguous', count(*) = 0,
       format('%s versions with a gap, overlap or wrong current flag%s (%s)', count(*),
              replace(pg_temp.dq_examples((array_agg(DISTINCT customer_id::bigint))[1:5]), 'e.g.', 'e.g. customer'),
              (SELECT customer_label FROM dq_scope))
FROM (
    SELECT customer_id, customer_key, version_no, valid_from, valid_to, is_current,
           row_number() OVER w AS rn,
           lead(valid_from) OVER w AS next_from
    FROM dq_customer
    WINDOW w AS (PARTITION BY customer_id ORDER BY version_no)
) v
WHERE v.version_no <> v.rn
   OR (v.rn = 1 AND v.valid_from <> '-infinity')
   OR (v.next_from IS NULL AND (v.valid_to <> 'infinity' OR NOT v.is_current))
   OR (v.next_from IS NOT NULL AND (v.valid_to <> v.next_from OR v.is_current));

INSERT INTO dq_check
SELECT 'dim_employee.unique_employee_id', count(*) = 0,
       format('%s duplicated employee_id values', count(*))
FROM (SELECT employee_id FROM dw.dim_employee GROUP BY employee_id HAVING count(*) > 1) x;

-- dim_track grows with the catalogue: whole mode groups every row; scoped
-- mode probes the tracks this build wrote (affected_track, 11_dim_track.sql).
INSERT INTO dq_check
SELECT 'dim_track.unique_track_id', count(*) = 0,
       format('%s duplicated track_id values (scope: all tracks)', count(*))
FROM (SELECT track_id FROM dw.dim_track GROUP BY track_id HAVING count(*) > 1) x
HAVING (SELECT whole FROM dq_scope);

INSERT INTO dq_check
SELECT 'dim_track.unique_track_id', count(*) = 0,
       format('%s duplicated track_id values (scope: the %s tracks this build wrote)', count(*),
              (SELECT count(*) FROM affected_track))
FROM (SELECT d.track_id
      FROM affected_track a
      JOIN dw.dim_track d ON d.track_id = a.track_id
      GROUP BY d.track_id HAVING count(*) > 1) x
HAVING NOT (SELECT whole FROM dq_scope);

INSERT INTO dq_check
SELECT 'dim_playlist.unique_playlist_id', count(*) = 0,
       format('%s duplicated playlist_id values', count(*))
FROM (SELECT playlist_id FROM dw.dim_playlist GROUP BY playlist_id HAVING count(*) > 1) x;

-- The bridge grows with the catalogue: whole mode checks every row; scoped
-- mode the playlist_track rows this build brought (each must be bridged to
-- the dimension rows of its natural keys; dimension rows are never deleted
-- and keep their keys, so rows bridged earlier stay resolved).
INSERT INTO dq_check
SELECT 'bridge_playlist_track.keys_resolve', count(*) = 0,
       format('%s bridge rows with a playlist_key or track_key not in its dimension (scope: all bridge rows)', count(*))
FROM dw.bridge_playlist_track b
LEFT JOIN dw.dim_playlist p ON p.playlist_key = b.playlist_key
LEFT JOIN dw.dim_track t ON t.track_key = b.track_key
WHERE (SELECT whole FROM dq_scope)
  AND (p.playlist_key IS NULL OR t.track_key IS NULL)
HAVING (SELECT whole FROM dq_scope);

INSERT INTO dq_check
SELECT 'bridge_playlist_track.keys_resolve', count(*) FILTER (WHERE b.playlist_key IS NULL) = 0,
       format('%s of the %s playlist_track rows of this build without a bridge row to their dimension rows (scope: this build''s playlist_track rows)',
              count(*) FILTER (WHERE b.playlist_key IS NULL), count(*))
FROM stage_playlist_track s
LEFT JOIN dw.dim_playlist p ON p.playlist_id = s.playlist_id
LEFT JOIN dw.dim_track t ON t.track_id = s.track_id
LEFT JOIN dw.bridge_playlist_track b ON b.playlist_key = p.playlist_key AND b.track_key = t.track_key
HAVING NOT (SELECT whole FROM dq_scope);

INSERT INTO dq_check
SELECT 'mirror.customer_version_matches_customer', count(*) = 0,
       format('%s customers whose latest version (or current dim_customer row) differs from mirror.customer, or is missing%s (%s)',
              count(*), replace(pg_temp.dq_examples(array_agg(customer_id::bigint ORDER BY customer_id)), 'e.g.', 'e.g. customer'),
              (SELECT customer_label FROM dq_scope))
FROM (
    SELECT s.customer_id
    FROM dq_customer_id s
    JOIN mirror.customer c ON c.customer_id = s.customer_id
    LEFT JOIN dq_customer d ON d.customer_id = s.customer_id AND d.is_current
    LEFT JOIN (
        SELECT DISTINCT ON (v.customer_id) v.customer_id, v.version_no, v.attr_hash
        FROM dq_customer_id s
        JOIN mirror.customer_version v ON v.customer_id = s.customer_id
        ORDER BY v.customer_id, v.version_no DESC
    ) l ON l.customer_id = s.customer_id
    WHERE l.attr_hash IS DISTINCT FROM
              mirror.customer_attr_hash(c.company, c.address, c.city, c.state, c.country,
                                        c.postal_code, c.support_rep_id)
       OR d.version_no IS DISTINCT FROM l.version_no
) x;

-- ---------------------------------------------------------------------------
-- Facts. Two passes, neither grouping nor joining millions of lines per
-- invoice: every in-scope fact_sales line once (joined to dim_track only),
-- every in-scope invoice once.
--
-- * Each line must carry its invoice summary's date, customer-version and
--   employee keys; those keys are then checked once per invoice (NULL,
--   resolve, customer version valid at the invoice date) and the results
--   counted in lines. Track keys are checked per line.
-- * Per-invoice equalities (sum of line amounts = invoice_total, number of
--   lines = line_count, every line's keys = its summary's keys) are checked
--   with weighted checksums: with a weight
--   w(invoice) = (hashint4(invoice_id) >> 8) | 1 (a pseudo-random odd
--   24-bit integer, never 0), sum over lines of w * amount = sum over
--   invoices of w * invoice_total (exact numeric arithmetic) holds exactly
--   when every invoice agrees, except for errors that cancel out under these
--   weights (two opposite errors: odds about 1 in 8 million); a single wrong
--   invoice always shows. The keys are compared the same way, as
--   sum over lines of w * k = sum over invoices of w * line_count * k, with
--   k = hashint4(date_key) + 3 * hashint8(customer_key) + 7 * hashint8(employee_key)
--   (integer hashes: far cheaper per line than hashing a row value; the
--   factors tell the positions apart). A NULL key makes k NULL and drops the
--   term on its side only, so a NULL on one side and a value on the other
--   still shows; NULLs on both sides are the no_null_keys checks' to report.
--   Only when a checksum differs are the lines joined or grouped per invoice
--   to count and name the offending ones.
-- * Each pass is one aggregate of counts and sums, so PostgreSQL can split it
--   over parallel workers (a full build's millions of lines). Example keys
--   for a detail are looked up afterwards, only for a check that failed.
-- * Whole mode reads dw.fact_sales and mirror.invoice themselves; scoped mode
--   materializes the invoices in scope and their lines first (with real
--   statistics). The passes are written once, over the relation the mode
--   chose (a format() placeholder).

-- Scoped mode: the invoices in scope, with the OLTP values the facts must
-- reproduce, and their fact_sales lines. (Both stay empty in whole mode:
-- dq_invoice is empty there.)
CREATE TEMP TABLE dq_inv ON COMMIT DROP AS
SELECT i.invoice_id, i.customer_id, i.invoice_date, i.total
FROM dq_invoice q
JOIN mirror.invoice i ON i.invoice_id = q.invoice_id;
ANALYZE dq_inv;

CREATE TEMP TABLE dq_fact_line ON COMMIT DROP AS
SELECT f.*
FROM dq_invoice q
JOIN dw.fact_sales f ON f.invoice_id = q.invoice_id;
ANALYZE dq_fact_line;

-- The diagnosis below (only when a checksum differs): the invoices whose lines
-- do not add up to invoice_total or line_count.
CREATE TEMP TABLE dq_mismatch (
    invoice_id  bigint  NOT NULL,
    bad_total   boolean NOT NULL,
    bad_count   boolean NOT NULL
) ON COMMIT DROP;

DO $dq$
DECLARE
    whole    boolean := (SELECT whole FROM dq_scope);
    lines    text := CASE WHEN whole THEN 'dw.fact_sales' ELSE 'pg_temp.dq_fact_line' END;
    invoices text := CASE WHEN whole THEN 'mirror.invoice' ELSE 'pg_temp.dq_inv' END;
    -- k (above) of the row alias %1$s.
    key_hash text := 'hashint4(%1$s.date_key)::bigint + 3 * hashint8(%1$s.customer_key)::bigint + 7 * hashint8(%1$s.employee_key)::bigint';
    -- One row per in-scope line, with its flags.
    line_flags text := format($q$
        SELECT f.invoice_id,
               ((hashint4(f.invoice_id) >> 8) | 1)                            AS w,
               f.amount,
               f.date_key IS NULL OR f.customer_key IS NULL OR f.track_key IS NULL
                 OR f.employee_key IS NULL                                   AS null_key,
               f.track_key IS NOT NULL AND t.track_key IS NULL               AS no_track,
               %s AS k
        FROM %s f
        LEFT JOIN dw.dim_track t ON t.track_key = f.track_key $q$, format(key_hash, 'f'), lines);
    -- The lines whose keys differ from their invoice summary's (or that have
    -- none): read only when the key checksum differs.
    off_summary_lines text := format($q$
        SELECT f.invoice_id
        FROM %s f
        LEFT JOIN dw.fact_invoice_summary s ON s.invoice_id = f.invoice_id
        WHERE s.invoice_id IS NULL
           OR ROW(f.date_key, f.customer_key, f.employee_key)
              IS DISTINCT FROM ROW(s.date_key, s.customer_key, s.employee_key) $q$, lines);
    -- One row per in-scope invoice, with its flags.
    invoice_flags text := format($q$
        SELECT i.invoice_id,
               ((hashint4(i.invoice_id) >> 8) | 1) AS w,
               s.invoice_total,
               coalesce(s.line_count, 0) AS line_count,
               %s AS k,
               s.invoice_id IS NOT NULL
                 AND (s.date_key IS NULL OR s.customer_key IS NULL OR s.employee_key IS NULL) AS null_key,
               (s.date_key IS NOT NULL AND d.date_key IS NULL)
                 OR (s.customer_key IS NOT NULL AND c.customer_key IS NULL)
                 OR (s.employee_key IS NOT NULL AND e.employee_key IS NULL)              AS unresolved,
               c.customer_key IS NOT NULL
                 AND (c.customer_id <> i.customer_id
                      OR NOT (c.valid_from <= (i.invoice_date AT TIME ZONE 'UTC')
                              AND (i.invoice_date AT TIME ZONE 'UTC') < c.valid_to))     AS wrong_version,
               s.invoice_total IS DISTINCT FROM i.total                                  AS vs_oltp
        FROM %s i
        LEFT JOIN dw.fact_invoice_summary s ON s.invoice_id = i.invoice_id
        LEFT JOIN dw.dim_date d ON d.date_key = s.date_key
        LEFT JOIN dw.dim_customer c ON c.customer_key = s.customer_key
        LEFT JOIN dw.dim_employee e ON e.employee_key = s.employee_key $q$, format(key_hash, 's'), invoices);
    -- The first 5 invoices (ascending) of the rows in %s that match %s.
    examples text := 'SELECT array_agg(invoice_id) FROM (SELECT DISTINCT invoice_id::bigint AS invoice_id FROM (%s) x WHERE %s ORDER BY 1 LIMIT 5) e';
    failed    boolean;
    check_row record;
    ex        bigint[];
BEGIN
    -- Pass 1: the lines.
    EXECUTE format($q$
        CREATE TEMP TABLE dq_lines ON COMMIT DROP AS
        SELECT count(*)                           AS lines,
               coalesce(sum(w * amount), 0)       AS w_amount,
               coalesce(sum(w), 0)                AS w_lines,
               count(*) FILTER (WHERE null_key)    AS null_key,
               NULL::bigint[]                      AS null_key_ex,
               count(*) FILTER (WHERE no_track)    AS no_track,
               NULL::bigint[]                      AS no_track_ex,
               coalesce(sum(w::bigint * k), 0)     AS w_keys,
               0::bigint                           AS off_summary,
               NULL::bigint[]                      AS off_summary_ex
        FROM (%s) l $q$, line_flags);

    -- Pass 2: the invoices.
    EXECUTE format($q$
        CREATE TEMP TABLE dq_invoices ON COMMIT DROP AS
        SELECT count(*)                                               AS invoices,
               coalesce(sum(line_count), 0)                           AS lines,
               coalesce(sum(w * invoice_total), 0)                    AS w_total,
               coalesce(sum(w::bigint * line_count), 0)               AS w_lines,
               coalesce(sum((w::bigint * k)::numeric * line_count), 0) AS w_keys,
               count(*) FILTER (WHERE null_key)                       AS null_key,
               NULL::bigint[]                                         AS null_key_ex,
               count(*) FILTER (WHERE unresolved)                     AS unresolved,
               coalesce(sum(line_count) FILTER (WHERE unresolved), 0) AS unresolved_lines,
               NULL::bigint[]                                         AS unresolved_ex,
               count(*) FILTER (WHERE wrong_version)                  AS wrong_version,
               coalesce(sum(line_count) FILTER (WHERE wrong_version), 0) AS wrong_version_lines,
               NULL::bigint[]                                         AS wrong_version_ex,
               count(*) FILTER (WHERE vs_oltp)                        AS vs_oltp,
               NULL::bigint[]                                         AS vs_oltp_ex
        FROM (%s) v $q$, invoice_flags);

    -- Examples, for the failed checks only: each pass's flag with a count above
    -- zero gets its first 5 invoices in <flag>_ex.
    FOR check_row IN
        SELECT * FROM (VALUES
            ('dq_lines', line_flags, 'null_key'),
            ('dq_lines', line_flags, 'no_track'),
            ('dq_invoices', invoice_flags, 'null_key'),
            ('dq_invoices', invoice_flags, 'unresolved'),
            ('dq_invoices', invoice_flags, 'wrong_version'),
            ('dq_invoices', invoice_flags, 'vs_oltp')
        ) AS c(pass, flags, flag)
    LOOP
        EXECUTE format('SELECT %I > 0 FROM %I', check_row.flag, check_row.pass) INTO failed;
        IF failed THEN
            EXECUTE format(examples, check_row.flags, check_row.flag) INTO ex;
            EXECUTE format('UPDATE %I SET %I = $1', check_row.pass, check_row.flag || '_ex') USING ex;
        END IF;
    END LOOP;

    -- Diagnosis, only when a checksum differs.
    SELECT l.w_keys <> v.w_keys INTO failed
    FROM dq_lines l CROSS JOIN dq_invoices v;
    IF failed THEN
        EXECUTE format('UPDATE dq_lines SET off_summary = (SELECT count(*) FROM (%s) x)', off_summary_lines);
        EXECUTE format(examples, off_summary_lines, 'true') INTO ex;
        EXECUTE 'UPDATE dq_lines SET off_summary_ex = $1' USING ex;
    END IF;
    SELECT l.w_amount <> v.w_total OR l.w_lines <> v.w_lines INTO failed
    FROM dq_lines l CROSS JOIN dq_invoices v;
    IF failed THEN
        EXECUTE format($q$
            INSERT INTO dq_mismatch (invoice_id, bad_total, bad_count)
            WITH x AS (
                SELECT f.invoice_id, count(*) AS lines, sum(f.amount) AS amount
                FROM %1$s f
                GROUP BY f.invoice_id
            )
            SELECT coalesce(i.invoice_id, x.invoice_id)::bigint,
                   s.invoice_total IS DISTINCT FROM coalesce(x.amount, 0),
                   coalesce(s.line_count, 0) IS DISTINCT FROM coalesce(x.lines, 0)
            FROM (SELECT invoice_id FROM %2$s) i
            FULL JOIN x ON x.invoice_id = i.invoice_id
            LEFT JOIN dw.fact_invoice_summary s ON s.invoice_id = coalesce(i.invoice_id, x.invoice_id)
            WHERE s.invoice_total IS DISTINCT FROM coalesce(x.amount, 0)
               OR coalesce(s.line_count, 0) IS DISTINCT FROM coalesce(x.lines, 0) $q$,
            lines, invoices);
    END IF;
END $dq$;

INSERT INTO dq_check
SELECT c.check_name, c.passed,
       format('%s%s (%s)', c.what, replace(pg_temp.dq_examples(c.ex), 'e.g.', 'e.g. invoice'),
              (SELECT label FROM dq_scope))
FROM dq_lines l
CROSS JOIN dq_invoices v
CROSS JOIN LATERAL (VALUES
    ('fact_sales.no_null_keys', l.null_key = 0, l.null_key_ex,
     format('%s lines with a NULL date/customer/track/employee key', l.null_key)),
    ('fact_sales.keys_resolve', l.no_track + v.unresolved_lines = 0,
     CASE WHEN l.no_track > 0 THEN l.no_track_ex ELSE v.unresolved_ex END,
     format('%s lines with a key not in its dimension (track keys %s; date/customer/employee keys, checked through their invoice, %s)',
            l.no_track + v.unresolved_lines, l.no_track, v.unresolved_lines)),
    ('fact_sales.customer_version_valid_at_invoice_date', v.wrong_version_lines = 0, v.wrong_version_ex,
     format('%s lines whose customer version belongs to another customer or is not valid at the invoice date',
            v.wrong_version_lines)),
    ('fact_invoice_summary.no_null_keys', v.null_key = 0, v.null_key_ex,
     format('%s invoices with a NULL date/customer/employee key', v.null_key)),
    ('fact_invoice_summary.keys_resolve', v.unresolved = 0, v.unresolved_ex,
     format('%s invoices with a key not in its dimension', v.unresolved)),
    ('fact_invoice_summary.matches_fact_sales',
     l.off_summary = 0 AND l.w_keys = v.w_keys AND l.w_lines = v.w_lines AND l.lines = v.lines,
     CASE WHEN l.off_summary > 0 THEN l.off_summary_ex
          ELSE (SELECT (array_agg(invoice_id ORDER BY invoice_id) FILTER (WHERE bad_count))[1:5] FROM dq_mismatch) END,
     format('%s lines without their invoice''s summary keys; %s invoices whose line_count differs from their fact_sales lines (%s lines, summaries count %s)',
            l.off_summary, (SELECT count(*) FILTER (WHERE bad_count) FROM dq_mismatch), l.lines, v.lines)),
    ('fact_invoice_summary.total_equals_sum_of_lines', l.w_amount = v.w_total,
     (SELECT (array_agg(invoice_id ORDER BY invoice_id) FILTER (WHERE bad_total))[1:5] FROM dq_mismatch),
     format('%s invoices whose invoice_total differs from the sum of their fact_sales amounts (weighted checksum %s)',
            (SELECT count(*) FILTER (WHERE bad_total) FROM dq_mismatch),
            CASE WHEN l.w_amount = v.w_total THEN 'equal' ELSE 'differs' END)),
    ('fact_invoice_summary.total_equals_oltp_total', v.vs_oltp = 0, v.vs_oltp_ex,
     format('%s invoices whose summary total differs from mirror.invoice.total, or that have no summary row', v.vs_oltp))
) AS c(check_name, passed, ex, what);

-- ---------------------------------------------------------------------------
-- Row counts agree with the mirror. Whole mode counts the tables (pass 1 read
-- every fact_sales line); scoped mode counts the invoices in scope.

INSERT INTO dq_check
SELECT 'row_count.fact_sales_vs_mirror_invoice_line', f = m,
       format('fact_sales %s, mirror.invoice_line %s (%s)', f, m, (SELECT label FROM dq_scope))
FROM (
    SELECT (SELECT lines FROM dq_lines) AS f,
           CASE WHEN (SELECT mode = 'full' FROM build_params)
                -- the mirror was emptied and loaded by this build's COPY
                THEN (SELECT sum(rows_changed)::bigint FROM build_counts
                      WHERE table_name = 'mirror.invoice_line')
                WHEN (SELECT whole FROM dq_scope)
                THEN (SELECT count(*) FROM mirror.invoice_line)
                ELSE (SELECT count(*) FROM dq_invoice d JOIN mirror.invoice_line x ON x.invoice_id = d.invoice_id)
           END AS m
) c;

INSERT INTO dq_check
SELECT 'row_count.fact_invoice_summary_vs_mirror_invoice', f = m,
       format('fact_invoice_summary %s, mirror.invoice %s (%s)', f, m, (SELECT label FROM dq_scope))
FROM (
    SELECT CASE WHEN (SELECT whole FROM dq_scope)
                THEN (SELECT count(*) FROM dw.fact_invoice_summary)
                ELSE (SELECT count(*) FROM dq_invoice d JOIN dw.fact_invoice_summary x ON x.invoice_id = d.invoice_id)
           END AS f,
           (SELECT invoices FROM dq_invoices) AS m
) c;

-- Dimensions: employees and playlists are counted whole (they are small).
-- Tracks, customers and the bridge grow with the data: whole mode counts the
-- tables; scoped mode counts, for the natural keys this build wrote, the
-- dimension rows against the mirror rows (every key was counted by the build
-- that last wrote it).
INSERT INTO dq_check
SELECT 'row_count.' || name, d = m, format('%s %s, %s %s', dl, d, ml, m)
FROM (VALUES
    ('dim_employee_vs_mirror_employee', 'dw.dim_employee (without unknown member)',
     (SELECT count(*) FROM dw.dim_employee WHERE employee_key <> -1),
     'mirror.employee', (SELECT count(*) FROM mirror.employee)),
    ('dim_playlist_vs_mirror_playlist', 'dw.dim_playlist', (SELECT count(*) FROM dw.dim_playlist),
     'mirror.playlist', (SELECT count(*) FROM mirror.playlist))
) AS v(name, dl, d, ml, m);

INSERT INTO dq_check
SELECT 'row_count.' || name, d = m, format('%s %s, %s %s (scope: all rows)', dl, d, ml, m)
FROM (VALUES
    ('dim_track_vs_mirror_track', 'dw.dim_track', (SELECT count(*) FROM dw.dim_track),
     'mirror.track', (SELECT count(*) FROM mirror.track)),
    ('dim_customer_current_vs_mirror_customer', 'dw.dim_customer (current)',
     (SELECT count(*) FROM dw.dim_customer WHERE is_current),
     'mirror.customer', (SELECT count(*) FROM mirror.customer)),
    ('dim_customer_vs_mirror_customer_version', 'dw.dim_customer', (SELECT count(*) FROM dw.dim_customer),
     'mirror.customer_version', (SELECT count(*) FROM mirror.customer_version)),
    ('bridge_playlist_track_vs_mirror_playlist_track', 'dw.bridge_playlist_track',
     (SELECT count(*) FROM dw.bridge_playlist_track),
     'mirror.playlist_track', (SELECT count(*) FROM mirror.playlist_track))
) AS v(name, dl, d, ml, m)
WHERE (SELECT whole FROM dq_scope);

INSERT INTO dq_check
SELECT 'row_count.' || name, d = m, format('%s %s, %s %s (%s)', dl, d, ml, m, scope)
FROM (VALUES
    ('dim_track_vs_mirror_track', 'dw.dim_track',
     (SELECT count(*) FROM affected_track a JOIN dw.dim_track x ON x.track_id = a.track_id),
     'mirror.track',
     (SELECT count(*) FROM affected_track a JOIN mirror.track x ON x.track_id = a.track_id),
     format('scope: the %s tracks this build wrote', (SELECT count(*) FROM affected_track))),
    ('dim_customer_current_vs_mirror_customer', 'dw.dim_customer (current)',
     (SELECT count(*) FROM dq_customer WHERE is_current),
     'mirror.customer',
     (SELECT count(*) FROM dq_customer_id s JOIN mirror.customer x ON x.customer_id = s.customer_id),
     (SELECT customer_label FROM dq_scope)),
    ('dim_customer_vs_mirror_customer_version', 'dw.dim_customer', (SELECT count(*) FROM dq_customer),
     'mirror.customer_version',
     (SELECT count(*) FROM dq_customer_id s JOIN mirror.customer_version x ON x.customer_id = s.customer_id),
     (SELECT customer_label FROM dq_scope)),
    ('bridge_playlist_track_vs_mirror_playlist_track', 'dw.bridge_playlist_track',
     (SELECT count(b.playlist_key)
      FROM stage_playlist_track s
      LEFT JOIN dw.dim_playlist p ON p.playlist_id = s.playlist_id
      LEFT JOIN dw.dim_track t ON t.track_id = s.track_id
      LEFT JOIN dw.bridge_playlist_track b ON b.playlist_key = p.playlist_key AND b.track_key = t.track_key),
     'mirror.playlist_track', (SELECT count(*) FROM stage_playlist_track),
     'scope: this build''s playlist_track rows')
) AS v(name, dl, d, ml, m, scope)
WHERE NOT (SELECT whole FROM dq_scope);

-- ---------------------------------------------------------------------------
-- Store, summarize on the build run, return.

INSERT INTO etl.dq_result (build_id, check_name, passed, detail)
SELECT p.build_id, c.check_name, c.passed, c.detail
FROM dq_check c
CROSS JOIN build_params p;

UPDATE etl.build_run r SET
    dq_passed = NOT EXISTS (SELECT 1 FROM dq_check WHERE NOT passed),
    dq_failed = (SELECT count(*) FROM dq_check WHERE NOT passed),
    finished_at = clock_timestamp()
FROM build_params p
WHERE r.build_id = p.build_id;

SELECT check_name, passed, detail
FROM dq_check
ORDER BY check_name;
