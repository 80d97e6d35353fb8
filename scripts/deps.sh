#!/usr/bin/env bash
# Installs what starlift's make targets need and is missing. On Debian/Ubuntu
# it installs with apt-get; elsewhere it names exactly what to install.
#
# `deps.sh --browser` checks only for headless Chromium (Debian's
# `chromium`), which the dashboard report's test renders pages with; `make
# deps` (and so `make test`) runs it, `make demo` does not need it.
set -euo pipefail

missing=()
have() { command -v "$1" >/dev/null 2>&1; }

if [ "${1:-}" = "--browser" ]; then
    if have chromium || have chromium-browser; then
        echo "deps: chromium is installed"
        exit 0
    fi
    if have apt-get; then
        sudo=""
        [ "$(id -u)" = 0 ] || sudo="sudo"
        echo "deps: installing chromium with apt-get (headless, for the report test)"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
        exit 0
    fi
    echo "deps: missing, please install: chromium (headless Chromium, for the report test)" >&2
    exit 1
fi

pg_bindir() {
    if have pg_config && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
    else
        ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
    fi
}

bindir="$(pg_bindir || true)"
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
    missing+=("postgresql (server binaries initdb, pg_ctl)")
fi
have psql || missing+=("postgresql-client (psql)")
have python3 || missing+=("python3")
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=("python3-venv")
have cargo || missing+=("a Rust toolchain (rustup; rust-toolchain.toml pins 1.95.0)")
have terraform || missing+=("terraform >= 1.6 (HashiCorp's package; not in Debian)")
# `deps.sh bench`: also the peers `make bench` measures the loader against.
if [ "${1:-}" = bench ]; then
    have pgloader || missing+=("pgloader")
fi
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    missing+=("the postgres system user (comes with the postgresql package)")
fi

if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: everything needed is installed (PostgreSQL binaries in $bindir)"
    # DuckDB (PyPI) for the lakehouse test, into .venv when missing.
    bash "$(dirname "$0")/deps-duckdb.sh"
    exit 0
fi

apt_packages=()
for item in "${missing[@]}"; do
    case "$item" in
        postgresql\ *|the\ postgres*) apt_packages+=(postgresql) ;;
        postgresql-client*) apt_packages+=(postgresql-client) ;;
        python3-venv) apt_packages+=(python3-venv) ;;
        python3) apt_packages+=(python3 python3-venv) ;;
        pgloader) apt_packages+=(pgloader) ;;
    esac
done

if [ ${#apt_packages[@]} -gt 0 ] && have apt-get; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "deps: installing ${apt_packages[*]} with apt-get"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${apt_packages[@]}"
    # The Debian package starts a cluster of its own; the sandbox does not need it.
    if have systemctl; then $sudo systemctl disable --now postgresql >/dev/null 2>&1 || true; fi
    exec "$0" "$@"
fi

echo "deps: missing, please install:" >&2
for item in "${missing[@]}"; do echo "  - $item" >&2; done
exit 1
