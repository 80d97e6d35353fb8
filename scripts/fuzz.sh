#!/usr/bin/env bash
# `make fuzz`: runs each cargo-fuzz target (fuzz/) for FUZZ_SECONDS and
# fails if any crashed. Installs the nightly toolchain and cargo-fuzz first
# when missing. `make fuzz FUZZ_TARGETS=routing` runs only the ones named.
#
# Each run starts from the committed seeds (fuzz/corpus/<target>) and the
# inputs that once crashed (fuzz/regressions/<target>); what it discovers
# goes to target/fuzz/corpus/<target>, a crash to target/fuzz/artifacts/<target>/,
# so the repository stays clean.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${FUZZ_SECONDS:-60}"
targets="${FUZZ_TARGETS:-csv_records routing s3_event}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
work="$target_dir/fuzz"

if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

cd "$root/fuzz"
export CARGO_TARGET_DIR="$target_dir"
cargo +nightly fuzz build
failed=()
for target in $targets; do
    mkdir -p "$work/corpus/$target" "$work/artifacts/$target"
    echo "== fuzz $target for ${seconds}s"
    # One process (the machine is shared); a single input past 256 MB of
    # allocation or 1 GB of RSS is a failure, as is one taking 10 s.
    if ! cargo +nightly fuzz run "$target" \
        "$work/corpus/$target" "corpus/$target" "regressions/$target" -- \
        -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=1024 -malloc_limit_mb=256 \
        -artifact_prefix="$work/artifacts/$target/" -print_final_stats=1; then
        failed+=("$target")
    fi
done
if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzzing found failures in: ${failed[*]} (inputs under $work/artifacts/)" >&2
    exit 1
fi
echo "fuzzing: no failures in $targets (${seconds}s each)"
