//! Every column type against a real PostgreSQL: a CSV field per column goes
//! through `parse_field`, out by binary COPY under
//! `ColumnType::postgres_type()`, and reads back as the text PostgreSQL
//! itself would print. Proves the parsed values and the wire types agree with
//! the columns the catalog reads from `format_type`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::mem::discriminant;

use postgres_types::{ToSql, Type};
use starlift_domain::catalog::{Column, ColumnType};
use starlift_domain::validate::{Value, parse_field};
use starlift_sandbox::{Postgres, connect};
use tokio_postgres::binary_copy::BinaryCopyInWriter;

/// Column name, DDL type, then per row: the CSV field and the text
/// PostgreSQL prints for it (`None`: NULL).
type Case = (
    &'static str,
    &'static str,
    [(&'static str, Option<&'static str>); 3],
);

const CASES: &[Case] = &[
    (
        "c_smallint",
        "smallint",
        [
            (" -32768 ", Some("-32768")),
            ("+32767", Some("32767")),
            ("", None),
        ],
    ),
    (
        "c_integer",
        "integer",
        [
            ("2147483647", Some("2147483647")),
            ("0", Some("0")),
            ("", None),
        ],
    ),
    (
        "c_bigint",
        "bigint",
        [
            ("-9223372036854775808", Some("-9223372036854775808")),
            ("42", Some("42")),
            ("", None),
        ],
    ),
    (
        "c_numeric_12_4",
        "numeric(12,4)",
        [
            ("-12345678.12", Some("-12345678.1200")),
            ("0.00010", Some("0.0001")),
            ("", None),
        ],
    ),
    (
        "c_numeric",
        "numeric",
        [
            (
                "3.1415926535897932384626433833",
                Some("3.1415926535897932384626433833"),
            ),
            ("-0.50", Some("-0.5")),
            ("", None),
        ],
    ),
    (
        "c_real",
        "real",
        [("1.5e3", Some("1500")), ("NaN", Some("NaN")), ("", None)],
    ),
    (
        "c_double",
        "double precision",
        [
            ("0.1", Some("0.1")),
            ("-Infinity", Some("-Infinity")),
            ("", None),
        ],
    ),
    (
        "c_boolean",
        "boolean",
        [("Yes", Some("true")), ("f", Some("false")), ("", None)],
    ),
    (
        "c_text",
        "text",
        [
            ("  São Paulo, \"x\"  ", Some("  São Paulo, \"x\"  ")),
            ("x", Some("x")),
            ("", None),
        ],
    ),
    (
        "c_varchar",
        "varchar(10)",
        [
            ("ÅÄÖåäöÆØæø", Some("ÅÄÖåäöÆØæø")),
            ("a", Some("a")),
            ("", None),
        ],
    ),
    (
        "c_char",
        "char(3)",
        [("né", Some("né")), ("abc", Some("abc")), ("", None)],
    ),
    (
        "c_date",
        "date",
        [
            ("2024-02-29 00:00:00", Some("2024-02-29")),
            ("0001-01-01", Some("0001-01-01")),
            ("", None),
        ],
    ),
    (
        "c_timestamp",
        "timestamp",
        [
            (
                "2021-01-02T03:04:05.123456Z",
                Some("2021-01-02 03:04:05.123456"),
            ),
            ("2021-01-02", Some("2021-01-02 00:00:00")),
            ("", None),
        ],
    ),
    (
        "c_timestamptz",
        "timestamptz",
        [
            (
                "2021-01-02 03:04:05.5+02:00",
                Some("2021-01-02 01:04:05.5+00"),
            ),
            ("2021-06-30T23:59:59Z", Some("2021-06-30 23:59:59+00")),
            ("", None),
        ],
    ),
    (
        "c_time",
        "time",
        [
            ("23:59", Some("23:59:00")),
            ("00:00:00.000001", Some("00:00:00.000001")),
            ("", None),
        ],
    ),
    (
        "c_uuid",
        "uuid",
        [
            (
                "{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}",
                Some("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
            ),
            (
                "00000000000000000000000000000000",
                Some("00000000-0000-0000-0000-000000000000"),
            ),
            ("", None),
        ],
    ),
    (
        "c_bytea",
        "bytea",
        [
            ("\\xDEADbeef", Some("\\xdeadbeef")),
            ("\\x", Some("\\x")),
            ("", None),
        ],
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_column_type_round_trips_through_binary_copy() {
    let postgres = Postgres::start().await.unwrap();
    let url = postgres.create_database("column_types").await.unwrap();
    let client = connect(&url).await.unwrap();
    client
        .batch_execute("SET TIME ZONE 'UTC'; SET bytea_output = 'hex'")
        .await
        .unwrap();
    let ddl: Vec<String> = CASES
        .iter()
        .map(|(name, ty, _)| format!("{name} {ty}"))
        .collect();
    client
        .batch_execute(&format!(
            "CREATE TABLE all_types (line_no integer PRIMARY KEY, {})",
            ddl.join(", ")
        ))
        .await
        .unwrap();

    // The columns as the catalog reads them: from `format_type`.
    let rows = client
        .query(
            "SELECT attname::text, format_type(atttypid, atttypmod), NOT attnotnull \
             FROM pg_attribute WHERE attrelid = 'all_types'::regclass AND attnum > 1 \
             ORDER BY attnum",
            &[],
        )
        .await
        .unwrap();
    let columns: Vec<Column> = rows
        .iter()
        .map(|row| {
            let format: String = row.get(1);
            Column {
                name: row.get(0),
                ty: ColumnType::from_format_type(&format)
                    .unwrap_or_else(|| panic!("unsupported {format}")),
                nullable: row.get(2),
                has_default: false,
            }
        })
        .collect();
    assert_eq!(columns.len(), CASES.len());
    let distinct: BTreeSet<String> = columns
        .iter()
        .map(|c| format!("{:?}", discriminant(&c.ty)))
        .collect();
    assert_eq!(distinct.len(), 16, "one column of every ColumnType variant");

    let names: Vec<&str> = CASES.iter().map(|(name, _, _)| *name).collect();
    let mut types = vec![Type::INT4];
    types.extend(columns.iter().map(|c| c.ty.postgres_type()));
    let sink = client
        .copy_in(&format!(
            "COPY all_types (line_no, {}) FROM STDIN (FORMAT binary)",
            names.join(", ")
        ))
        .await
        .unwrap();
    let writer = BinaryCopyInWriter::new(sink, &types);
    let mut writer = std::pin::pin!(writer);
    for line in 0..3 {
        let values: Vec<Value> = CASES
            .iter()
            .zip(&columns)
            .map(|((name, _, rows), column)| {
                let field = rows[line].0;
                parse_field(column, field.as_bytes())
                    .unwrap_or_else(|reason| panic!("{name} {field:?}: {reason}"))
            })
            .collect();
        let line_no = i32::try_from(line).unwrap();
        let mut row: Vec<&(dyn ToSql + Sync)> = vec![&line_no];
        row.extend(values.iter().map(|v| v as &(dyn ToSql + Sync)));
        writer.as_mut().write(&row).await.unwrap();
    }
    assert_eq!(writer.finish().await.unwrap(), 3);

    let texts: Vec<String> = names.iter().map(|n| format!("{n}::text")).collect();
    let stored = client
        .query(
            &format!(
                "SELECT {} FROM all_types ORDER BY line_no",
                texts.join(", ")
            ),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(stored.len(), 3);
    let mut mismatches = Vec::new();
    for (line, row) in stored.iter().enumerate() {
        for (index, (name, ty, rows)) in CASES.iter().enumerate() {
            let got: Option<String> = row.get(index);
            let (field, want) = rows[line];
            if got.as_deref() != want {
                mismatches.push(format!(
                    "{name} {ty} {field:?}: stored {got:?}, expected {want:?}"
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}
