#!/usr/bin/env bash
# Builds Lambda deployment zips for provided.al2023 on arm64 with cargo-lambda
# (and zig, both from the project venv: `make package-deps`), and checks them.
#
# usage: scripts/package.sh FUNCTION...        (oltp-loader, star-builder)
#
# Each zip is $LAMBDA_DIR/<function>/bootstrap.zip (the Terraform defaults)
# and holds `bootstrap` (the aarch64 binary) and `rds-ca-bundle.pem` at its
# root: Lambda unpacks it to /var/task, where DB_SSL_ROOT_CERT points.
#
# Environment: VENV (.venv), LAMBDA_DIR (target/lambda), LAMBDA_TARGET_DIR
# (target/lambda-build: a cargo target dir of its own, so the long release
# build does not hold the lock of the shared target/), RDS_CA_BUNDLE
# (terraform/rds-ca-bundle.pem), CARGO (cargo).
set -euo pipefail

cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
LAMBDA_DIR=${LAMBDA_DIR:-target/lambda}
LAMBDA_TARGET_DIR=${LAMBDA_TARGET_DIR:-target/lambda-build}
RDS_CA_BUNDLE=${RDS_CA_BUNDLE:-terraform/rds-ca-bundle.pem}
CARGO=${CARGO:-cargo}

[ $# -gt 0 ] || { echo "usage: $0 FUNCTION..." >&2; exit 2; }
[ -x "$VENV/bin/cargo-lambda" ] || { echo "package: $VENV/bin/cargo-lambda is missing; run make package-deps" >&2; exit 1; }
[ -s "$RDS_CA_BUNDLE" ] || { echo "package: $RDS_CA_BUNDLE is missing (scripts/rds-ca-bundle.sh makes it)" >&2; exit 1; }
grep -q -- '-----BEGIN CERTIFICATE-----' "$RDS_CA_BUNDLE" || { echo "package: $RDS_CA_BUNDLE holds no certificate" >&2; exit 1; }

# cargo-lambda runs zig as `python3 -m ziglang`: the venv's python3 first.
export PATH="$PWD/$VENV/bin:$PATH"
export CARGO_TARGET_DIR="$PWD/$LAMBDA_TARGET_DIR"

packages=()
for function in "$@"; do packages+=(--package "$function"); done

# One cargo invocation for all: shared dependencies are compiled once.
# The release profile is the workspace's (Cargo.toml); cargo-lambda only adds
# defaults for settings the profile leaves unset.
"$CARGO" lambda build --release --arm64 --locked --output-format zip \
    --lambda-dir "$LAMBDA_DIR" \
    --include "rds-ca-bundle.pem:$RDS_CA_BUNDLE" \
    "${packages[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for function in "$@"; do
    zip="$LAMBDA_DIR/$function/bootstrap.zip"
    if [ ! -f "$zip" ]; then
        echo "package: $zip was not written" >&2
        status=1
        continue
    fi
    entries=$(unzip -Z1 "$zip" | sort | tr '\n' ' ')
    if [ "$entries" != "bootstrap rds-ca-bundle.pem " ]; then
        echo "package: $zip holds [$entries], expected bootstrap and rds-ca-bundle.pem at its root" >&2
        status=1
    fi
    rm -rf "${work:?}"/*
    unzip -q "$zip" -d "$work"
    kind=$(file -b "$work/bootstrap")
    case "$kind" in
        *ELF\ 64-bit*ARM\ aarch64*) ;;
        *) echo "package: $zip: bootstrap is not an arm64 ELF binary: $kind" >&2; status=1 ;;
    esac
    [ -x "$work/bootstrap" ] || { echo "package: $zip: bootstrap is not executable" >&2; status=1; }
    cmp -s "$work/rds-ca-bundle.pem" "$RDS_CA_BUNDLE" || { echo "package: $zip: rds-ca-bundle.pem differs from $RDS_CA_BUNDLE" >&2; status=1; }
    printf 'package: %-40s %9s bytes zipped, bootstrap %9s bytes (%s)\n' \
        "$zip" "$(stat -c %s "$zip")" "$(stat -c %s "$work/bootstrap")" "${kind%%, BuildID*}"
done
exit $status
