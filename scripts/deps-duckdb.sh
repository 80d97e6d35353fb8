#!/usr/bin/env bash
# Installs the duckdb Python package (PyPI) into the repository's venv
# (.venv, where checkov lives too) when it is missing. The lakehouse test
# (crates/star-builder/tests/lakehouse_duckdb.rs) reads the exported Parquet
# files with it.
set -euo pipefail
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
DUCKDB_VERSION=${DUCKDB_VERSION:-1.5.6}
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
if "$VENV/bin/python" -c 'import duckdb' >/dev/null 2>&1; then
    echo "deps: duckdb $("$VENV/bin/python" -c 'import duckdb; print(duckdb.__version__)') in $VENV"
else
    echo "deps: installing duckdb==$DUCKDB_VERSION into $VENV"
    "$VENV/bin/python" -m pip install --quiet "duckdb==$DUCKDB_VERSION"
fi
