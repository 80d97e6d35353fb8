//! The typed value of one validated field, and how it goes on the wire.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

/// A validated value, typed per the catalog: one variant per
/// [`ColumnType`](crate::catalog::ColumnType) (varchar and char are
/// [`Value::Text`]), plus [`Value::Null`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    SmallInt(i16),
    Int(i32),
    BigInt(i64),
    Numeric(Decimal),
    Real(f32),
    Double(f64),
    Bool(bool),
    Text(String),
    Date(NaiveDate),
    Timestamp(NaiveDateTime),
    TimestampTz(DateTime<Utc>),
    Time(NaiveTime),
    Uuid(Uuid),
    Bytes(Vec<u8>),
}

mod to_sql {
    use bytes::BytesMut;
    use postgres_types::{IsNull, ToSql, Type, to_sql_checked};

    use super::Value;

    /// Values bind to the wire types of `ColumnType::postgres_type`. Each
    /// variant delegates to its inner type with that type's own check, so a
    /// value never goes out under a wire type of another width.
    impl ToSql for Value {
        fn to_sql(
            &self,
            ty: &Type,
            out: &mut BytesMut,
        ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
            match self {
                Value::Null => Ok(IsNull::Yes),
                Value::SmallInt(v) => v.to_sql_checked(ty, out),
                Value::Int(v) => v.to_sql_checked(ty, out),
                Value::BigInt(v) => v.to_sql_checked(ty, out),
                Value::Numeric(v) => v.to_sql_checked(ty, out),
                Value::Real(v) => v.to_sql_checked(ty, out),
                Value::Double(v) => v.to_sql_checked(ty, out),
                Value::Bool(v) => v.to_sql_checked(ty, out),
                Value::Text(v) => v.to_sql_checked(ty, out),
                Value::Date(v) => v.to_sql_checked(ty, out),
                Value::Timestamp(v) => v.to_sql_checked(ty, out),
                Value::TimestampTz(v) => v.to_sql_checked(ty, out),
                Value::Time(v) => v.to_sql_checked(ty, out),
                Value::Uuid(v) => v.to_sql_checked(ty, out),
                Value::Bytes(v) => v.to_sql_checked(ty, out),
            }
        }

        fn accepts(ty: &Type) -> bool {
            matches!(
                *ty,
                Type::INT2
                    | Type::INT4
                    | Type::INT8
                    | Type::NUMERIC
                    | Type::FLOAT4
                    | Type::FLOAT8
                    | Type::BOOL
                    | Type::TEXT
                    | Type::VARCHAR
                    | Type::BPCHAR
                    | Type::DATE
                    | Type::TIMESTAMP
                    | Type::TIMESTAMPTZ
                    | Type::TIME
                    | Type::UUID
                    | Type::BYTEA
            )
        }

        to_sql_checked!();
    }
}

#[cfg(test)]
mod tests {
    use bytes::BytesMut;
    use postgres_types::{IsNull, ToSql, Type};

    use super::*;
    use crate::catalog::ColumnType;

    #[test]
    fn every_wire_type_of_the_catalog_is_accepted() {
        use ColumnType::*;
        for ty in [
            SmallInt,
            Integer,
            BigInt,
            Numeric {
                precision: None,
                scale: None,
            },
            Real,
            Double,
            Boolean,
            Text,
            Varchar(Some(3)),
            Char(3),
            Date,
            Timestamp,
            TimestampTz,
            Time,
            Uuid,
            Bytea,
        ] {
            assert!(<Value as ToSql>::accepts(&ty.postgres_type()), "{ty}");
        }
    }

    #[test]
    fn a_value_under_a_wire_type_of_another_width_is_an_error() {
        let mut out = BytesMut::new();
        assert!(Value::Int(1).to_sql_checked(&Type::INT8, &mut out).is_err());
        assert!(
            Value::Text("a".into())
                .to_sql_checked(&Type::BPCHAR, &mut out)
                .is_ok()
        );
        assert!(matches!(
            Value::Null.to_sql_checked(&Type::UUID, &mut out),
            Ok(IsNull::Yes)
        ));
    }
}
