#!/usr/bin/env bash
# `make invoke`: the real Lambda binaries under `cargo lambda watch`, against
# the local sandbox, end to end.
#
#  1. starts the sandbox (PostgreSQL with databases oltp and olap, an S3 server
#     with the bucket starlift-sandbox), which writes its environment to
#     $INVOKE_DIR/sandbox.env;
#  2. runs `cargo lambda watch --env-file $INVOKE_DIR/sandbox.env`;
#  3. uploads the files of data/ to the keys of the committed S3 put events
#     (events/s3-put-*.json; keys with spaces, `+`, `#` and non-ASCII);
#  4. invokes oltp-loader with each event, in file-name order (so children
#     arrive before their parents, as S3 allows), and star-builder with the
#     EventBridge Scheduler payload (events/scheduled.json), then with a
#     scheduled-rule event (events/scheduled-rule.json, nothing new to build);
#  5. checks with psql that every row arrived in OLTP and the star schema was
#     built in OLAP;
#  6. stops everything it started (also on failure or Ctrl-C).
#
# Environment: VENV (.venv: cargo-lambda, boto3), CARGO (cargo), DATA (data),
# INVOKE_DIR (target/invoke: env file, logs, responses), INVOKE_PORT (a free
# port), KEEP_RUNNING=1 (leave the sandbox and the watcher running at the end
# until Ctrl-C, to poke at them).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-.venv}
CARGO=${CARGO:-cargo}
DATA=${DATA:-data/chinook}
INVOKE_DIR=${INVOKE_DIR:-target/invoke}
ENV_FILE=$INVOKE_DIR/sandbox.env
PYTHON=$VENV/bin/python

say() { printf 'invoke: %s\n' "$*" >&2; }
die() { printf 'invoke: FAILED: %s\n' "$*" >&2; exit 1; }

# --- preflight --------------------------------------------------------------
[ -x "$VENV/bin/cargo-lambda" ] || die "$VENV/bin/cargo-lambda is missing; run make invoke-deps"
"$PYTHON" -c 'import boto3' 2>/dev/null || die "boto3 is missing in $VENV; run make invoke-deps"
command -v psql >/dev/null || die "psql is missing (postgresql-client)"
export PATH="$ROOT/$VENV/bin:$PATH"

shopt -s nullglob
put_events=(events/s3-put-*.json)
shopt -u nullglob
[ ${#put_events[@]} -gt 0 ] || die "no events/s3-put-*.json"
for event in events/scheduled.json events/scheduled-rule.json; do
    [ -f "$event" ] || die "$event is missing"
done
# Fail now, not after starting everything, when data/ no longer matches.
"$PYTHON" scripts/s3_events.py check --data "$DATA" "${put_events[@]}" >&2

mkdir -p "$INVOKE_DIR/responses"
rm -f "$ENV_FILE" "$INVOKE_DIR/lambda.env" "$INVOKE_DIR"/responses/*

sandbox_pid=""
watch_pid=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ "$status" -ne 0 ]; then
        for log in "$INVOKE_DIR/watch.log" "$INVOKE_DIR/sandbox.log"; do
            [ -s "$log" ] && { say "last lines of $log:"; tail -n 25 "$log" >&2; }
        done
    fi
    if [ -n "$watch_pid" ] && kill -0 "$watch_pid" 2>/dev/null; then
        say "stopping cargo lambda watch (process group $watch_pid)"
        kill -TERM -- "-$watch_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$watch_pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL -- "-$watch_pid" 2>/dev/null || true
    fi
    if [ -n "$sandbox_pid" ] && kill -0 "$sandbox_pid" 2>/dev/null; then
        say "stopping the sandbox (pid $sandbox_pid)"
        kill -TERM "$sandbox_pid" 2>/dev/null || true
        for _ in $(seq 150); do kill -0 "$sandbox_pid" 2>/dev/null || break; sleep 0.2; done
        kill -0 "$sandbox_pid" 2>/dev/null && { say "the sandbox did not stop; killing it"; kill -KILL "$sandbox_pid" 2>/dev/null || true; }
    fi
    wait 2>/dev/null || true
    rm -f "$INVOKE_DIR/lambda.env"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build first, so nothing compiles while the functions are invoked ----------
say "building the sandbox and both functions (debug)"
"$CARGO" build --locked --quiet -p starlift-sandbox --bin sandbox -p oltp-loader -p star-builder --bins

# --- 1. the sandbox ---------------------------------------------------------------
say "starting the sandbox"
# The binary just built, run as it is: `cargo run -p starlift-sandbox` alone
# would resolve other features than the build above and compile again, for
# longer than the wait below. It stops by itself when this script dies (it
# watches its parent).
target_dir=$("$CARGO" metadata --format-version 1 --no-deps --locked \
    | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
[ -x "$target_dir/debug/sandbox" ] || die "the sandbox binary is missing from $target_dir/debug"
"$target_dir/debug/sandbox" --env-file "$ENV_FILE" \
    >"$INVOKE_DIR/sandbox.log" 2>&1 </dev/null &
sandbox_pid=$!
for _ in $(seq 600); do
    grep -qx ready "$INVOKE_DIR/sandbox.log" 2>/dev/null && break
    kill -0 "$sandbox_pid" 2>/dev/null || die "the sandbox exited before it was ready"
    sleep 0.2
done
grep -qx ready "$INVOKE_DIR/sandbox.log" || die "the sandbox was not ready after 120 s"
[ -s "$ENV_FILE" ] || die "the sandbox wrote no $ENV_FILE"
env_value() { sed -n "s/^$1=//p" "$ENV_FILE"; }
OLTP_URL=$(env_value OLTP_DATABASE_URL)
OLAP_URL=$(env_value OLAP_DATABASE_URL)
say "sandbox ready: S3 $(env_value AWS_ENDPOINT_URL_S3), OLTP ${OLTP_URL%%\?*}, OLAP ${OLAP_URL%%\?*}"
# cargo-lambda's env-file parser rejects unquoted values with `?` or `=` (the
# database URLs' ?sslmode=disable): hand it the same variables single-quoted.
LAMBDA_ENV_FILE=$INVOKE_DIR/lambda.env
sed -E "s/^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/\1='\2'/" "$ENV_FILE" >"$LAMBDA_ENV_FILE"

# --- 2. cargo lambda watch ----------------------------------------------------
INVOKE_PORT=${INVOKE_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
say "starting cargo lambda watch on 127.0.0.1:$INVOKE_PORT"
# Its own process group (setsid), so that cleanup stops the function
# processes it runs too.
setsid "$CARGO" lambda watch --invoke-address 127.0.0.1 --invoke-port "$INVOKE_PORT" \
    --env-file "$LAMBDA_ENV_FILE" --ignore-changes >"$INVOKE_DIR/watch.log" 2>&1 </dev/null &
watch_pid=$!
for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$INVOKE_PORT") 2>/dev/null && break
    kill -0 "$watch_pid" 2>/dev/null || die "cargo lambda watch exited"
    sleep 0.2
done
(exec 3<>"/dev/tcp/127.0.0.1/$INVOKE_PORT") 2>/dev/null || die "cargo lambda watch is not listening on $INVOKE_PORT"

invoke() { # function event response-file
    if ! "$CARGO" lambda invoke "$1" --invoke-address 127.0.0.1 --invoke-port "$INVOKE_PORT" \
        --data-file "$2" --output-format json >"$3" 2>"$3.err"; then
        cat "$3" "$3.err" >&2
        die "cargo lambda invoke $1 --data-file $2"
    fi
}

# --- 3. upload ---------------------------------------------------------------------
say "uploading ${#put_events[@]} files from $DATA/ to the sandbox bucket"
"$PYTHON" scripts/s3_events.py upload --env-file "$ENV_FILE" --data "$DATA" "${put_events[@]}" >&2

# --- 4. invoke -----------------------------------------------------------------------
for event in "${put_events[@]}"; do
    response="$INVOKE_DIR/responses/oltp-loader-$(basename "$event")"
    invoke oltp-loader "$event" "$response"
    "$PYTHON" - "$event" "$response" <<'EOF' || die "oltp-loader did not load $event (response in $response)"
import json, sys
from urllib.parse import unquote_plus
event, response = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:])
want = [unquote_plus(r["s3"]["object"]["key"]) for r in event["Records"]]
loads = response.get("loads", [])
got = [l["key"] for l in loads]
ok = got == want and all(l["status"] == "loaded" and l["rows_rejected"] == 0 for l in loads)
for l in loads:
    print(f"  oltp-loader {l['status']:<7} {l.get('table') or '-':<14} read {l['rows_read']:>5} "
          f"inserted {l['rows_inserted']:>5} pending {l['rows_pending']:>5} resolved {l['rows_resolved']:>5}  {l['key']}",
          file=sys.stderr)
if not ok:
    print(f"  expected keys {want}, got {json.dumps(response)}", file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
done

check_build() { # response-file some|none (batches expected)
    "$PYTHON" - "$1" "$2" <<'EOF'
import json, sys
response = json.load(open(sys.argv[1], encoding="utf-8"))
status, batches, dq_failed = response.get("status"), response.get("batches_consumed"), response.get("dq_failed")
print(f"  star-builder {response.get('mode')} build {response.get('build_id')}: status {status}, "
      f"{batches} batches consumed, {dq_failed} failed DQ checks, {response.get('milliseconds')} ms",
      file=sys.stderr)
ok = status == "ok" and dq_failed == 0
ok = ok and (batches > 0 if sys.argv[2] == "some" else batches == 0)
if not ok:
    print("  " + json.dumps(response)[:2000], file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
}
response="$INVOKE_DIR/responses/star-builder-scheduled.json"
invoke star-builder events/scheduled.json "$response"
check_build "$response" some || die "star-builder (events/scheduled.json), response in $response"
response="$INVOKE_DIR/responses/star-builder-scheduled-rule.json"
invoke star-builder events/scheduled-rule.json "$response"
check_build "$response" none || die "star-builder (events/scheduled-rule.json), response in $response"

# --- 5. check the databases ------------------------------------------------------
q() { psql "$1" -X -A -t -q -v ON_ERROR_STOP=1 -c "$2"; }
failures=0
check() { # description actual expected
    if [ "$2" = "$3" ]; then
        say "ok   $1: $2"
    else
        say "FAIL $1: $2, expected $3"
        failures=$((failures + 1))
    fi
}
declare -A rows
while read -r table count; do rows[$table]=$count; done < <("$PYTHON" scripts/s3_events.py expect --data "$DATA")
for table in $(printf '%s\n' "${!rows[@]}" | sort); do
    check "OLTP chinook.$table rows" "$(q "$OLTP_URL" "SELECT count(*) FROM chinook.$table")" "${rows[$table]}"
done
check "OLTP loads with URL-decoded keys" \
    "$(q "$OLTP_URL" "SELECT count(*) FROM etl.load WHERE status = 'loaded' AND object_key LIKE 'incoming/%/% export 2026-01 (São Paulo) #1+final.csv'")" \
    "${#put_events[@]}"
check "OLTP pending rows left" "$(q "$OLTP_URL" "SELECT count(*) FROM etl.pending_row")" 0
check "OLAP mirror.invoice_line rows" "$(q "$OLAP_URL" "SELECT count(*) FROM mirror.invoice_line")" "${rows[invoice_line]}"
check "OLAP dw.fact_sales rows (one per invoice line)" "$(q "$OLAP_URL" "SELECT count(*) FROM dw.fact_sales")" "${rows[invoice_line]}"
check "OLAP dw.fact_invoice_summary rows (one per invoice)" "$(q "$OLAP_URL" "SELECT count(*) FROM dw.fact_invoice_summary")" "${rows[invoice]}"
check "OLAP dw.dim_track rows" "$(q "$OLAP_URL" "SELECT count(*) FROM dw.dim_track")" "${rows[track]}"
check "OLAP sales total = OLTP invoice total" \
    "$(q "$OLAP_URL" "SELECT sum(amount) FROM dw.fact_sales")" \
    "$(q "$OLTP_URL" "SELECT sum(unit_price * quantity) FROM chinook.invoice_line")"
check "OLAP build runs recorded" "$(q "$OLAP_URL" "SELECT count(*) > 0 FROM etl.build_run")" t
[ "$failures" -eq 0 ] || die "$failures database check(s) failed"

say "done: ${#put_events[@]} S3 events loaded by oltp-loader, the star schema built by star-builder (responses in $INVOKE_DIR/responses/)"
if [ "${KEEP_RUNNING:-0}" = 1 ]; then
    say "KEEP_RUNNING=1: the sandbox ($ENV_FILE) and cargo lambda watch (port $INVOKE_PORT) run until Ctrl-C"
    wait "$sandbox_pid" || true
fi
