//! A dw table's columns, read from `pg_catalog`, and how each maps to Arrow
//! (and so to Parquet and to the Glue catalog).

use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, TimeUnit};
use serde::{Deserialize, Serialize};
use tokio_postgres::GenericClient;

use crate::LakehouseError;
use crate::sql::statement;

/// What a PostgreSQL column becomes in Parquet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Kind {
    Bool,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    /// `numeric(p,s)`: decimal(p,s), exactly.
    Decimal {
        precision: u8,
        scale: i8,
    },
    /// `text`, `varchar`, `char`; `uuid` in its hyphenated text form (Athena
    /// has no uuid type).
    Utf8,
    Uuid,
    /// Days; PostgreSQL's `±infinity` become 9999-12-31 and 0001-01-01.
    Date,
    /// Microseconds, no time zone; `±infinity` as for dates.
    Timestamp,
    /// Microseconds, UTC (`timestamptz`); `±infinity` as for dates.
    TimestampUtc,
}

/// One column of a dw table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    /// The PostgreSQL type as `format_type` writes it (`numeric(12,2)`).
    pub pg_type: String,
    #[serde(flatten)]
    pub kind: Kind,
    pub nullable: bool,
}

impl Kind {
    /// The Arrow type the column is decoded into.
    pub fn arrow(self) -> DataType {
        match self {
            Kind::Bool => DataType::Boolean,
            Kind::Int16 => DataType::Int16,
            Kind::Int32 => DataType::Int32,
            Kind::Int64 => DataType::Int64,
            Kind::Float32 => DataType::Float32,
            Kind::Float64 => DataType::Float64,
            Kind::Decimal { precision, scale } => DataType::Decimal128(precision, scale),
            Kind::Utf8 | Kind::Uuid => DataType::Utf8,
            Kind::Date => DataType::Date32,
            Kind::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
            Kind::TimestampUtc => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        }
    }

    /// The Glue (Hive DDL) type Athena reads the Parquet column as.
    pub fn glue(self) -> String {
        match self {
            Kind::Bool => "boolean".into(),
            Kind::Int16 => "smallint".into(),
            Kind::Int32 => "int".into(),
            Kind::Int64 => "bigint".into(),
            Kind::Float32 => "float".into(),
            Kind::Float64 => "double".into(),
            Kind::Decimal { precision, scale } => format!("decimal({precision},{scale})"),
            Kind::Utf8 | Kind::Uuid => "string".into(),
            Kind::Date => "date".into(),
            Kind::Timestamp | Kind::TimestampUtc => "timestamp".into(),
        }
    }
}

/// The Arrow schema of a table's Parquet files.
pub fn arrow_schema(columns: &[Column]) -> Arc<Schema> {
    Arc::new(Schema::new(
        columns
            .iter()
            .map(|c| Field::new(&c.name, c.kind.arrow(), c.nullable))
            .collect::<Vec<_>>(),
    ))
}

/// Reads `table`'s (`schema.table`) columns and maps their types. A type
/// with no exact Parquet counterpart is refused, naming the column: a
/// `numeric` without a declared scale among them (declare `numeric(p,s)`:
/// Parquet's decimal needs one scale per column).
pub async fn read(client: &impl GenericClient, table: &str) -> Result<Vec<Column>, LakehouseError> {
    let rows = client
        .query(statement("columns")?, &[&table])
        .await
        .map_err(LakehouseError::db(format!("read the columns of {table}")))?;
    let mut columns = Vec::with_capacity(rows.len());
    for row in rows {
        let name: String = row.get(0);
        let pg_type: String = row.get(1);
        let type_name: String = row.get(2);
        let precision: Option<i32> = row.get(3);
        let scale: Option<i32> = row.get(4);
        let not_null: bool = row.get(5);
        let kind = kind_of(&type_name, precision, scale).ok_or_else(|| {
            LakehouseError::UnsupportedType {
                table: table.to_string(),
                column: name.clone(),
                pg_type: pg_type.clone(),
            }
        })?;
        columns.push(Column {
            name,
            pg_type,
            kind,
            nullable: !not_null,
        });
    }
    if columns.is_empty() {
        return Err(LakehouseError::NoColumns(table.to_string()));
    }
    Ok(columns)
}

/// The Parquet mapping of a PostgreSQL type (`pg_type.typname`).
fn kind_of(type_name: &str, precision: Option<i32>, scale: Option<i32>) -> Option<Kind> {
    Some(match type_name {
        "bool" => Kind::Bool,
        "int2" => Kind::Int16,
        "int4" => Kind::Int32,
        "int8" => Kind::Int64,
        "float4" => Kind::Float32,
        "float8" => Kind::Float64,
        "numeric" => {
            let precision = u8::try_from(precision?)
                .ok()
                .filter(|p| (1..=38).contains(p))?;
            let scale = i8::try_from(scale?).ok().filter(|s| *s >= 0)?;
            Kind::Decimal { precision, scale }
        }
        "text" | "varchar" | "bpchar" | "name" => Kind::Utf8,
        "uuid" => Kind::Uuid,
        "date" => Kind::Date,
        "timestamp" => Kind::Timestamp,
        "timestamptz" => Kind::TimestampUtc,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_needs_a_declared_scale() {
        assert_eq!(
            kind_of("numeric", Some(12), Some(2)),
            Some(Kind::Decimal {
                precision: 12,
                scale: 2
            })
        );
        assert_eq!(kind_of("numeric", None, None), None);
        assert_eq!(kind_of("numeric", Some(40), Some(2)), None);
        assert_eq!(kind_of("json", None, None), None);
    }

    #[test]
    fn glue_types() {
        assert_eq!(
            Kind::Decimal {
                precision: 10,
                scale: 2
            }
            .glue(),
            "decimal(10,2)"
        );
        assert_eq!(Kind::TimestampUtc.glue(), "timestamp");
        assert_eq!(Kind::Uuid.glue(), "string");
    }
}
