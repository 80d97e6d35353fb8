//! The column types the loader supports, read from PostgreSQL's
//! `format_type(atttypid, atttypmod)`.

use std::fmt;

/// The value type of a column, as validated from CSV and COPYed in binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    SmallInt,
    Integer,
    BigInt,
    /// `numeric(p,s)`, or `numeric` without a limit (both `None`). Exact: a
    /// value with more than `scale` decimals, or more than `precision -
    /// scale` integer digits, is rejected, never rounded.
    Numeric {
        precision: Option<u32>,
        scale: Option<u32>,
    },
    Real,
    Double,
    Boolean,
    Text,
    /// `varchar(n)`; `None` is unlimited.
    Varchar(Option<u32>),
    /// `char(n)`
    Char(u32),
    Date,
    Timestamp,
    TimestampTz,
    Time,
    Uuid,
    Bytea,
}

/// A type the engine cannot load, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "column {table}.{column} has type {sql_type}, which the loader does not support (supported: smallint, integer, bigint, numeric(p,s), real, double precision, boolean, text, varchar(n), char(n), date, timestamp, timestamptz, time, uuid, bytea)"
)]
pub struct UnsupportedType {
    pub table: String,
    pub column: String,
    pub sql_type: String,
}

impl ColumnType {
    /// Parses PostgreSQL's `format_type` text (`numeric(12,4)`,
    /// `character varying(10)`, `timestamp(3) without time zone`, …).
    /// `None` for anything else.
    pub fn from_format_type(text: &str) -> Option<Self> {
        let text = text.trim();
        let (base, modifiers) = match text.split_once('(') {
            Some((base, rest)) => {
                let (inside, after) = rest.split_once(')')?;
                // `timestamp(3) without time zone`: the modifier sits mid-name.
                (
                    format!("{}{}", base.trim(), after),
                    Some(inside.to_string()),
                )
            }
            None => (text.to_string(), None),
        };
        let numbers: Option<Vec<u32>> = modifiers.as_deref().map(|m| {
            m.split(',')
                .filter_map(|n| n.trim().parse::<u32>().ok())
                .collect()
        });
        let first = numbers.as_ref().and_then(|n| n.first().copied());
        Some(match base.trim() {
            "smallint" => Self::SmallInt,
            "integer" => Self::Integer,
            "bigint" => Self::BigInt,
            "numeric" => Self::Numeric {
                precision: first,
                scale: numbers.as_ref().map(|n| n.get(1).copied().unwrap_or(0)),
            },
            "real" => Self::Real,
            "double precision" => Self::Double,
            "boolean" => Self::Boolean,
            "text" => Self::Text,
            "character varying" => Self::Varchar(first),
            "character" => Self::Char(first.unwrap_or(1)),
            "date" => Self::Date,
            "timestamp without time zone" => Self::Timestamp,
            "timestamp with time zone" => Self::TimestampTz,
            "time without time zone" => Self::Time,
            "uuid" => Self::Uuid,
            "bytea" => Self::Bytea,
            _ => return None,
        })
    }

    /// The PostgreSQL type, for DDL of staging tables and casts.
    pub fn sql_type(self) -> String {
        match self {
            Self::SmallInt => "smallint".into(),
            Self::Integer => "integer".into(),
            Self::BigInt => "bigint".into(),
            Self::Numeric {
                precision: Some(p),
                scale,
            } => format!("numeric({p},{})", scale.unwrap_or(0)),
            Self::Numeric { .. } => "numeric".into(),
            Self::Real => "real".into(),
            Self::Double => "double precision".into(),
            Self::Boolean => "boolean".into(),
            Self::Text => "text".into(),
            Self::Varchar(Some(n)) => format!("varchar({n})"),
            Self::Varchar(None) => "varchar".into(),
            Self::Char(n) => format!("char({n})"),
            Self::Date => "date".into(),
            Self::Timestamp => "timestamp".into(),
            Self::TimestampTz => "timestamptz".into(),
            Self::Time => "time".into(),
            Self::Uuid => "uuid".into(),
            Self::Bytea => "bytea".into(),
        }
    }

    /// The wire type for binary COPY.
    pub fn postgres_type(self) -> postgres_types::Type {
        use postgres_types::Type;
        match self {
            Self::SmallInt => Type::INT2,
            Self::Integer => Type::INT4,
            Self::BigInt => Type::INT8,
            Self::Numeric { .. } => Type::NUMERIC,
            Self::Real => Type::FLOAT4,
            Self::Double => Type::FLOAT8,
            Self::Boolean => Type::BOOL,
            Self::Text => Type::TEXT,
            Self::Varchar(_) => Type::VARCHAR,
            Self::Char(_) => Type::BPCHAR,
            Self::Date => Type::DATE,
            Self::Timestamp => Type::TIMESTAMP,
            Self::TimestampTz => Type::TIMESTAMPTZ,
            Self::Time => Type::TIME,
            Self::Uuid => Type::UUID,
            Self::Bytea => Type::BYTEA,
        }
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql_type())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_type_texts_parse() {
        use ColumnType::*;
        for (text, ty) in [
            ("smallint", SmallInt),
            ("integer", Integer),
            ("bigint", BigInt),
            (
                "numeric(12,4)",
                Numeric {
                    precision: Some(12),
                    scale: Some(4),
                },
            ),
            (
                "numeric",
                Numeric {
                    precision: None,
                    scale: None,
                },
            ),
            ("real", Real),
            ("double precision", Double),
            ("boolean", Boolean),
            ("text", Text),
            ("character varying(10)", Varchar(Some(10))),
            ("character varying", Varchar(None)),
            ("character(3)", Char(3)),
            ("date", Date),
            ("timestamp without time zone", Timestamp),
            ("timestamp(3) without time zone", Timestamp),
            ("timestamp with time zone", TimestampTz),
            ("time without time zone", Time),
            ("uuid", Uuid),
            ("bytea", Bytea),
        ] {
            assert_eq!(ColumnType::from_format_type(text), Some(ty), "{text}");
        }
        for unsupported in ["json", "integer[]", "point", "time with time zone", "money"] {
            assert_eq!(
                ColumnType::from_format_type(unsupported),
                None,
                "{unsupported}"
            );
        }
    }
}
