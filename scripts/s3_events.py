#!/usr/bin/env python3
"""The committed S3 put events of the local Lambda flow (events/s3-put-*.json).

Each event is an `ObjectCreated:Put` notification in the shape AWS delivers,
one record, for one file of data/ uploaded to the sandbox bucket under a key
that must be URL-decoded (`+` is a space, `%XX` escapes, UTF-8): e.g.
`incoming/invoice_line/InvoiceLine export 2026-01 (São Paulo) #1+final.csv`.
The eTag is the file's MD5, which is what the sandbox S3 server (and S3, for a
single-part upload) returns, so the loader's "overwritten since the event"
check passes.

  generate  [--data data/chinook] [--out events]       write the events from data/chinook/
  check     [--data data/chinook] EVENT...             the events match data/ (stdlib only)
  upload    --env-file F [--data data/chinook] EVENT... put each event's file to its key
                                               (boto3) and check the ETag
  expect    [--data data/chinook]                      "table rows" per data file

The data file of a key is found the way the loader routes it: the directory
after incoming/ (or the file stem) names the table, case-insensitively and
ignoring `_` and `-`; the file is data/chinook/<Table>.csv.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from pathlib import Path
from urllib.parse import quote_plus, unquote_plus

BUCKET = "starlift-sandbox"
REGION = "us-east-1"
INCOMING = "incoming/"
EVENT_TIME = "2026-01-15T10:00:00.000Z"
# The decoded file name under incoming/<table>/: a space, `+`, `#`,
# parentheses and non-ASCII, so every key needs decoding.
FILE_NAME = "{table} export 2026-01 (São Paulo) #1+final.csv"


def fail(message: str) -> None:
    print(f"s3_events: {message}", file=sys.stderr)
    sys.exit(1)


def normalize(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def encode_key(key: str) -> str:
    """As S3 notifications encode keys (and oltp_loader::events does)."""
    return quote_plus(key, safe="/-_.~")


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def data_files(data: Path) -> dict[str, Path]:
    files = {normalize(p.stem): p for p in sorted(data.glob("*.csv"))}
    if not files:
        fail(f"no .csv files in {data}/ (make data writes them)")
    return files


def source_of(key: str, data: Path) -> Path:
    if not key.startswith(INCOMING):
        fail(f"key {key!r} is outside {INCOMING}")
    rest = key[len(INCOMING):]
    table = rest.split("/", 1)[0] if "/" in rest else re.sub(r"(?i)\.csv$", "", rest)
    path = data_files(data).get(normalize(table))
    if path is None:
        fail(f"key {key!r}: no data file for table {table!r} in {data}/")
    return path


def event_for(bucket: str, key: str, path: Path, sequencer: str) -> dict:
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": REGION,
                "eventTime": EVENT_TIME,
                "eventName": "ObjectCreated:Put",
                "userIdentity": {"principalId": "AWS:AIDAEXAMPLEUSER"},
                "requestParameters": {"sourceIPAddress": "127.0.0.1"},
                "responseElements": {
                    "x-amz-request-id": "C3D13FE58DE4C810",
                    "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD",
                },
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "starlift-incoming-csv",
                    "bucket": {
                        "name": bucket,
                        "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                        "arn": f"arn:aws:s3:::{bucket}",
                    },
                    "object": {
                        "key": encode_key(key),
                        "size": path.stat().st_size,
                        "eTag": md5(path),
                        "sequencer": sequencer,
                    },
                },
            }
        ]
    }


def records(event_files: list[str]):
    for name in event_files:
        try:
            event = json.loads(Path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            fail(f"{name}: {e}")
        for record in event.get("Records", []):
            s3 = record["s3"]
            yield name, s3["bucket"]["name"], unquote_plus(s3["object"]["key"]), s3["object"]


def cmd_generate(args) -> None:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for n, path in enumerate(data_files(Path(args.data)).values()):
        key = f"{INCOMING}{snake(path.stem)}/{FILE_NAME.format(table=path.stem)}"
        event = event_for(BUCKET, key, path, f"0066B5D0A1C2E3F4{n + 1:02X}")
        target = out / f"s3-put-{snake(path.stem).replace('_', '-')}.json"
        target.write_text(json.dumps(event, indent=2, ensure_ascii=True) + "\n", encoding="utf-8")
        print(f"{target}: s3://{BUCKET}/{key}")


def check_record(name: str, bucket: str, key: str, obj: dict, data: Path) -> Path:
    if bucket != BUCKET:
        fail(f"{name}: bucket {bucket!r}, the sandbox bucket is {BUCKET!r}")
    path = source_of(key, data)
    if obj.get("eTag") and obj["eTag"] != md5(path):
        fail(
            f"{name}: eTag {obj['eTag']} is not the MD5 of {path} ({md5(path)}): "
            "the data changed since the events were made; run `make invoke-events`"
        )
    return path


def cmd_check(args) -> None:
    count = 0
    for name, bucket, key, obj in records(args.events):
        check_record(name, bucket, key, obj, Path(args.data))
        count += 1
    if count == 0:
        fail("no S3 records in the given events")
    print(f"s3_events: {count} records match {args.data}/")


def read_env(path: str) -> dict[str, str]:
    env = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            env[k.strip()] = v.strip()
    for name in ("AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        if name not in env:
            fail(f"{path} has no {name}")
    return env


def cmd_upload(args) -> None:
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        fail("boto3 is not installed in this Python (make invoke-deps installs it into .venv)")
    env = read_env(args.env_file)
    s3 = boto3.client(
        "s3",
        endpoint_url=env["AWS_ENDPOINT_URL_S3"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env.get("AWS_REGION", REGION),
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}),
    )
    for name, bucket, key, obj in records(args.events):
        path = check_record(name, bucket, key, obj, Path(args.data))
        reply = s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())
        etag = reply["ETag"].strip('"')
        if obj.get("eTag") and etag != obj["eTag"]:
            fail(f"{name}: the server's ETag for {key!r} is {etag}, the event says {obj['eTag']}")
        print(f"uploaded {path} -> s3://{bucket}/{key} (ETag {etag})")


def cmd_expect(args) -> None:
    for path in data_files(Path(args.data)).values():
        with path.open(newline="", encoding="utf-8-sig") as f:
            rows = sum(1 for _ in csv.reader(f)) - 1
        print(f"{snake(path.stem)} {rows}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("generate")
    p.add_argument("--data", default="data/chinook")
    p.add_argument("--out", default="events")
    p.set_defaults(run=cmd_generate)
    p = sub.add_parser("check")
    p.add_argument("--data", default="data/chinook")
    p.add_argument("events", nargs="+")
    p.set_defaults(run=cmd_check)
    p = sub.add_parser("upload")
    p.add_argument("--env-file", required=True)
    p.add_argument("--data", default="data/chinook")
    p.add_argument("events", nargs="+")
    p.set_defaults(run=cmd_upload)
    p = sub.add_parser("expect")
    p.add_argument("--data", default="data/chinook")
    p.set_defaults(run=cmd_expect)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
