#!/usr/bin/env bash
# Checks the star-builder SQL (sql/olap, sql/analytics) against a real
# PostgreSQL, without the Rust layer: it fakes what star-builder does (temp
# tables, binary COPY of the changed rows into stage_*, the build files in
# order) and asserts the results in SQL.
#
#   PGHOST=... PGPORT=... [PGUSER=...] scripts/olap-sql-check.sh
#
# Databases (created fresh, dropped at the end unless KEEP_DBS=1):
#   <prefix>_oltp   OLTP schema + the real Chinook CSVs; the OLAP schema is
#                   built into the SAME database (OLTP and OLAP in one db)
#   <prefix>_olap   OLAP only (no chinook schema): the separate-database case
#   <prefix>_full   a copy of <prefix>_olap after the incremental phases,
#                   rebuilt with mode=full and compared with the incremental dw
# Phases (batch n = OLTP rows stamped load_batch_id n):
#   1  the Chinook set: DQ passes, the issue's numbers, every analytics view
#      equals the same question asked of chinook.* directly
#   2  customer 6 moves city + 2 new invoices dated after the build: two
#      versions, old facts on the old one, new facts on the new one
#   3  renames through the denormalized dims, a type-1 change, a support-rep
#      change with an invoice before and one after it, a line moved between
#      invoices, a new playlist
#   4  nothing new: build_counts all zero
#   then: full rebuild == incremental dw (natural keys, EXCEPT ALL both
#   ways) in both databases; DQ catches deliberate corruption; a full and an
#   incremental build on one connection; same-db == separate-db warehouses.
# Output: one line per step, the failing step's log, a summary; exit 1 on
# any failure.
# Environment: PGHOST/PGPORT/PGUSER, CHINOOK_DIR (default
# /work/shared/chinook), KEEP_DBS=1, OLAPCHECK_PREFIX.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CHINOOK_DIR=${CHINOOK_DIR:-/work/shared/chinook}
PREFIX=${OLAPCHECK_PREFIX:-olapcheck_$$}
DB_OLTP=${PREFIX}_oltp
DB_OLAP=${PREFIX}_olap
DB_FULL=${PREFIX}_full
WORK=$(mktemp -d "${TMPDIR:-/tmp}/olapcheck.XXXXXX")
chmod 755 "$WORK"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 --no-psqlrc)

PASSED=()
FAILED=""

cleanup() {
    local rc=$?
    if [[ "${KEEP_DBS:-0}" != 1 ]]; then
        for db in "$DB_FULL" "$DB_OLAP" "$DB_OLTP"; do
            "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
        done
        rm -rf "$WORK"
    else
        echo "kept databases $DB_OLTP $DB_OLAP $DB_FULL and work dir $WORK"
    fi
    echo
    echo "== olap-sql-check summary =="
    local p
    for p in "${PASSED[@]}"; do echo "  PASS  $p"; done
    if [[ -n "$FAILED" ]]; then
        echo "  FAIL  $FAILED"
        echo "RESULT: FAILED (${#PASSED[@]} steps passed before the failure)"
    elif [[ $rc -ne 0 ]]; then
        echo "RESULT: FAILED (exit $rc)"
    else
        echo "RESULT: OK (${#PASSED[@]} steps passed)"
    fi
    exit $rc
}
trap cleanup EXIT

# step NAME COMMAND...: run, keep the log, stop at the first failure.
step() {
    local name=$1; shift
    local log="$WORK/step-$(( ${#PASSED[@]} + 1 )).log" rc
    # A subshell outside any condition, so that errexit holds inside the
    # step's functions (bash ignores set -e in functions called from `if`).
    set +e
    ( set -e; "$@" ) >"$log" 2>&1
    rc=$?
    set -e
    if [[ $rc -eq 0 ]]; then
        PASSED+=("$name")
        echo "ok   $name"
        grep -h 'INFO:' "$log" | sed 's/.*INFO:  */       /' || true
    else
        FAILED="$name"
        echo "FAIL $name"
        sed 's/^/     | /' "$log" | tail -n 60
        exit 1
    fi
}

q() { local db=$1; shift; "${PSQL[@]}" -d "$db" "$@"; }

# The Chinook tables in foreign-key order, with their CSV file stems.
TABLES=(artist album genre media_type track playlist playlist_track employee customer invoice invoice_line)
declare -A CSV=(
    [artist]=Artist [album]=Album [genre]=Genre [media_type]=MediaType [track]=Track
    [playlist]=Playlist [playlist_track]=PlaylistTrack [employee]=Employee
    [customer]=Customer [invoice]=Invoice [invoice_line]=InvoiceLine)

# --------------------------------------------------------------------------
create_databases() {
    for db in "$DB_OLTP" "$DB_OLAP"; do
        q postgres -c "CREATE DATABASE $db"
    done
    for f in "$ROOT"/sql/oltp/*.sql; do q "$DB_OLTP" -f "$f"; done
}

load_chinook() {
    local script="$WORK/load.sql" t cols
    {
        echo "BEGIN;"
        for t in "${TABLES[@]}"; do
            cols=$(q "$DB_OLTP" -At -c "SELECT string_agg(column_name, ', ' ORDER BY ordinal_position)
                FROM information_schema.columns
                WHERE table_schema = 'chinook' AND table_name = '$t' AND column_name <> 'load_batch_id'")
            echo "ALTER TABLE chinook.$t ALTER load_batch_id SET DEFAULT 1;"
            echo "\\copy chinook.$t ($cols) FROM '$CHINOOK_DIR/${CSV[$t]}.csv' WITH (FORMAT csv, HEADER true)"
            echo "ALTER TABLE chinook.$t ALTER load_batch_id DROP DEFAULT;"
        done
        echo "COMMIT;"
    } >"$script"
    q "$DB_OLTP" -f "$script"
    q "$DB_OLTP" <<'SQL'
DO $$
DECLARE n bigint; grand numeric;
BEGIN
    SELECT count(*) INTO n FROM chinook.invoice_line;
    IF n <> 2240 THEN RAISE EXCEPTION 'expected 2240 invoice lines, got %', n; END IF;
    SELECT sum(total) INTO grand FROM chinook.invoice;
    IF grand <> 2328.60 THEN RAISE EXCEPTION 'expected total 2328.60, got %', grand; END IF;
    RAISE INFO 'chinook loaded: % invoice lines, total %', n, grand;
END $$;
SQL
}

apply_olap_migrations() {
    local db=$1 f
    for f in "$ROOT"/sql/olap/0*.sql "$ROOT"/sql/analytics/0*.sql; do
        q "$db" -c "SET client_min_messages = warning" -f "$f"
    done
}

# --------------------------------------------------------------------------
# write_build DB MODE BUILD_TIME BATCHES OUT [CHECK_SQL...]
# Exports the rows of the given OLTP batches (MODE=full: all rows) with a
# binary COPY in one repeatable-read snapshot, and writes to OUT a psql
# script that runs the build in one transaction the way star-builder does.
# BATCHES is a comma list ('' = none). CHECK_SQL files run inside the
# transaction before COMMIT (build_counts and the other temp tables are
# still there).
write_build() {
    local db=$1 mode=$2 build_time=$3 batches=$4 out=$5; shift 5
    local dir="$WORK/export-$db-$mode-${batches//,/_}-$RANDOM"
    local filter t f target
    mkdir -p "$dir"; chmod 777 "$dir"
    if [[ $mode == full ]]; then filter="true"; else filter="load_batch_id = ANY('{$batches}'::bigint[])"; fi
    {
        echo "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
        for t in "${TABLES[@]}"; do
            echo "\\copy (SELECT * FROM chinook.$t WHERE $filter) TO '$dir/$t.bin' WITH (FORMAT binary)"
        done
        echo "COMMIT;"
    } >"$dir/export.sql"
    q "$DB_OLTP" -f "$dir/export.sql"

    {
        echo "BEGIN;"
        echo "\\i $ROOT/sql/olap/build/setup.sql"
        echo "INSERT INTO build_params (mode, build_time) VALUES ('$mode', '$build_time');"
        echo "INSERT INTO build_batch SELECT unnest('{$batches}'::bigint[]);"
        # Full mode: full_reset.sql first, then COPY straight into mirror.<t>.
        if [[ $mode == full ]]; then echo "\\i $ROOT/sql/olap/build/full_reset.sql"; fi
        for t in "${TABLES[@]}"; do
            if [[ $mode == full ]]; then target=mirror.$t; else target=stage_$t; fi
            echo "\\copy $target FROM '$dir/$t.bin' WITH (FORMAT binary)"
        done
        for f in "$ROOT"/sql/olap/build/[0-9][0-9]_*.sql; do
            echo "\\i $f"
        done
        for f in "$@"; do echo "\\i $f"; done
        echo "COMMIT;"
    } >"$out"
}

# assert_dq DB [N]: every DQ check of the last N builds (default 1) passed.
assert_dq() {
    local db=$1 n=${2:-1}
    q "$db" -v n="$n" <<'SQL'
SELECT set_config('olapcheck.builds', :'n', false) \gset
DO $$
DECLARE r record; bad text := ''; n int := 0; b record; seen int := 0;
BEGIN
    FOR b IN SELECT build_id, mode, rows_changed FROM etl.build_run
             ORDER BY build_id DESC LIMIT current_setting('olapcheck.builds')::int LOOP
        seen := seen + 1;
        n := 0;
        FOR r IN SELECT check_name, passed, detail FROM etl.dq_result WHERE build_id = b.build_id ORDER BY check_name LOOP
            n := n + 1;
            IF NOT r.passed THEN bad := bad || E'\n  ' || r.check_name || ': ' || r.detail; END IF;
        END LOOP;
        IF n < 20 THEN RAISE EXCEPTION 'build %: only % DQ results', b.build_id, n; END IF;
        IF bad <> '' THEN RAISE EXCEPTION 'build %: DQ checks failed:%', b.build_id, bad; END IF;
        RAISE INFO 'build % (%): % DQ checks passed; rows changed %', b.build_id, b.mode, n, b.rows_changed::text;
    END LOOP;
    IF seen < current_setting('olapcheck.builds')::int THEN
        RAISE EXCEPTION 'expected % recorded builds, found %', current_setting('olapcheck.builds'), seen;
    END IF;
END $$;
SQL
}

# run_build DB MODE BUILD_TIME BATCHES [CHECK_SQL...]: build, then assert DQ.
run_build() {
    local db=$1
    local script="$WORK/build-$RANDOM$RANDOM.sql"
    write_build "$1" "$2" "$3" "$4" "$script" "${@:5}"
    q "$db" -o "$script.out" -f "$script"
    assert_dq "$db"
}

# --------------------------------------------------------------------------
# The dw tables with surrogate keys replaced by the natural keys they stand
# for: two warehouses are "the same" when these agree row for row.
PROJECTIONS=(dim_date dim_customer dim_employee dim_track dim_playlist bridge_playlist_track fact_sales fact_invoice_summary)
projection() {
    case $1 in
    dim_date) echo "SELECT * FROM dw.dim_date" ;;
    dim_customer) echo "SELECT customer_id, version_no, first_name, last_name, full_name, company, address, city, state, country, postal_code, phone, fax, email, support_rep_id, attr_hash, valid_from, valid_to, is_current FROM dw.dim_customer" ;;
    dim_employee) echo "SELECT employee_id, first_name, last_name, full_name, title, manager_employee_id, manager_full_name, manager_title, birth_date, hire_date, address, city, state, country, postal_code, phone, fax, email FROM dw.dim_employee" ;;
    dim_track) echo "SELECT track_id, track_name, album_id, album_title, artist_id, artist_name, genre_id, genre_name, media_type_id, media_type_name, composer, milliseconds, bytes, unit_price FROM dw.dim_track" ;;
    dim_playlist) echo "SELECT playlist_id, playlist_name FROM dw.dim_playlist" ;;
    bridge_playlist_track) echo "SELECT p.playlist_id, t.track_id FROM dw.bridge_playlist_track b LEFT JOIN dw.dim_playlist p USING (playlist_key) LEFT JOIN dw.dim_track t USING (track_key)" ;;
    fact_sales) echo "SELECT f.invoice_line_id, f.invoice_id, f.date_key, c.customer_id, c.version_no, t.track_id, e.employee_id, f.quantity, f.unit_price, f.amount FROM dw.fact_sales f LEFT JOIN dw.dim_customer c USING (customer_key) LEFT JOIN dw.dim_track t USING (track_key) LEFT JOIN dw.dim_employee e USING (employee_key)" ;;
    fact_invoice_summary) echo "SELECT f.invoice_id, f.date_key, c.customer_id, c.version_no, e.employee_id, f.billing_address, f.billing_city, f.billing_state, f.billing_country, f.billing_postal_code, f.line_count, f.quantity, f.invoice_total FROM dw.fact_invoice_summary f LEFT JOIN dw.dim_customer c USING (customer_key) LEFT JOIN dw.dim_employee e USING (employee_key)" ;;
    esac
}

# dump_dw DB FILE: the sorted projections (and the analytics views) as text.
dump_dw() {
    local db=$1 out=$2 t v
    : >"$out"
    for t in "${PROJECTIONS[@]}"; do
        echo "## $t" >>"$out"
        q "$db" -At -c "SELECT x::text FROM ($(projection "$t")) x ORDER BY 1" >>"$out"
    done
    for v in $(q "$db" -At -c "SELECT table_name FROM information_schema.views WHERE table_schema = 'analytics' ORDER BY 1"); do
        echo "## analytics.$v" >>"$out"
        q "$db" -At -c "SELECT x::text FROM analytics.$v x ORDER BY 1" >>"$out"
    done
}

same_dw() {
    local a=$1 b=$2
    dump_dw "$a" "$WORK/dump-$a.txt"
    dump_dw "$b" "$WORK/dump-$b.txt"
    if ! diff -u "$WORK/dump-$a.txt" "$WORK/dump-$b.txt" >"$WORK/diff-$a-$b.txt"; then
        head -n 40 "$WORK/diff-$a-$b.txt"
        echo "dw / analytics of $a and $b differ (full diff: $WORK/diff-$a-$b.txt)"
        return 1
    fi
    echo "INFO:  $(grep -vc '^##' "$WORK/dump-$a.txt") rows identical in $a and $b (dw projections + analytics views)"
}

# --------------------------------------------------------------------------
# SQL assertions. assert_same(label, a, b): the two queries return the same
# multiset of rows (EXCEPT ALL both ways).
cat >"$WORK/assert.sql" <<'SQL'
CREATE OR REPLACE FUNCTION pg_temp.assert_same(label text, a text, b text) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE only_a bigint; only_b bigint; n bigint; sample text;
BEGIN
    EXECUTE format('SELECT count(*) FROM ((%s) EXCEPT ALL (%s)) x', a, b) INTO only_a;
    EXECUTE format('SELECT count(*) FROM ((%s) EXCEPT ALL (%s)) x', b, a) INTO only_b;
    EXECUTE format('SELECT count(*) FROM (%s) x', a) INTO n;
    IF only_a <> 0 OR only_b <> 0 THEN
        EXECUTE format('SELECT string_agg(x::text, E''\n    '') FROM (SELECT * FROM ((%s) EXCEPT ALL (%s)) y LIMIT 5) x', a, b) INTO sample;
        RAISE EXCEPTION '%: % rows only in the first query, % only in the second; e.g.%',
            label, only_a, only_b, E'\n    ' || coalesce(sample, '(none)');
    END IF;
    IF n = 0 THEN RAISE EXCEPTION '%: no rows to compare', label; END IF;
    RAISE INFO '% agrees (% rows)', label, n;
END $fn$;
CREATE OR REPLACE FUNCTION pg_temp.assert_eq(label text, got anyelement, want anyelement) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
    IF got IS DISTINCT FROM want THEN
        RAISE EXCEPTION '%: got %, want %', label, got, want;
    END IF;
END $fn$;
SQL

# Analytics views against the same questions answered straight from chinook.*
# (OLTP and OLAP in one database). $1 = 'with_employee' to include the
# employee check (valid while no support rep has changed).
write_analytics_vs_oltp() {
    local employee=$1
    cat <<'SQL'
\i @ASSERT@
SELECT pg_temp.assert_same('sales_overview',
  $q$SELECT total_revenue, invoice_count, line_count, quantity, customer_count, customers_with_purchases, first_invoice_date, last_invoice_date FROM analytics.sales_overview$q$,
  $q$SELECT (SELECT sum(total) FROM chinook.invoice)::numeric(12,2), (SELECT count(*) FROM chinook.invoice), (SELECT count(*) FROM chinook.invoice_line),
            (SELECT sum(quantity) FROM chinook.invoice_line)::bigint, (SELECT count(*) FROM chinook.customer),
            (SELECT count(DISTINCT customer_id) FROM chinook.invoice), (SELECT min(invoice_date)::date FROM chinook.invoice), (SELECT max(invoice_date)::date FROM chinook.invoice)$q$);
SELECT pg_temp.assert_same('revenue_by_day (days with sales)',
  $q$SELECT full_date, invoice_count, quantity, revenue FROM analytics.revenue_by_day WHERE invoice_count > 0$q$,
  $q$SELECT i.invoice_date::date, count(*), sum((SELECT sum(quantity) FROM chinook.invoice_line l WHERE l.invoice_id = i.invoice_id))::bigint, sum(total)::numeric(12,2)
     FROM chinook.invoice i GROUP BY 1$q$);
SELECT pg_temp.assert_same('revenue_by_day (dense: days without sales are 0, whole years)',
  $q$SELECT count(*), sum(revenue), min(full_date), max(full_date) FROM analytics.revenue_by_day$q$,
  $q$SELECT (make_date(max(extract(year FROM invoice_date))::int, 12, 31) - make_date(min(extract(year FROM invoice_date))::int, 1, 1) + 1)::bigint,
            sum(total)::numeric(12,2), make_date(min(extract(year FROM invoice_date))::int, 1, 1), make_date(max(extract(year FROM invoice_date))::int, 12, 31)
     FROM chinook.invoice$q$);
SELECT pg_temp.assert_same('revenue_by_month',
  $q$SELECT year, month, invoice_count, customer_count, revenue FROM analytics.revenue_by_month WHERE invoice_count > 0$q$,
  $q$SELECT extract(year FROM invoice_date)::smallint, extract(month FROM invoice_date)::smallint, count(*), count(DISTINCT customer_id), sum(total)::numeric(12,2)
     FROM chinook.invoice GROUP BY 1, 2$q$);
SELECT pg_temp.assert_same('revenue_by_month year-to-date',
  $q$SELECT year, max(revenue_year_to_date) FROM analytics.revenue_by_month GROUP BY year HAVING sum(invoice_count) > 0$q$,
  $q$SELECT extract(year FROM invoice_date)::smallint, sum(total)::numeric(12,2) FROM chinook.invoice GROUP BY 1$q$);
SELECT pg_temp.assert_same('revenue_by_year',
  $q$SELECT year, invoice_count, customer_count, revenue FROM analytics.revenue_by_year WHERE invoice_count > 0$q$,
  $q$SELECT extract(year FROM invoice_date)::smallint, count(*), count(DISTINCT customer_id), sum(total)::numeric(12,2) FROM chinook.invoice GROUP BY 1$q$);
SELECT pg_temp.assert_same('top_tracks',
  $q$SELECT quantity_rank, track_id, track_name, album_title, artist_name, genre_name, quantity, revenue, invoice_count FROM analytics.top_tracks$q$,
  $q$SELECT row_number() OVER (ORDER BY sum(l.quantity) DESC, sum(l.quantity * l.unit_price) DESC, t.track_id), t.track_id, t.name, al.title, ar.name, g.name,
            sum(l.quantity)::bigint, sum(l.quantity * l.unit_price)::numeric(12,2), count(DISTINCT l.invoice_id)
     FROM chinook.invoice_line l JOIN chinook.track t USING (track_id) LEFT JOIN chinook.album al USING (album_id)
     LEFT JOIN chinook.artist ar ON ar.artist_id = al.artist_id LEFT JOIN chinook.genre g ON g.genre_id = t.genre_id
     GROUP BY t.track_id, t.name, al.title, ar.name, g.name$q$);
SELECT pg_temp.assert_same('top_albums',
  $q$SELECT revenue_rank, album_id, album_title, artist_name, quantity, revenue FROM analytics.top_albums$q$,
  $q$SELECT row_number() OVER (ORDER BY sum(l.quantity * l.unit_price) DESC, sum(l.quantity) DESC, al.album_id), al.album_id, al.title, ar.name,
            sum(l.quantity)::bigint, sum(l.quantity * l.unit_price)::numeric(12,2)
     FROM chinook.invoice_line l JOIN chinook.track t USING (track_id) JOIN chinook.album al USING (album_id) JOIN chinook.artist ar ON ar.artist_id = al.artist_id
     GROUP BY al.album_id, al.title, ar.name$q$);
SELECT pg_temp.assert_same('top_artists',
  $q$SELECT revenue_rank, artist_id, artist_name, album_count, quantity, revenue FROM analytics.top_artists$q$,
  $q$SELECT row_number() OVER (ORDER BY sum(l.quantity * l.unit_price) DESC, sum(l.quantity) DESC, ar.artist_id), ar.artist_id, ar.name,
            count(DISTINCT al.album_id), sum(l.quantity)::bigint, sum(l.quantity * l.unit_price)::numeric(12,2)
     FROM chinook.invoice_line l JOIN chinook.track t USING (track_id) JOIN chinook.album al USING (album_id) JOIN chinook.artist ar ON ar.artist_id = al.artist_id
     GROUP BY ar.artist_id, ar.name$q$);
SELECT pg_temp.assert_same('top_genres',
  $q$SELECT revenue_rank, genre_id, genre_name, quantity, revenue, revenue_share_pct FROM analytics.top_genres$q$,
  $q$SELECT row_number() OVER (ORDER BY sum(l.quantity * l.unit_price) DESC, sum(l.quantity) DESC, g.genre_id), g.genre_id, g.name,
            sum(l.quantity)::bigint, sum(l.quantity * l.unit_price)::numeric(12,2),
            round(100 * sum(l.quantity * l.unit_price) / sum(sum(l.quantity * l.unit_price)) OVER (), 2)
     FROM chinook.invoice_line l JOIN chinook.track t USING (track_id) JOIN chinook.genre g USING (genre_id)
     GROUP BY g.genre_id, g.name$q$);
SELECT pg_temp.assert_same('revenue_by_country',
  $q$SELECT revenue_rank, country, customer_count, invoice_count, revenue, avg_invoice_value FROM analytics.revenue_by_country$q$,
  $q$SELECT row_number() OVER (ORDER BY sum(total) DESC, billing_country), billing_country, count(DISTINCT customer_id), count(*),
            sum(total)::numeric(12,2), round(sum(total) / count(*), 2)
     FROM chinook.invoice GROUP BY billing_country$q$);
SELECT pg_temp.assert_same('customer_lifetime_value',
  $q$SELECT ltv_rank, customer_id, full_name, country, first_purchase_date, last_purchase_date, invoice_count, lifetime_value FROM analytics.customer_lifetime_value$q$,
  $q$SELECT row_number() OVER (ORDER BY coalesce(sum(i.total), 0) DESC, c.customer_id), c.customer_id, c.first_name || ' ' || c.last_name, c.country,
            min(i.invoice_date)::date, max(i.invoice_date)::date, count(i.invoice_id), coalesce(sum(i.total), 0)::numeric(12,2)
     FROM chinook.customer c LEFT JOIN chinook.invoice i USING (customer_id)
     GROUP BY c.customer_id$q$);
SELECT pg_temp.assert_same('customer_rfm',
  $q$SELECT customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, segment FROM analytics.customer_rfm WHERE frequency > 0$q$,
  $q$WITH b AS (SELECT customer_id, max(invoice_date)::date AS last, count(*) AS freq, sum(total) AS mon FROM chinook.invoice GROUP BY customer_id),
     s AS (SELECT b.*, (SELECT max(invoice_date)::date FROM chinook.invoice) - last AS rec,
                  ceil(5 * cume_dist() OVER (ORDER BY last))::int AS r, ceil(5 * cume_dist() OVER (ORDER BY freq))::int AS f,
                  ceil(5 * cume_dist() OVER (ORDER BY mon))::int AS m FROM b)
     SELECT customer_id, rec, freq, mon::numeric(12,2), r, f, m,
            CASE WHEN r >= 4 AND f >= 4 AND m >= 4 THEN 'Champions' WHEN r >= 3 AND f >= 3 THEN 'Loyal' WHEN r >= 4 THEN 'Promising'
                 WHEN r <= 2 AND m >= 4 THEN 'Cannot lose them' WHEN r <= 2 AND f >= 3 THEN 'At risk' WHEN r <= 2 THEN 'Hibernating'
                 ELSE 'Needs attention' END
     FROM s$q$);
SELECT pg_temp.assert_same('retention_cohorts (non-zero cells)',
  $q$SELECT cohort_month, cohort_size, months_since_first, active_customers FROM analytics.retention_cohorts WHERE active_customers > 0$q$,
  $q$WITH a AS (SELECT DISTINCT customer_id, date_trunc('month', invoice_date)::date AS m FROM chinook.invoice),
          f AS (SELECT customer_id, min(m) AS cohort FROM a GROUP BY customer_id),
          sz AS (SELECT cohort, count(*) AS size FROM f GROUP BY cohort)
     SELECT f.cohort, sz.size, ((extract(year FROM a.m) - extract(year FROM f.cohort)) * 12 + extract(month FROM a.m) - extract(month FROM f.cohort))::int,
            count(*)
     FROM a JOIN f USING (customer_id) JOIN sz USING (cohort) GROUP BY 1, 2, 3$q$);
SELECT pg_temp.assert_same('retention_cohorts (dense triangle)',
  $q$SELECT count(*), sum(active_customers) FROM analytics.retention_cohorts$q$,
  $q$WITH f AS (SELECT customer_id, min(date_trunc('month', invoice_date)) AS cohort FROM chinook.invoice GROUP BY customer_id),
          lm AS (SELECT max(date_trunc('month', invoice_date)) AS m FROM chinook.invoice)
     SELECT sum(((extract(year FROM lm.m) - extract(year FROM c.cohort)) * 12 + extract(month FROM lm.m) - extract(month FROM c.cohort))::int + 1)::bigint,
            (SELECT count(*) FROM (SELECT DISTINCT customer_id, date_trunc('month', invoice_date) FROM chinook.invoice) x)::numeric
     FROM (SELECT DISTINCT cohort FROM f) c CROSS JOIN lm$q$);
SELECT pg_temp.assert_same('single_customer_view',
  $q$SELECT customer_id, full_name, city, country, email, support_rep_name, first_purchase_date, last_purchase_date, invoice_count, total_spend, favourite_genre FROM analytics.single_customer_view$q$,
  $q$WITH gs AS (SELECT i.customer_id, g.genre_id, g.name, sum(l.quantity) AS qty, sum(l.quantity * l.unit_price) AS rev
                 FROM chinook.invoice i JOIN chinook.invoice_line l USING (invoice_id) JOIN chinook.track t USING (track_id) LEFT JOIN chinook.genre g ON g.genre_id = t.genre_id
                 GROUP BY 1, 2, 3),
          fav AS (SELECT DISTINCT ON (customer_id) customer_id, name FROM gs ORDER BY customer_id, qty DESC, rev DESC, name, genre_id)
     SELECT c.customer_id, c.first_name || ' ' || c.last_name, c.city, c.country, c.email, e.first_name || ' ' || e.last_name,
            (SELECT min(invoice_date)::date FROM chinook.invoice i WHERE i.customer_id = c.customer_id),
            (SELECT max(invoice_date)::date FROM chinook.invoice i WHERE i.customer_id = c.customer_id),
            (SELECT count(*) FROM chinook.invoice i WHERE i.customer_id = c.customer_id),
            (SELECT coalesce(sum(total), 0) FROM chinook.invoice i WHERE i.customer_id = c.customer_id)::numeric(12,2),
            fav.name
     FROM chinook.customer c LEFT JOIN chinook.employee e ON e.employee_id = c.support_rep_id LEFT JOIN fav USING (customer_id)$q$);
SQL
    if [[ $employee == with_employee ]]; then cat <<'SQL'
SELECT pg_temp.assert_same('employee_performance',
  $q$SELECT revenue_rank, employee_id, full_name, title, manager_full_name, current_customers, invoice_count, revenue FROM analytics.employee_performance$q$,
  $q$SELECT row_number() OVER (ORDER BY coalesce(sum(i.total), 0) DESC, e.employee_id), e.employee_id, e.first_name || ' ' || e.last_name, e.title,
            m.first_name || ' ' || m.last_name,
            (SELECT count(*) FROM chinook.customer c2 WHERE c2.support_rep_id = e.employee_id),
            count(i.invoice_id), coalesce(sum(i.total), 0)::numeric(12,2)
     FROM chinook.employee e LEFT JOIN chinook.employee m ON m.employee_id = e.reports_to
     LEFT JOIN chinook.customer c ON c.support_rep_id = e.employee_id LEFT JOIN chinook.invoice i ON i.customer_id = c.customer_id
     GROUP BY e.employee_id, m.employee_id$q$);
SQL
    fi
}

# --------------------------------------------------------------------------
# Phase checks (run inside the build transaction or after it).

cat >"$WORK/phase1_inside.sql" <<'SQL'
\i @ASSERT@
-- The first build consumed batch 1: every table changed.
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT table_name, sum(rows_changed) AS n FROM build_counts GROUP BY 1 ORDER BY 1 LOOP
        RAISE INFO 'build_counts %: %', r.table_name, r.n;
    END LOOP;
    PERFORM pg_temp.assert_eq('build_counts dw.fact_sales', (SELECT sum(rows_changed) FROM build_counts WHERE table_name = 'dw.fact_sales'), 2240::numeric);
    PERFORM pg_temp.assert_eq('build_counts dw.fact_invoice_summary', (SELECT sum(rows_changed) FROM build_counts WHERE table_name = 'dw.fact_invoice_summary'), 412::numeric);
    PERFORM pg_temp.assert_eq('build_counts dw.dim_customer', (SELECT sum(rows_changed) FROM build_counts WHERE table_name = 'dw.dim_customer'), 59::numeric);
    PERFORM pg_temp.assert_eq('build_counts mirror.playlist_track', (SELECT sum(rows_changed) FROM build_counts WHERE table_name = 'mirror.playlist_track'), 8715::numeric);
END $$;
SQL

cat >"$WORK/phase1_after.sql" <<'SQL'
\i @ASSERT@
DO $$
BEGIN
    PERFORM pg_temp.assert_eq('total revenue', (SELECT total_revenue FROM analytics.sales_overview), 2328.60::numeric(12,2));
    PERFORM pg_temp.assert_eq('revenue 2021', (SELECT revenue FROM analytics.revenue_by_year WHERE year = 2021), 449.46::numeric(12,2));
    PERFORM pg_temp.assert_eq('revenue USA', (SELECT revenue FROM analytics.revenue_by_country WHERE country = 'USA'), 523.06::numeric(12,2));
    PERFORM pg_temp.assert_eq('USA is the top country', (SELECT country FROM analytics.revenue_by_country WHERE revenue_rank = 1), 'USA'::text);
    PERFORM pg_temp.assert_eq('genre Rock', (SELECT revenue FROM analytics.top_genres WHERE genre_name = 'Rock'), 826.65::numeric(12,2));
    PERFORM pg_temp.assert_eq('Rock is the top genre', (SELECT genre_name FROM analytics.top_genres WHERE revenue_rank = 1), 'Rock'::text);
    PERFORM pg_temp.assert_eq('genres with sales', (SELECT count(*) FROM analytics.top_genres), 24::bigint);
    PERFORM pg_temp.assert_eq('artist Iron Maiden', (SELECT revenue FROM analytics.top_artists WHERE artist_name = 'Iron Maiden'), 138.60::numeric(12,2));
    PERFORM pg_temp.assert_eq('Iron Maiden is the top artist', (SELECT artist_name FROM analytics.top_artists WHERE revenue_rank = 1), 'Iron Maiden'::text);
    PERFORM pg_temp.assert_eq('employee Jane Peacock', (SELECT revenue FROM analytics.employee_performance WHERE full_name = 'Jane Peacock'), 833.04::numeric(12,2));
    PERFORM pg_temp.assert_eq('Jane Peacock ranks first', (SELECT full_name FROM analytics.employee_performance WHERE revenue_rank = 1), 'Jane Peacock'::text);
    PERFORM pg_temp.assert_eq('customer 6 LTV', (SELECT lifetime_value FROM analytics.customer_lifetime_value WHERE customer_id = 6), 49.62::numeric(12,2));
    PERFORM pg_temp.assert_eq('customer 6 name', (SELECT full_name FROM analytics.customer_lifetime_value WHERE customer_id = 6), 'Helena Holý'::text);
    PERFORM pg_temp.assert_eq('customer 6 ranks first by LTV', (SELECT customer_id FROM analytics.customer_lifetime_value WHERE ltv_rank = 1), 6);
    PERFORM pg_temp.assert_eq('customers in dim_customer', (SELECT count(*) FROM dw.dim_customer), 59::bigint);
    -- 256 tracks sold twice; ties go to revenue (1.99 video tracks), then track_id.
    PERFORM pg_temp.assert_eq('top track', (SELECT track_id FROM analytics.top_tracks WHERE quantity_rank = 1), 2832);
    PERFORM pg_temp.assert_eq('top track quantity', (SELECT quantity FROM analytics.top_tracks WHERE quantity_rank = 1), 2::bigint);
    PERFORM pg_temp.assert_eq('single customer view rows', (SELECT count(*) FROM analytics.single_customer_view), 59::bigint);
    PERFORM pg_temp.assert_eq('fact_sales rows', (SELECT count(*) FROM dw.fact_sales), 2240::bigint);
    PERFORM pg_temp.assert_eq('dim_date covers 2021-2025', (SELECT count(*) FROM dw.dim_date), 1826::bigint);
    RAISE INFO 'issue numbers: total 2328.60, 2021 449.46, USA 523.06, Rock 826.65, Iron Maiden 138.60, Jane Peacock 833.04, Helena Holý 49.62, 59 customers';
END $$;
SQL

# Batch 2 in the OLTP: customer 6 moves to another city; two new invoices
# (dated after the build time) with lines for that customer.
cat >"$WORK/batch2.sql" <<'SQL'
BEGIN;
UPDATE chinook.customer SET city = 'Brno', load_batch_id = 2 WHERE customer_id = 6;
INSERT INTO chinook.invoice VALUES
    (413, 6, '2030-01-01', 'Rilská 3174/6', 'Brno', NULL, 'Czech Republic', '14300', 2.98, 2),
    (414, 6, '2030-02-01', 'Rilská 3174/6', 'Brno', NULL, 'Czech Republic', '14300', 3.97, 2);
INSERT INTO chinook.invoice_line VALUES
    (2241, 413, 1, 0.99, 1, 2), (2242, 413, 2, 1.99, 1, 2),
    (2243, 414, 3, 0.99, 2, 2), (2244, 414, 4, 1.99, 1, 2);
COMMIT;
SQL

cat >"$WORK/phase2_inside.sql" <<'SQL'
\i @ASSERT@
DO $$
BEGIN
    PERFORM pg_temp.assert_eq('phase 2 ' || t, (SELECT coalesce(sum(rows_changed), 0) FROM build_counts WHERE table_name = t), n::numeric)
    FROM (VALUES ('mirror.customer', 1), ('mirror.customer_version', 1), ('mirror.invoice', 2), ('mirror.invoice_line', 4),
                 ('mirror.track', 0), ('dw.dim_customer', 2), ('dw.dim_track', 0), ('dw.dim_date', 1826),
                 ('dw.fact_sales', 4), ('dw.fact_invoice_summary', 2)) v(t, n);
    PERFORM pg_temp.assert_eq('phase 2 affected invoices', (SELECT count(*) FROM affected_invoice), 2::bigint);
END $$;
SQL

cat >"$WORK/phase2_after.sql" <<'SQL'
\i @ASSERT@
DO $$
DECLARE v1 bigint; v2 bigint;
BEGIN
    PERFORM pg_temp.assert_eq('customer 6 versions', (SELECT count(*) FROM dw.dim_customer WHERE customer_id = 6), 2::bigint);
    SELECT customer_key INTO v1 FROM dw.dim_customer WHERE customer_id = 6 AND version_no = 1;
    SELECT customer_key INTO v2 FROM dw.dim_customer WHERE customer_id = 6 AND version_no = 2;
    PERFORM pg_temp.assert_eq('version 1 city', (SELECT city FROM dw.dim_customer WHERE customer_key = v1), 'Prague'::text);
    PERFORM pg_temp.assert_eq('version 1 valid_from', (SELECT valid_from FROM dw.dim_customer WHERE customer_key = v1), '-infinity'::timestamptz);
    PERFORM pg_temp.assert_eq('version 1 valid_to', (SELECT valid_to FROM dw.dim_customer WHERE customer_key = v1), '2026-06-01 00:00:00+00'::timestamptz);
    PERFORM pg_temp.assert_eq('version 1 not current', (SELECT is_current FROM dw.dim_customer WHERE customer_key = v1), false);
    PERFORM pg_temp.assert_eq('version 2 city', (SELECT city FROM dw.dim_customer WHERE customer_key = v2), 'Brno'::text);
    PERFORM pg_temp.assert_eq('version 2 valid_from', (SELECT valid_from FROM dw.dim_customer WHERE customer_key = v2), '2026-06-01 00:00:00+00'::timestamptz);
    PERFORM pg_temp.assert_eq('version 2 valid_to', (SELECT valid_to FROM dw.dim_customer WHERE customer_key = v2), 'infinity'::timestamptz);
    PERFORM pg_temp.assert_eq('version 2 current', (SELECT is_current FROM dw.dim_customer WHERE customer_key = v2), true);
    PERFORM pg_temp.assert_eq('old facts on version 1',
        (SELECT count(*) FROM dw.fact_sales WHERE customer_key = v1),
        (SELECT count(*) FROM chinook.invoice_line l JOIN chinook.invoice i USING (invoice_id) WHERE i.customer_id = 6 AND i.invoice_id <= 412));
    PERFORM pg_temp.assert_eq('new facts on version 2', (SELECT array_agg(invoice_line_id ORDER BY invoice_line_id) FROM dw.fact_sales WHERE customer_key = v2), '{2241,2242,2243,2244}'::int[]);
    PERFORM pg_temp.assert_eq('new invoices on version 2', (SELECT array_agg(invoice_id ORDER BY invoice_id) FROM dw.fact_invoice_summary WHERE customer_key = v2), '{413,414}'::int[]);
    PERFORM pg_temp.assert_eq('old invoices on version 1', (SELECT count(*) FROM dw.fact_invoice_summary WHERE customer_key = v1), 7::bigint);
    PERFORM pg_temp.assert_eq('customer 6 LTV after phase 2', (SELECT lifetime_value FROM analytics.customer_lifetime_value WHERE customer_id = 6), 56.57::numeric(12,2));
    PERFORM pg_temp.assert_eq('dim_date extended to whole 2030', (SELECT max(full_date) FROM dw.dim_date), '2030-12-31'::date);
    PERFORM pg_temp.assert_eq('dim_date contiguous', (SELECT count(*) FROM dw.dim_date), ('2030-12-31'::date - '2021-01-01'::date + 1)::bigint);
    RAISE INFO 'customer 6: version 1 (Prague) keeps the old facts, version 2 (Brno, from 2026-06-01) has invoices 413 and 414';
END $$;
SQL

# Batch 3: assorted changes that must propagate (type 1 through the
# denormalized dims, SCD2 with an invoice before and after the change, a line
# moving between invoices, a new playlist).
cat >"$WORK/batch3.sql" <<'SQL'
BEGIN;
UPDATE chinook.artist SET name = 'Iron Maiden (UK)', load_batch_id = 3 WHERE artist_id = 90;
UPDATE chinook.genre SET name = 'Rock & Roll', load_batch_id = 3 WHERE genre_id = 5;
UPDATE chinook.employee SET title = 'Senior Sales Support Agent', load_batch_id = 3 WHERE employee_id = 3;
UPDATE chinook.employee SET last_name = 'Edwards-Smith', load_batch_id = 3 WHERE employee_id = 2;
INSERT INTO chinook.playlist VALUES (19, 'New, "quoted" playlist', 3);
INSERT INTO chinook.playlist_track VALUES (19, 1, 3), (19, 2, 3), (2, 5, 3);
-- type 1 only: no new version
UPDATE chinook.customer SET email = 'helena.holy@example.cz', load_batch_id = 3 WHERE customer_id = 6;
-- type 2: support rep 4 -> 5; one invoice before the build time, one after
UPDATE chinook.customer SET support_rep_id = 5, load_batch_id = 3 WHERE customer_id = 10;
INSERT INTO chinook.invoice VALUES
    (415, 10, '2026-03-01', 'Rua Dr. Falcão Filho, 155', 'São Paulo', 'SP', 'Brazil', '01007-010', 0.99, 3),
    (416, 10, '2031-05-05', 'Rua Dr. Falcão Filho, 155', 'São Paulo', 'SP', 'Brazil', '01007-010', 1.98, 3);
INSERT INTO chinook.invoice_line VALUES (2245, 415, 10, 0.99, 1, 3), (2246, 416, 11, 0.99, 2, 3);
-- line 2 moves from invoice 1 to invoice 2 (totals follow)
UPDATE chinook.invoice_line SET invoice_id = 2, load_batch_id = 3 WHERE invoice_line_id = 2;
UPDATE chinook.invoice SET total = total - 0.99, load_batch_id = 3 WHERE invoice_id = 1;
UPDATE chinook.invoice SET total = total + 0.99, load_batch_id = 3 WHERE invoice_id = 2;
COMMIT;
SQL

cat >"$WORK/phase3_after.sql" <<'SQL'
\i @ASSERT@
DO $$
BEGIN
    PERFORM pg_temp.assert_eq('artist rename reached dim_track', (SELECT count(*) FROM dw.dim_track WHERE artist_name = 'Iron Maiden (UK)'),
        (SELECT count(*) FROM chinook.track t JOIN chinook.album a USING (album_id) WHERE a.artist_id = 90));
    PERFORM pg_temp.assert_eq('genre rename reached dim_track', (SELECT count(*) FROM dw.dim_track WHERE genre_name = 'Rock & Roll'),
        (SELECT count(*) FROM chinook.track WHERE genre_id = 5));
    PERFORM pg_temp.assert_eq('manager rename reached the reports', (SELECT count(*) FROM dw.dim_employee WHERE manager_full_name = 'Nancy Edwards-Smith'), 3::bigint);
    PERFORM pg_temp.assert_eq('customer 6 still 2 versions', (SELECT count(*) FROM dw.dim_customer WHERE customer_id = 6), 2::bigint);
    PERFORM pg_temp.assert_eq('type-1 email on all versions', (SELECT count(*) FROM dw.dim_customer WHERE customer_id = 6 AND email = 'helena.holy@example.cz'), 2::bigint);
    PERFORM pg_temp.assert_eq('customer 10 versions', (SELECT count(*) FROM dw.dim_customer WHERE customer_id = 10), 2::bigint);
    PERFORM pg_temp.assert_eq('invoice 415 (before the change) credits rep 4',
        (SELECT e.employee_id FROM dw.fact_invoice_summary f JOIN dw.dim_employee e USING (employee_key) WHERE invoice_id = 415), 4);
    PERFORM pg_temp.assert_eq('invoice 416 (after the change) credits rep 5',
        (SELECT e.employee_id FROM dw.fact_invoice_summary f JOIN dw.dim_employee e USING (employee_key) WHERE invoice_id = 416), 5);
    PERFORM pg_temp.assert_eq('old invoices of customer 10 still credit rep 4',
        (SELECT count(*) FROM dw.fact_invoice_summary f JOIN dw.dim_employee e USING (employee_key) JOIN dw.dim_customer c USING (customer_key)
         WHERE c.customer_id = 10 AND e.employee_id = 4), 8::bigint);
    PERFORM pg_temp.assert_eq('invoice 415 on version 1', (SELECT c.version_no FROM dw.fact_sales f JOIN dw.dim_customer c USING (customer_key) WHERE invoice_line_id = 2245), 1);
    PERFORM pg_temp.assert_eq('invoice 416 on version 2', (SELECT c.version_no FROM dw.fact_sales f JOIN dw.dim_customer c USING (customer_key) WHERE invoice_line_id = 2246), 2);
    PERFORM pg_temp.assert_eq('line 2 moved to invoice 2', (SELECT invoice_id FROM dw.fact_sales WHERE invoice_line_id = 2), 2);
    PERFORM pg_temp.assert_eq('invoice 1 line count', (SELECT line_count FROM dw.fact_invoice_summary WHERE invoice_id = 1), 1);
    PERFORM pg_temp.assert_eq('new playlist bridged', (SELECT count(*) FROM dw.bridge_playlist_track b JOIN dw.dim_playlist p USING (playlist_key) WHERE p.playlist_id = 19), 2::bigint);
    PERFORM pg_temp.assert_eq('total revenue after phase 3', (SELECT total_revenue FROM analytics.sales_overview), (SELECT sum(total) FROM chinook.invoice)::numeric(12,2));
    RAISE INFO 'phase 3: renames propagated, type-1 email on both versions, rep change splits invoices 415/416, line 2 moved';
END $$;
SQL

cat >"$WORK/empty_inside.sql" <<'SQL'
\i @ASSERT@
DO $$
DECLARE n bigint; bad text;
BEGIN
    SELECT count(*), string_agg(table_name || '=' || rows_changed, ', ') FILTER (WHERE rows_changed <> 0) INTO n, bad FROM build_counts;
    IF n < 15 THEN RAISE EXCEPTION 'expected a build_counts row per table, got %', n; END IF;
    IF bad IS NOT NULL THEN RAISE EXCEPTION 'empty build changed rows: %', bad; END IF;
    RAISE INFO 'empty build: % build_counts rows, all zero', n;
END $$;
SQL

# A DQ run over deliberately corrupted facts and dims (rolled back): the
# checks must catch each corruption, and only the expected checks fail.
cat >"$WORK/dq_negative.sql" <<'SQL'
\i @ASSERT@
BEGIN;
\i @ROOT@/sql/olap/build/setup.sql
INSERT INTO build_params (mode, dq_full) VALUES ('incremental', true);
CREATE TEMP TABLE affected_invoice_id (invoice_id integer) ON COMMIT DROP;
UPDATE dw.fact_sales SET amount = amount + 1 WHERE invoice_line_id = 10;
UPDATE dw.fact_sales SET track_key = -999 WHERE invoice_line_id = 20;
UPDATE dw.fact_sales SET customer_key = NULL WHERE invoice_line_id = 30;
DELETE FROM dw.fact_sales WHERE invoice_line_id = 40;
UPDATE dw.fact_invoice_summary SET invoice_total = invoice_total + 5 WHERE invoice_id = 50;
UPDATE dw.fact_invoice_summary s SET customer_key = c.customer_key
FROM dw.dim_customer c WHERE s.invoice_id = 60 AND c.customer_id = 1 AND c.is_current;
UPDATE dw.dim_customer SET valid_to = '2035-01-01' WHERE customer_id = 6 AND version_no = 1;
\i @ROOT@/sql/olap/build/90_record_build.sql
\o /dev/null
\i @ROOT@/sql/olap/build/95_dq.sql
\o
DO $$
DECLARE r record; got text; want text;
BEGIN
    FOR r IN SELECT check_name, detail FROM dq_check WHERE NOT passed ORDER BY 1 LOOP
        RAISE INFO 'caught %: %', r.check_name, r.detail;
    END LOOP;
    SELECT string_agg(check_name, ', ' ORDER BY check_name) INTO got FROM dq_check WHERE NOT passed;
    want := 'dim_customer.versions_contiguous, fact_invoice_summary.matches_fact_sales, '
         || 'fact_invoice_summary.total_equals_oltp_total, fact_invoice_summary.total_equals_sum_of_lines, '
         || 'fact_sales.customer_version_valid_at_invoice_date, fact_sales.keys_resolve, '
         || 'fact_sales.no_null_keys, row_count.fact_sales_vs_mirror_invoice_line';
    PERFORM pg_temp.assert_eq('failed DQ checks', got, want);
    PERFORM pg_temp.assert_eq('sum-of-lines names the invoices',
        (SELECT detail LIKE '3 invoices whose invoice_total differs%e.g. invoice 3, 8, 50 %' FROM dq_check
         WHERE check_name = 'fact_invoice_summary.total_equals_sum_of_lines'), true);
END $$;
ROLLBACK;
SQL

# Batch 4: a new customer with an invoice, a track rename.
cat >"$WORK/batch4.sql" <<'SQL'
BEGIN;
INSERT INTO chinook.customer VALUES
    (60, 'Zoë', 'Ångström', NULL, 'Storgatan 1', 'Göteborg', NULL, 'Sweden', '411 38', NULL, NULL, 'zoe@example.se', 3, 4);
INSERT INTO chinook.invoice VALUES (417, 60, '2027-02-02', 'Storgatan 1', 'Göteborg', NULL, 'Sweden', '411 38', 1.99, 4);
INSERT INTO chinook.invoice_line VALUES (2247, 417, 3500, 1.99, 1, 4);
UPDATE chinook.track SET name = name || ' (remastered)', load_batch_id = 4 WHERE track_id = 3500;
COMMIT;
SQL

# Inside the full rebuild: snapshot the incremental dw first (before
# full_reset) -- done by running the rebuild from a script that snapshots,
# so here only compare.
write_full_compare() {
    echo "\\i $WORK/assert.sql"
    local t
    for t in "${PROJECTIONS[@]}"; do
        echo "SELECT pg_temp.assert_same('full == incremental: $t', \$q\$SELECT * FROM olapcheck_inc.$t\$q\$, \$q\$$(projection "$t")\$q\$);"
    done
}
write_full_snapshot() {
    echo "CREATE SCHEMA olapcheck_inc;"
    local t
    for t in "${PROJECTIONS[@]}"; do
        echo "CREATE TABLE olapcheck_inc.$t AS $(projection "$t");"
    done
}

for f in "$WORK"/*.sql; do sed -i "s#@ASSERT@#$WORK/assert.sql#; s#@ROOT@#$ROOT#g" "$f"; done
write_analytics_vs_oltp with_employee | sed "s#@ASSERT@#$WORK/assert.sql#" >"$WORK/analytics_vs_oltp_emp.sql"
write_analytics_vs_oltp no_employee | sed "s#@ASSERT@#$WORK/assert.sql#" >"$WORK/analytics_vs_oltp.sql"
write_full_snapshot >"$WORK/full_snapshot.sql"
write_full_compare >"$WORK/full_compare.sql"

# two_builds_one_session DB: a full build and then an incremental build of
# batch 4 in ONE psql session (a cached connection in the Lambda): temp
# objects of the first build must not get in the way of the second.
two_builds_one_session() {
    local db=$1
    write_build "$db" full '2027-03-01 00:00:00+00' '' "$WORK/two-a.sql"
    write_build "$db" incremental '2027-03-02 00:00:00+00' 4 "$WORK/two-b.sql"
    cat "$WORK/two-a.sql" "$WORK/two-b.sql" >"$WORK/two.sql"
    q "$db" -o "$WORK/two.out" -f "$WORK/two.sql"
    assert_dq "$db" 2
}

# --------------------------------------------------------------------------
echo "olap-sql-check: server ${PGHOST:-default}:${PGPORT:-5432}, databases ${PREFIX}_*"

step "create databases, apply sql/oltp" create_databases
step "load the real Chinook CSVs (batch 1)" load_chinook
step "apply sql/olap + sql/analytics into the OLTP database (same-db case)" apply_olap_migrations "$DB_OLTP"
step "apply sql/olap + sql/analytics into a separate OLAP database" apply_olap_migrations "$DB_OLAP"

step "phase 1 build (same db): batch 1, DQ passes" run_build "$DB_OLTP" incremental '2026-01-01 00:00:00+00' 1 "$WORK/phase1_inside.sql"
step "phase 1 build (separate db): batch 1, DQ passes" run_build "$DB_OLAP" incremental '2026-01-01 00:00:00+00' 1 "$WORK/phase1_inside.sql"
step "phase 1: the issue's numbers" q "$DB_OLTP" -f "$WORK/phase1_after.sql"
step "phase 1: every analytics view agrees with chinook.*" q "$DB_OLTP" -f "$WORK/analytics_vs_oltp_emp.sql"
step "phase 1: same-db and separate-db warehouses identical" same_dw "$DB_OLTP" "$DB_OLAP"

step "batch 2 in OLTP: customer 6 moves, 2 new invoices" q "$DB_OLTP" -f "$WORK/batch2.sql"
step "phase 2 build (same db): build_counts as expected" run_build "$DB_OLTP" incremental '2026-06-01 00:00:00+00' 2 "$WORK/phase2_inside.sql"
step "phase 2 build (separate db)" run_build "$DB_OLAP" incremental '2026-06-01 00:00:00+00' 2 "$WORK/phase2_inside.sql"
step "phase 2: two versions of customer 6, facts on the right one" q "$DB_OLTP" -f "$WORK/phase2_after.sql"
step "phase 2: every analytics view agrees with chinook.*" q "$DB_OLTP" -f "$WORK/analytics_vs_oltp_emp.sql"

step "batch 3 in OLTP: renames, type-1 and type-2 changes, moved line" q "$DB_OLTP" -f "$WORK/batch3.sql"
step "phase 3 build (same db)" run_build "$DB_OLTP" incremental '2026-09-01 00:00:00+00' 3
step "phase 3 build (separate db)" run_build "$DB_OLAP" incremental '2026-09-01 00:00:00+00' 3
step "phase 3: changes propagated" q "$DB_OLTP" -f "$WORK/phase3_after.sql"
step "phase 3: analytics agree with chinook.* (employee view excepted: rep history)" q "$DB_OLTP" -f "$WORK/analytics_vs_oltp.sql"

step "phase 4 build with nothing new (same db): build_counts all zero" run_build "$DB_OLTP" incremental '2026-12-01 00:00:00+00' '' "$WORK/empty_inside.sql"
step "phase 4 build with nothing new (separate db): build_counts all zero" run_build "$DB_OLAP" incremental '2026-12-01 00:00:00+00' '' "$WORK/empty_inside.sql"
step "after 4 phases: same-db and separate-db warehouses identical" same_dw "$DB_OLTP" "$DB_OLAP"

step "copy the separate OLAP database for the full rebuild" q postgres -c "CREATE DATABASE $DB_FULL TEMPLATE $DB_OLAP"
step "snapshot the incremental dw (natural keys)" q "$DB_FULL" -f "$WORK/full_snapshot.sql"
step "full rebuild ({\"mode\":\"full\"}), DQ passes" run_build "$DB_FULL" full '2027-01-01 00:00:00+00' '' "$WORK/full_compare.sql"
step "full rebuild: analytics identical to the incremental warehouse" same_dw "$DB_OLAP" "$DB_FULL"
step "DQ catches corrupted facts and dims (rolled back)" q "$DB_FULL" -f "$WORK/dq_negative.sql"
step "snapshot the same-db incremental dw (natural keys)" q "$DB_OLTP" -f "$WORK/full_snapshot.sql"
step "full rebuild (same db) equals its incremental dw, DQ passes" run_build "$DB_OLTP" full '2027-01-01 00:00:00+00' '' "$WORK/full_compare.sql"
step "batch 4 in OLTP: a new customer and invoice, a track rename" q "$DB_OLTP" -f "$WORK/batch4.sql"
step "full then incremental build on ONE connection (separate db)" two_builds_one_session "$DB_FULL"
step "incremental batch 4 (same db)" run_build "$DB_OLTP" incremental '2027-03-02 00:00:00+00' 4
step "same-db and separate-db warehouses identical after batch 4" same_dw "$DB_OLTP" "$DB_FULL"
step "analytics agree with chinook.* after batch 4 (employee view excepted)" q "$DB_OLTP" -f "$WORK/analytics_vs_oltp.sql"
