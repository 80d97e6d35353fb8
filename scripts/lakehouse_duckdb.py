#!/usr/bin/env python3
"""Answers a pack's analytics questions with DuckDB over its Parquet export.

Usage: lakehouse_duckdb.py DIR VIEWS [SHIM_DIR] > answers.json
(VIEWS: a .sql file, or the pack's analytics/ folder: its files in order)

DIR is a local copy of the export laid out as in S3 below warehouse/<dataset>/
(one folder per table with its _manifest.json). Each table becomes the DuckDB
view dw.<table> over exactly the files its manifest lists. SHIM_DIR
(sql/<pack>/lakehouse/) holds DuckDB SQL run first, in name order: macros for
the pack's dw functions, and `-- view: <name>` files that replace a view whose
PostgreSQL text DuckDB cannot run. Then every CREATE ... VIEW of VIEWS_SQL (the
pack's PostgreSQL analytics views) runs as it is, COMMENT statements aside, and
each view's rows are printed as JSON: {"view": {"columns": [...], "rows": [[...]]}}.
Values: decimals and floats as text, dates and timestamps in ISO form.
"""
import datetime
import decimal
import json
import os
import re
import sys

try:
    import duckdb
except ImportError:
    sys.exit("duckdb is not installed in this Python: run `make deps` (scripts/deps-duckdb.sh installs it into .venv)")


def statements(text):
    """Splits SQL on semicolons that end a line, outside dollar quotes."""
    out, current, dollar = [], [], False
    for line in text.splitlines():
        if line.strip().startswith("--") and not dollar:
            continue
        current.append(line)
        if line.count("$$") % 2 == 1:
            dollar = not dollar
        if line.rstrip().endswith(";") and not dollar:
            out.append("\n".join(current).strip().rstrip(";"))
            current = []
    if "".join(current).strip():
        out.append("\n".join(current).strip())
    return out


def value(v):
    if isinstance(v, (decimal.Decimal, float)):
        return str(v)
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    return v


def read_views(path):
    """The text of a views file, or of every .sql file of a folder, in name
    order (the order the pack's analytics migrations apply in)."""
    if os.path.isdir(path):
        names = sorted(n for n in os.listdir(path) if n.endswith(".sql"))
        return "\n".join(open(os.path.join(path, n)).read() for n in names)
    return open(path).read()


def main():
    lake, views_sql = sys.argv[1], sys.argv[2]
    shim_dir = sys.argv[3] if len(sys.argv) > 3 else None
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE SCHEMA dw")
    con.execute("CREATE SCHEMA analytics")
    for table in sorted(os.listdir(lake)):
        manifest_path = os.path.join(lake, table, "_manifest.json")
        if not os.path.exists(manifest_path):
            continue
        with open(manifest_path) as f:
            manifest = json.load(f)
        files = [os.path.join(lake, table, f["key"].split("/" + table + "/", 1)[1]) for f in manifest["files"]]
        if not files:
            sys.exit(f"{table}: its manifest lists no file")
        listed = ", ".join("'" + p.replace("'", "''") + "'" for p in files)
        con.execute(f'CREATE VIEW dw."{table}" AS SELECT * FROM read_parquet([{listed}])')
    replaced = {}
    if shim_dir and os.path.isdir(shim_dir):
        for name in sorted(os.listdir(shim_dir)):
            if not name.endswith(".sql"):
                continue
            with open(os.path.join(shim_dir, name)) as f:
                text = f.read()
            marker = re.search(r"^-- view: (\w+)", text, re.M)
            if marker:
                replaced[marker.group(1)] = text
                continue
            for sql in statements(text):
                con.execute(sql)
    names = []
    for sql in statements(read_views(views_sql)):
        head = re.sub(r"\s+", " ", sql.lstrip()).upper()
        # Comments, and DO blocks (which write comments), are PostgreSQL's only.
        if head.startswith(("COMMENT ON", "CREATE SCHEMA", "DO ")):
            continue
        match = re.match(r"CREATE (OR REPLACE )?VIEW ANALYTICS\.(\w+)", head)
        if not match:
            sys.exit(f"not a view, cannot run it in DuckDB: {sql[:80]}")
        name = match.group(2).lower()
        names.append(name)
        if name in replaced:
            for replacement in statements(replaced[name]):
                con.execute(replacement)
            continue
        try:
            con.execute(sql)
        except duckdb.Error as e:
            sys.exit(f"analytics.{name}: DuckDB cannot run the PostgreSQL view ({e}); add sql/<pack>/lakehouse/<n>_{name}.sql with '-- view: {name}'")
    answers = {}
    for name in names:
        result = con.execute(f"SELECT * FROM analytics.{name}")
        columns = [d[0] for d in result.description]
        rows = [[value(v) for v in row] for row in result.fetchall()]
        answers[name] = {"columns": columns, "rows": rows}
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
