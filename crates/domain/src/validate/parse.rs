//! One raw CSV field to a typed [`Value`], per column type. Exact: a value the
//! column cannot hold as written is rejected, never rounded or truncated.
//!
//! Every type but text, varchar and char ignores surrounding ASCII spaces.
//! Every reason quotes the offending text and says what was expected.

use std::fmt;
use std::num::{IntErrorKind, ParseIntError};
use std::str::FromStr;

use rust_decimal::Decimal;

use super::Value;
use super::datetime::{parse_date, parse_time, parse_timestamp, parse_timestamptz};
use crate::catalog::{Column, ColumnType};

/// Parses one raw field for `column`. The error is the reason, for a
/// [`FieldError`](super::FieldError).
pub fn parse_field(column: &Column, raw: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(raw).map_err(|e| {
        format!(
            "not valid UTF-8 (byte {} of the field)",
            e.valid_up_to() + 1
        )
    })?;
    if text.is_empty() {
        return if column.nullable {
            Ok(Value::Null)
        } else {
            Err("required value is missing (empty field)".to_string())
        };
    }
    let ty = column.ty;
    Ok(match ty {
        ColumnType::SmallInt => Value::SmallInt(parse_integer(text, ty, i16::MIN, i16::MAX)?),
        ColumnType::Integer => Value::Int(parse_integer(text, ty, i32::MIN, i32::MAX)?),
        ColumnType::BigInt => Value::BigInt(parse_integer(text, ty, i64::MIN, i64::MAX)?),
        ColumnType::Numeric { precision, scale } => {
            Value::Numeric(parse_numeric(text, precision, scale)?)
        }
        ColumnType::Real => Value::Real(parse_float::<f32>(text, ty)?),
        ColumnType::Double => Value::Double(parse_float::<f64>(text, ty)?),
        ColumnType::Boolean => Value::Bool(parse_bool(text)?),
        ColumnType::Text | ColumnType::Varchar(None) => Value::Text(parse_text(text, None, ty)?),
        ColumnType::Varchar(Some(n)) | ColumnType::Char(n) => {
            Value::Text(parse_text(text, Some(n), ty)?)
        }
        ColumnType::Date => Value::Date(parse_date(text)?),
        ColumnType::Timestamp => Value::Timestamp(parse_timestamp(text)?),
        ColumnType::TimestampTz => Value::TimestampTz(parse_timestamptz(text)?),
        ColumnType::Time => Value::Time(parse_time(text)?),
        ColumnType::Uuid => Value::Uuid(parse_uuid(text)?),
        ColumnType::Bytea => Value::Bytes(parse_bytea(text)?),
    })
}

/// The text without surrounding ASCII spaces.
pub(super) fn trim_spaces(text: &str) -> &str {
    text.trim_matches(' ')
}

/// The text for a message, in quotes, cut after 60 characters.
pub(super) fn quote(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() > MAX {
        let head: String = text.chars().take(MAX).collect();
        format!("{head:?}…")
    } else {
        format!("{text:?}")
    }
}

/// Optional sign, then one or more decimal digits, within `min..=max`.
fn parse_integer<T>(text: &str, ty: ColumnType, min: T, max: T) -> Result<T, String>
where
    T: FromStr<Err = ParseIntError> + fmt::Display,
{
    let trimmed = trim_spaces(text);
    let digits = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "not an integer: {} ({ty} takes an optional sign and decimal digits)",
            quote(text)
        ));
    }
    trimmed.parse::<T>().map_err(|e| match e.kind() {
        IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => format!(
            "integer out of range for {ty}: {} ({ty} holds {min} to {max})",
            quote(text)
        ),
        _ => format!(
            "not an integer: {} ({ty} takes an optional sign and decimal digits)",
            quote(text)
        ),
    })
}

/// An exact decimal for `numeric(precision, scale)` (`numeric` when both are
/// `None`): optional sign, digits with at most one decimal point, no
/// exponent. More than `scale` decimals once trailing zeros are dropped, or
/// more than `precision - scale` integer digits, is rejected, never rounded.
/// The result carries scale `scale` when rust_decimal can hold it so.
pub fn parse_numeric(
    text: &str,
    precision: Option<u32>,
    scale: Option<u32>,
) -> Result<Decimal, String> {
    let ty = ColumnType::Numeric { precision, scale };
    let trimmed = trim_spaces(text);
    let unsigned = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    let negative = trimmed.starts_with('-');
    if ["nan", "infinity", "inf"].contains(&unsigned.to_ascii_lowercase().as_str()) {
        return Err(format!(
            "{} is not a finite number; the loader takes only exact decimals for {ty}",
            quote(text)
        ));
    }
    let (integer, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (integer.is_empty() && fraction.is_empty()) || !all_digits(integer) || !all_digits(fraction)
    {
        return Err(format!(
            "not a decimal number: {} ({ty} takes an optional sign and digits with an optional decimal point, no exponent)",
            quote(text)
        ));
    }
    // Leading and trailing zeros carry no digits: drop them before parsing
    // so only significant digits count against rust_decimal's 28.
    let integer = integer.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    let canonical = format!(
        "{}{}{}{}",
        if negative { "-" } else { "" },
        if integer.is_empty() { "0" } else { integer },
        if fraction.is_empty() { "" } else { "." },
        fraction
    );
    let mut value = Decimal::from_str_exact(&canonical).map_err(|_| {
        format!(
            "too many digits to hold exactly for {ty}: {} (the loader holds at most 28 significant digits, 28 after the decimal point)",
            quote(text)
        )
    })?;
    if value.is_zero() {
        value.set_sign_positive(true);
    }
    let value = value.normalize();
    if let Some(scale) = scale
        && value.scale() > scale
    {
        return Err(format!(
            "more than {scale} decimal places for {ty}: {} (refusing to round)",
            quote(text)
        ));
    }
    if let Some(precision) = precision
        && !value.is_zero()
    {
        let scale = scale.unwrap_or(0);
        let digits = value.mantissa().unsigned_abs().to_string().len() as i64;
        // The magnitude must stay below 10^(precision - scale).
        if digits - i64::from(value.scale()) > i64::from(precision) - i64::from(scale) {
            let limit = if precision >= scale {
                format!(
                    "at most {} digits before the decimal point",
                    precision - scale
                )
            } else {
                format!("the magnitude must stay below 1e-{}", scale - precision)
            };
            return Err(format!("out of range for {ty}: {} ({limit})", quote(text)));
        }
    }
    Ok(match scale {
        Some(scale) => {
            let mut rescaled = value;
            rescaled.rescale(scale);
            // rust_decimal tops out at scale 28 (or less for long mantissas):
            // the value is exact either way, PostgreSQL pads the rest.
            if rescaled.scale() == scale && rescaled == value {
                rescaled
            } else {
                value
            }
        }
        None => value,
    })
}

/// The float types' parsing, shared by `f32` and `f64`.
trait Float: FromStr + Copy {
    const NAN: Self;
    const INFINITY: Self;
    const NEG_INFINITY: Self;
    fn is_finite(self) -> bool;
    fn is_zero(self) -> bool;
}

impl Float for f32 {
    const NAN: Self = f32::NAN;
    const INFINITY: Self = f32::INFINITY;
    const NEG_INFINITY: Self = f32::NEG_INFINITY;
    fn is_finite(self) -> bool {
        f32::is_finite(self)
    }
    fn is_zero(self) -> bool {
        self == 0.0
    }
}

impl Float for f64 {
    const NAN: Self = f64::NAN;
    const INFINITY: Self = f64::INFINITY;
    const NEG_INFINITY: Self = f64::NEG_INFINITY;
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
    fn is_zero(self) -> bool {
        self == 0.0
    }
}

/// Decimal or scientific notation, or `NaN`, `Infinity`, `-Infinity`
/// (any case; `inf` too, as PostgreSQL takes). A finite text too large (or
/// too small but not zero) for the type is out of range.
fn parse_float<T: Float>(text: &str, ty: ColumnType) -> Result<T, String> {
    let trimmed = trim_spaces(text);
    match trimmed.to_ascii_lowercase().as_str() {
        "nan" => return Ok(T::NAN),
        "infinity" | "+infinity" | "inf" | "+inf" => return Ok(T::INFINITY),
        "-infinity" | "-inf" => return Ok(T::NEG_INFINITY),
        _ => {}
    }
    let invalid = || {
        format!(
            "not a number: {} ({ty} takes a decimal like -1.5, scientific notation like 1.5e3, NaN, Infinity or -Infinity)",
            quote(text)
        )
    };
    if !trimmed
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
    {
        return Err(invalid());
    }
    let value: T = trimmed.parse().map_err(|_| invalid())?;
    let mantissa = trimmed.split(['e', 'E']).next().unwrap_or(trimmed);
    let underflow = value.is_zero() && mantissa.bytes().any(|b| matches!(b, b'1'..=b'9'));
    if !value.is_finite() || underflow {
        return Err(format!("out of range for {ty}: {}", quote(text)));
    }
    Ok(value)
}

/// `true`/`false`, `t`/`f`, `yes`/`no`, `y`/`n`, `1`/`0`, in any case.
fn parse_bool(text: &str) -> Result<bool, String> {
    match trim_spaces(text).to_ascii_lowercase().as_str() {
        "true" | "t" | "yes" | "y" | "1" => Ok(true),
        "false" | "f" | "no" | "n" | "0" => Ok(false),
        _ => Err(format!(
            "not a boolean: {} (expected true/false, t/f, yes/no, y/n or 1/0, in any case)",
            quote(text)
        )),
    }
}

/// Text as written, byte for byte; at most `limit` characters when given.
fn parse_text(text: &str, limit: Option<u32>, ty: ColumnType) -> Result<String, String> {
    if text.contains('\0') {
        return Err(format!(
            "text contains a NUL character, which PostgreSQL cannot store: {}",
            quote(text)
        ));
    }
    if let Some(limit) = limit {
        let count = text.chars().count();
        if count > limit as usize {
            return Err(format!(
                "{count} characters, more than {ty} allows: {}",
                quote(text)
            ));
        }
    }
    Ok(text.to_string())
}

/// The forms `Uuid::parse_str` takes: hyphenated, simple, braced, urn.
fn parse_uuid(text: &str) -> Result<uuid::Uuid, String> {
    uuid::Uuid::parse_str(trim_spaces(text)).map_err(|_| {
        format!(
            "not a UUID: {} (expected 32 hex digits, as in a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11)",
            quote(text)
        )
    })
}

/// `\x` and pairs of hex digits, in either case.
fn parse_bytea(text: &str) -> Result<Vec<u8>, String> {
    let trimmed = trim_spaces(text);
    let problem = match trimmed.strip_prefix("\\x") {
        None => "no \\x prefix".to_string(),
        Some(digits) => match hex::decode(digits) {
            Ok(bytes) => return Ok(bytes),
            Err(hex::FromHexError::OddLength) => {
                format!("an odd number ({}) of hex digits", digits.len())
            }
            Err(hex::FromHexError::InvalidHexCharacter { c, .. }) => {
                format!("{c:?} is not a hex digit")
            }
            Err(_) => "not pairs of hex digits".to_string(),
        },
    };
    Err(format!(
        "bytea must be hex: \\x followed by an even number of hex digits; found {problem}: {}",
        quote(text)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::fixtures::column;

    fn parse(ty: ColumnType, text: &str) -> Result<Value, String> {
        parse_field(&column("c", ty, true), text.as_bytes())
    }

    fn rejected(ty: ColumnType, text: &str) -> String {
        match parse(ty, text) {
            Ok(value) => panic!("{text:?} must not parse as {ty}, got {value:?}"),
            Err(reason) => reason,
        }
    }

    const NUMERIC_12_4: ColumnType = ColumnType::Numeric {
        precision: Some(12),
        scale: Some(4),
    };
    const NUMERIC: ColumnType = ColumnType::Numeric {
        precision: None,
        scale: None,
    };

    #[test]
    fn empty_field_is_null_or_missing() {
        for ty in [ColumnType::Integer, ColumnType::Text, ColumnType::Bytea] {
            assert_eq!(parse(ty, ""), Ok(Value::Null));
            let reason = parse_field(&column("c", ty, false), b"").unwrap_err();
            assert_eq!(reason, "required value is missing (empty field)");
        }
    }

    #[test]
    fn smallint_bounds() {
        use ColumnType::SmallInt;
        assert_eq!(parse(SmallInt, " -32768 "), Ok(Value::SmallInt(-32768)));
        assert_eq!(parse(SmallInt, "+32767"), Ok(Value::SmallInt(32767)));
        let reason = rejected(SmallInt, "32768");
        assert!(
            reason.starts_with("integer out of range for smallint: \"32768\""),
            "{reason}"
        );
        assert!(reason.contains("-32768 to 32767"), "{reason}");
        assert!(rejected(SmallInt, "-32769").starts_with("integer out of range"));
    }

    #[test]
    fn integers_take_sign_and_digits_only() {
        use ColumnType::{BigInt, Integer};
        assert_eq!(parse(Integer, "-2147483648"), Ok(Value::Int(i32::MIN)));
        assert_eq!(
            parse(BigInt, "9223372036854775807"),
            Ok(Value::BigInt(i64::MAX))
        );
        assert!(
            rejected(BigInt, "9223372036854775808").starts_with("integer out of range for bigint")
        );
        assert!(rejected(Integer, "2147483648").starts_with("integer out of range for integer"));
        for bad in ["1.5", "1e3", "   ", "+", "-", "1 000", "0x10", "١٢", "\t1"] {
            let reason = rejected(Integer, bad);
            assert!(reason.starts_with("not an integer: "), "{bad}: {reason}");
            assert!(
                reason.contains("optional sign and decimal digits"),
                "{reason}"
            );
        }
        assert!(rejected(BigInt, "99999999999999999999x").starts_with("not an integer"));
    }

    #[test]
    fn numeric_with_scale_is_exact_and_rescaled() {
        let n = |text: &str| parse_numeric(text, Some(12), Some(4));
        assert_eq!(n("1").unwrap().to_string(), "1.0000");
        assert_eq!(n("-0.5").unwrap().to_string(), "-0.5000");
        assert_eq!(n("12345678.1234").unwrap().to_string(), "12345678.1234");
        // Trailing zeros are no extra places.
        assert_eq!(n("1.23450000000").unwrap().to_string(), "1.2345");
        assert_eq!(
            n("1.00000000000000000000000000000000000")
                .unwrap()
                .to_string(),
            "1.0000"
        );
        assert_eq!(n("+.5").unwrap().to_string(), "0.5000");
        assert_eq!(n("5.").unwrap().to_string(), "5.0000");
        assert_eq!(n(" 007 ").unwrap().to_string(), "7.0000");
        assert_eq!(n("-0.000").unwrap().to_string(), "0.0000");
        assert_eq!(
            n("1.23456").unwrap_err(),
            "more than 4 decimal places for numeric(12,4): \"1.23456\" (refusing to round)"
        );
        let reason = n("123456789").unwrap_err();
        assert!(
            reason.starts_with("out of range for numeric(12,4): \"123456789\""),
            "{reason}"
        );
        assert!(reason.contains("at most 8 digits before the decimal point"));
        assert!(n("-99999999.9999").is_ok());
        assert!(n("-100000000").is_err());
        for bad in ["1e3", "abc", "1.2.3", ".", "-", "1_000", "1,5", "0x1"] {
            assert!(
                n(bad).unwrap_err().starts_with("not a decimal number"),
                "{bad}"
            );
        }
        for special in ["NaN", "Infinity", "-inf"] {
            assert!(
                n(special).unwrap_err().contains("not a finite number"),
                "{special}"
            );
        }
    }

    #[test]
    fn numeric_through_parse_field() {
        assert_eq!(
            parse(NUMERIC_12_4, "0.99"),
            Ok(Value::Numeric(Decimal::new(9900, 4)))
        );
        assert!(rejected(NUMERIC_12_4, "0.00001").starts_with("more than 4 decimal places"));
        let money = ColumnType::Numeric {
            precision: Some(10),
            scale: Some(2),
        };
        assert!(rejected(money, "0.999").starts_with("more than 2 decimal places"));
        assert!(rejected(money, "100000000").starts_with("out of range for numeric(10,2)"));
        assert_eq!(
            parse(money, "99999999.99"),
            Ok(Value::Numeric(Decimal::new(9_999_999_999, 2)))
        );
    }

    #[test]
    fn numeric_scale_above_precision() {
        // numeric(2,3) holds magnitudes below 0.1.
        assert!(parse_numeric("0.099", Some(2), Some(3)).is_ok());
        assert!(parse_numeric("0", Some(2), Some(3)).is_ok());
        assert!(
            parse_numeric("0.1", Some(2), Some(3))
                .unwrap_err()
                .contains("below 1e-1")
        );
    }

    #[test]
    fn plain_numeric_takes_what_rust_decimal_holds_exactly() {
        let pi = "3.1415926535897932384626433833";
        assert_eq!(
            parse(NUMERIC, pi),
            Ok(Value::Numeric(Decimal::from_str_exact(pi).unwrap()))
        );
        assert_eq!(
            parse_numeric("-79228162514264337593543950335", None, None)
                .unwrap()
                .to_string(),
            "-79228162514264337593543950335"
        );
        assert_eq!(
            parse_numeric("1.50", None, None).unwrap().to_string(),
            "1.5"
        );
        for long in [
            "79228162514264337593543950336",
            "3.14159265358979323846264338327",
            "0.00000000000000000000000000001",
        ] {
            let reason = rejected(NUMERIC, long);
            assert!(
                reason.starts_with("too many digits to hold exactly for numeric"),
                "{reason}"
            );
        }
    }

    #[test]
    fn real_and_double() {
        use ColumnType::{Double, Real};
        assert_eq!(parse(Real, "1.5e3"), Ok(Value::Real(1500.0)));
        assert_eq!(parse(Double, " -0.1 "), Ok(Value::Double(-0.1)));
        assert_eq!(parse(Double, "2E-3"), Ok(Value::Double(0.002)));
        assert_eq!(
            parse(Double, "-Infinity"),
            Ok(Value::Double(f64::NEG_INFINITY))
        );
        assert_eq!(parse(Real, "INFINITY"), Ok(Value::Real(f32::INFINITY)));
        assert_eq!(parse(Double, "inf"), Ok(Value::Double(f64::INFINITY)));
        assert!(matches!(parse(Real, "nan"), Ok(Value::Real(v)) if v.is_nan()));
        assert!(matches!(parse(Double, "NaN"), Ok(Value::Double(v)) if v.is_nan()));
        assert_eq!(rejected(Real, "1e39"), "out of range for real: \"1e39\"");
        assert!(parse(Double, "1e39").is_ok());
        assert!(rejected(Double, "1e400").starts_with("out of range for double precision"));
        assert!(rejected(Double, "1e-400").starts_with("out of range"));
        assert_eq!(parse(Double, "0e-400"), Ok(Value::Double(0.0)));
        for bad in [
            "abc", "1,5", "0x1p3", "", " ", "1e", "-nan", "infinite", "1_0",
        ] {
            if bad.is_empty() {
                continue;
            }
            let reason = rejected(Double, bad);
            assert!(reason.starts_with("not a number: "), "{bad}: {reason}");
            assert!(reason.contains("NaN, Infinity or -Infinity"), "{reason}");
        }
    }

    #[test]
    fn boolean_spellings() {
        use ColumnType::Boolean;
        for yes in [
            "true", "TRUE", "True", "t", "T", "yes", "YES", "y", "Y", "1", " true ",
        ] {
            assert_eq!(parse(Boolean, yes), Ok(Value::Bool(true)), "{yes}");
        }
        for no in ["false", "FALSE", "f", "F", "no", "No", "n", "N", "0", "  0"] {
            assert_eq!(parse(Boolean, no), Ok(Value::Bool(false)), "{no}");
        }
        for bad in ["2", "on", "off", "tru", "yess", "-1", "1.0"] {
            let reason = rejected(Boolean, bad);
            assert!(
                reason.contains("true/false, t/f, yes/no, y/n or 1/0"),
                "{bad}: {reason}"
            );
        }
    }

    #[test]
    fn text_is_byte_for_byte_without_nul() {
        use ColumnType::Text;
        let text = "  São Paulo, \"x\"\r\n ";
        assert_eq!(parse(Text, text), Ok(Value::Text(text.to_string())));
        assert!(rejected(Text, "a\0b").contains("NUL"));
        assert_eq!(
            parse(ColumnType::Varchar(None), " x "),
            Ok(Value::Text(" x ".into()))
        );
    }

    #[test]
    fn varchar_and_char_count_characters_not_bytes() {
        use ColumnType::{Char, Varchar};
        // 10 characters, 20 bytes.
        let ten = "ÅÄÖåäöÆØæø";
        assert_eq!(ten.len(), 20);
        assert_eq!(parse(Varchar(Some(10)), ten), Ok(Value::Text(ten.into())));
        let seventeen = "Ångström-café-ñoñ";
        assert_eq!(seventeen.chars().count(), 17);
        assert_eq!(
            rejected(Varchar(Some(10)), seventeen),
            format!("17 characters, more than varchar(10) allows: {seventeen:?}")
        );
        assert_eq!(parse(Char(3), "né"), Ok(Value::Text("né".into())));
        assert_eq!(parse(Char(3), "abc"), Ok(Value::Text("abc".into())));
        assert!(rejected(Char(3), "abcd").starts_with("4 characters, more than char(3) allows"));
        assert!(rejected(Varchar(Some(10)), "a\0").contains("NUL"));
    }

    #[test]
    fn uuid_forms() {
        use ColumnType::Uuid;
        let id = uuid::Uuid::from_u128(0xa0ee_bc99_9c0b_4ef8_bb6d_6bb9_bd38_0a11);
        for form in [
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
            "a0eebc999c0b4ef8bb6d6bb9bd380a11",
            "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
            "urn:uuid:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        ] {
            assert_eq!(parse(Uuid, form), Ok(Value::Uuid(id)), "{form}");
        }
        for bad in [
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",
            "not-a-uuid",
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g",
        ] {
            assert!(rejected(Uuid, bad).starts_with("not a UUID: "), "{bad}");
        }
    }

    #[test]
    fn bytea_is_hex() {
        use ColumnType::Bytea;
        assert_eq!(
            parse(Bytea, "\\xDEADbeef"),
            Ok(Value::Bytes(vec![0xde, 0xad, 0xbe, 0xef]))
        );
        assert_eq!(parse(Bytea, "\\x"), Ok(Value::Bytes(Vec::new())));
        let odd = rejected(Bytea, "\\xabc");
        assert!(odd.starts_with("bytea must be hex: \\x"), "{odd}");
        assert!(odd.contains("odd number (3) of hex digits"), "{odd}");
        assert!(rejected(Bytea, "\\xzz").contains("'z' is not a hex digit"));
        assert!(rejected(Bytea, "deadbeef").contains("no \\x prefix"));
        assert!(rejected(Bytea, "\\001").starts_with("bytea must be hex"));
    }

    #[test]
    fn every_type_parses_something_and_rejects_something() {
        use ColumnType::*;
        for (ty, good, bad) in [
            (SmallInt, "1", "x"),
            (Integer, "1", "x"),
            (BigInt, "1", "x"),
            (NUMERIC_12_4, "1.5", "x"),
            (NUMERIC, "1.5", "1e5"),
            (Real, "1.5", "x"),
            (Double, "1.5", "x"),
            (Boolean, "t", "x"),
            (Text, "x", "\0"),
            (Varchar(Some(1)), "x", "xy"),
            (Varchar(None), "x", "\0"),
            (Char(1), "x", "xy"),
            (Date, "2024-02-29", "2023-02-29"),
            (Timestamp, "2021-01-02 03:04:05", "2021-01-02 03:04"),
            (TimestampTz, "2021-01-02 03:04:05Z", "2021-01-02 03:04:05"),
            (Time, "03:04", "3:04"),
            (Uuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "x"),
            (Bytea, "\\x00", "\\x0"),
        ] {
            assert!(parse(ty, good).is_ok(), "{ty}: {good}");
            let reason = rejected(ty, bad);
            assert!(
                reason.contains(&quote(bad)),
                "{ty}: the reason quotes the text: {reason}"
            );
        }
    }

    #[test]
    fn long_text_is_quoted_truncated() {
        let long = "9".repeat(100);
        let reason = rejected(ColumnType::Integer, &long);
        assert!(
            reason.contains(&format!("{:?}…", "9".repeat(60))),
            "{reason}"
        );
    }
}
