//! The CSV dialect of one file: delimiter, quote character, extra NULL
//! markers, text encoding and size limits.
//!
//! A dialect starts from [`Dialect::default`] and takes `name=value` options
//! in order: a pack's `dataset.toml` `[csv]` defaults first, then the
//! options in the file's S3 key (`incoming/customers/delimiter=semicolon/x.csv`),
//! so a file's own options win. Option names follow Snowflake's FILE_FORMAT
//! and DuckDB's `read_csv` (both spellings are accepted), case-insensitively:
//!
//! | option | aliases | values |
//! |---|---|---|
//! | `delimiter` | `delim`, `sep`, `field_delimiter` | `auto`, `,`/`comma`, `;`/`semicolon`, `\t`/`tab`, `\|`/`pipe` |
//! | `quote` | `field_optionally_enclosed_by` | `"`/`double`, `'`/`single`, `none` |
//! | `null` | `nullstr`, `null_if` | any text; repeatable, each adds a marker |
//! | `encoding` | | `auto`, `utf-8`, `utf-16le`, `utf-16be` |
//! | `max_field_size` | | a size (below); default 16 MiB, as Snowflake's |
//! | `max_record_size` | `max_line_size`, `maximum_line_size` (DuckDB) | a size; default 16 MiB (a record is held in about three copies while it is read, so this bounds memory on a small Lambda) |
//!
//! A size is a positive whole number of bytes, optionally followed by a
//! unit: `KB`, `MB`, `GB` are 1000-based, `KiB`, `MiB`, `GiB` 1024-based
//! (`16MB` is 16 000 000 bytes, `16MiB` 16 777 216), case-insensitively,
//! with or without a space. A bare `K`/`M`/`G` is refused as ambiguous.
//! Sizes count the bytes of the decoded (UTF-8) text as the file has it; a
//! field's size includes its quotes. A record over a limit is rejected
//! without being held in memory (see [`crate::records`]).

use std::fmt;

/// How fields are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delimiter {
    /// Detected from the header line (see [`crate::records`]).
    #[default]
    Auto,
    Comma,
    Semicolon,
    Tab,
    Pipe,
}

impl Delimiter {
    /// The candidates auto-detection tries, in tie-breaking order.
    pub const CANDIDATES: [Delimiter; 4] = [
        Delimiter::Comma,
        Delimiter::Semicolon,
        Delimiter::Tab,
        Delimiter::Pipe,
    ];

    /// The byte, or `None` for [`Delimiter::Auto`].
    pub fn byte(self) -> Option<u8> {
        match self {
            Delimiter::Auto => None,
            Delimiter::Comma => Some(b','),
            Delimiter::Semicolon => Some(b';'),
            Delimiter::Tab => Some(b'\t'),
            Delimiter::Pipe => Some(b'|'),
        }
    }
}

/// The text encoding of the file's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// A byte-order mark decides (UTF-8, UTF-16LE or UTF-16BE); without one
    /// the file is UTF-8.
    #[default]
    Auto,
    /// UTF-8 whatever the first bytes are (a UTF-8 BOM is still skipped).
    Utf8,
    /// UTF-16 little-endian, with or without a BOM.
    Utf16Le,
    /// UTF-16 big-endian, with or without a BOM.
    Utf16Be,
}

/// The CSV dialect of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: Delimiter,
    /// The quote character; `None` reads quotes as ordinary text.
    pub quote: Option<u8>,
    /// Field texts that mean NULL besides the empty field (which always
    /// does). They apply to unquoted fields only, as in PostgreSQL's COPY,
    /// so `"NULL"` quoted stays the text NULL.
    pub null_markers: Vec<String>,
    pub encoding: Encoding,
    /// The largest field accepted, in bytes (quotes included).
    pub max_field_size: u64,
    /// The largest record accepted, in bytes (without its line terminator).
    pub max_record_size: u64,
}

/// The default `max_field_size`: 16 MiB, Snowflake's limit.
pub const DEFAULT_MAX_FIELD_SIZE: u64 = 16 << 20;
/// The default `max_record_size`: 16 MiB (a record is held in about three
/// copies while read: this keeps a 512 MB Lambda safe).
pub const DEFAULT_MAX_RECORD_SIZE: u64 = 16 << 20;

impl Default for Dialect {
    fn default() -> Self {
        Self {
            delimiter: Delimiter::Auto,
            quote: Some(b'"'),
            null_markers: Vec::new(),
            encoding: Encoding::Auto,
            max_field_size: DEFAULT_MAX_FIELD_SIZE,
            max_record_size: DEFAULT_MAX_RECORD_SIZE,
        }
    }
}

/// A size in bytes, shown in the largest binary unit that divides it
/// (`16 MiB`, `1500 bytes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub u64);

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let size = self.0;
        for (unit, shift) in [("GiB", 30), ("MiB", 20), ("KiB", 10)] {
            if size != 0 && size.trailing_zeros() >= shift {
                return write!(f, "{} {unit}", size >> shift);
            }
        }
        match size {
            1 => f.write_str("1 byte"),
            _ => write!(f, "{size} bytes"),
        }
    }
}

/// A CSV option that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DialectError {
    #[error(
        "unknown CSV option {name:?}: the options are {}",
        OptionName::ACCEPTED
    )]
    UnknownOption { name: String },
    #[error("CSV option {option}: unknown value {value:?}; accepted values: {accepted}")]
    BadValue {
        option: OptionName,
        value: String,
        accepted: &'static str,
    },
}

/// The options a dialect takes, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionName {
    Delimiter,
    Quote,
    Null,
    Encoding,
    MaxFieldSize,
    MaxRecordSize,
}

impl OptionName {
    const ACCEPTED: &'static str =
        "delimiter, quote, null, encoding, max_field_size, max_record_size";

    fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "delimiter" | "delim" | "sep" | "field_delimiter" => Some(Self::Delimiter),
            "quote" | "field_optionally_enclosed_by" => Some(Self::Quote),
            "null" | "nullstr" | "null_if" => Some(Self::Null),
            "encoding" => Some(Self::Encoding),
            "max_field_size" => Some(Self::MaxFieldSize),
            "max_record_size" | "max_line_size" | "maximum_line_size" => Some(Self::MaxRecordSize),
            _ => None,
        }
    }
}

impl fmt::Display for OptionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Delimiter => "delimiter",
            Self::Quote => "quote",
            Self::Null => "null",
            Self::Encoding => "encoding",
            Self::MaxFieldSize => "max_field_size",
            Self::MaxRecordSize => "max_record_size",
        })
    }
}

const DELIMITER_VALUES: &str = r#"auto, "," or comma, ";" or semicolon, "\t" or tab, "|" or pipe"#;
const QUOTE_VALUES: &str = r#""\"" or double, "'" or single, none"#;
const ENCODING_VALUES: &str = "auto, utf-8, utf-16le, utf-16be";
const SIZE_VALUES: &str = "a positive number of bytes, optionally with a unit: KB, MB, GB (1000-based) or KiB, MiB, GiB (1024-based), e.g. 16MiB";

impl Dialect {
    /// The default dialect with `options` applied in order (pack defaults
    /// first, then the file's own).
    pub fn from_options<I, N, V>(options: I) -> Result<Self, DialectError>
    where
        I: IntoIterator<Item = (N, V)>,
        N: AsRef<str>,
        V: AsRef<str>,
    {
        let mut dialect = Self::default();
        for (name, value) in options {
            dialect.apply(name.as_ref(), value.as_ref())?;
        }
        Ok(dialect)
    }

    /// Applies one `name=value` option; a later option overrides an earlier
    /// one, except `null`, which adds a marker each time.
    pub fn apply(&mut self, name: &str, value: &str) -> Result<(), DialectError> {
        let option = OptionName::parse(name).ok_or_else(|| DialectError::UnknownOption {
            name: name.to_string(),
        })?;
        let bad_value = |accepted| DialectError::BadValue {
            option,
            value: value.to_string(),
            accepted,
        };
        match option {
            OptionName::Delimiter => {
                self.delimiter =
                    parse_delimiter(value).ok_or_else(|| bad_value(DELIMITER_VALUES))?;
            }
            OptionName::Quote => {
                self.quote = parse_quote(value).ok_or_else(|| bad_value(QUOTE_VALUES))?;
            }
            OptionName::Null => {
                // The empty field is NULL already; an empty marker adds nothing.
                if !value.is_empty() && !self.null_markers.iter().any(|m| m == value) {
                    self.null_markers.push(value.to_string());
                }
            }
            OptionName::Encoding => {
                self.encoding = parse_encoding(value).ok_or_else(|| bad_value(ENCODING_VALUES))?;
            }
            OptionName::MaxFieldSize => {
                self.max_field_size = parse_size(value).ok_or_else(|| bad_value(SIZE_VALUES))?;
            }
            OptionName::MaxRecordSize => {
                self.max_record_size = parse_size(value).ok_or_else(|| bad_value(SIZE_VALUES))?;
            }
        }
        Ok(())
    }
}

fn parse_delimiter(value: &str) -> Option<Delimiter> {
    // A literal tab is matched before trimming would remove it.
    if value == "\t" {
        return Some(Delimiter::Tab);
    }
    match value.trim().to_ascii_lowercase().as_str() {
        "auto" => Some(Delimiter::Auto),
        "," | "comma" => Some(Delimiter::Comma),
        ";" | "semicolon" => Some(Delimiter::Semicolon),
        "\\t" | "tab" => Some(Delimiter::Tab),
        "|" | "pipe" => Some(Delimiter::Pipe),
        _ => None,
    }
}

/// `Some(None)` is "no quoting".
fn parse_quote(value: &str) -> Option<Option<u8>> {
    match value.trim().to_ascii_lowercase().as_str() {
        "\"" | "double" => Some(Some(b'"')),
        "'" | "single" => Some(Some(b'\'')),
        "none" => Some(None),
        _ => None,
    }
}

fn parse_encoding(value: &str) -> Option<Encoding> {
    match value.trim().to_ascii_lowercase().as_str() {
        "auto" => Some(Encoding::Auto),
        "utf-8" | "utf8" => Some(Encoding::Utf8),
        "utf-16le" | "utf16le" => Some(Encoding::Utf16Le),
        "utf-16be" | "utf16be" => Some(Encoding::Utf16Be),
        _ => None,
    }
}

/// A positive size: bytes, or a number with a unit (see the module doc).
fn parse_size(value: &str) -> Option<u64> {
    let value = value.trim();
    let digits = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(digits);
    let number: u64 = number.parse().ok()?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" | "bytes" => 1,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        _ => return None,
    };
    number.checked_mul(multiplier).filter(|&size| size > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_auto_delimiter_double_quote_auto_encoding() {
        let dialect = Dialect::default();
        assert_eq!(dialect.delimiter, Delimiter::Auto);
        assert_eq!(dialect.quote, Some(b'"'));
        assert!(dialect.null_markers.is_empty());
        assert_eq!(dialect.encoding, Encoding::Auto);
    }

    #[test]
    fn every_delimiter_spelling_applies() {
        for (value, expected) in [
            ("auto", Delimiter::Auto),
            (",", Delimiter::Comma),
            ("comma", Delimiter::Comma),
            (";", Delimiter::Semicolon),
            ("SEMICOLON", Delimiter::Semicolon),
            ("\t", Delimiter::Tab),
            ("\\t", Delimiter::Tab),
            ("tab", Delimiter::Tab),
            ("|", Delimiter::Pipe),
            ("pipe", Delimiter::Pipe),
        ] {
            let mut dialect = Dialect::default();
            dialect.apply("delimiter", value).unwrap();
            assert_eq!(dialect.delimiter, expected, "{value:?}");
        }
        assert_eq!(Delimiter::Tab.byte(), Some(b'\t'));
        assert_eq!(Delimiter::Auto.byte(), None);
    }

    #[test]
    fn quote_null_and_encoding_apply() {
        let dialect = Dialect::from_options([
            ("quote", "single"),
            ("null", "NULL"),
            ("NULL", "\\N"),
            ("null", "NULL"),
            ("encoding", "UTF-16LE"),
        ])
        .unwrap();
        assert_eq!(dialect.quote, Some(b'\''));
        assert_eq!(dialect.null_markers, vec!["NULL".to_string(), "\\N".into()]);
        assert_eq!(dialect.encoding, Encoding::Utf16Le);
        let none = Dialect::from_options([("quote", "none")]).unwrap();
        assert_eq!(none.quote, None);
    }

    #[test]
    fn later_options_override_pack_defaults() {
        let pack = vec![("delimiter".to_string(), ";".to_string())];
        let file = vec![("delimiter".to_string(), "pipe".to_string())];
        let dialect = Dialect::from_options(pack.into_iter().chain(file)).unwrap();
        assert_eq!(dialect.delimiter, Delimiter::Pipe);
    }

    #[test]
    fn an_unknown_option_is_named_with_the_accepted_ones() {
        let error = Dialect::from_options([("delimter", ";")]).unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"unknown CSV option "delimter": the options are delimiter, quote, null, encoding, max_field_size, max_record_size"#
        );
    }

    #[test]
    fn an_unknown_value_names_the_option_and_the_accepted_values() {
        let error = Dialect::from_options([("delimiter", "colon")]).unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"CSV option delimiter: unknown value "colon"; accepted values: auto, "," or comma, ";" or semicolon, "\t" or tab, "|" or pipe"#
        );
        let error = Dialect::from_options([("quote", "`")]).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("CSV option quote: unknown value \"`\"")
        );
        let error = Dialect::from_options([("encoding", "latin1")]).unwrap_err();
        assert_eq!(
            error,
            DialectError::BadValue {
                option: OptionName::Encoding,
                value: "latin1".into(),
                accepted: ENCODING_VALUES,
            }
        );
    }

    #[test]
    fn size_limits_default_to_16_mib() {
        let dialect = Dialect::default();
        assert_eq!(dialect.max_field_size, 16 * 1024 * 1024);
        assert_eq!(dialect.max_record_size, 16 * 1024 * 1024);
    }

    #[test]
    fn sizes_take_bytes_and_decimal_or_binary_units() {
        for (value, expected) in [
            ("1", 1),
            ("1048576", 1 << 20),
            ("100 B", 100),
            ("16KB", 16_000),
            ("16kib", 16 << 10),
            ("16MB", 16_000_000),
            ("16MiB", 16 << 20),
            (" 16 MiB ", 16 << 20),
            ("2GB", 2_000_000_000),
            ("2GiB", 2 << 30),
        ] {
            let dialect = Dialect::from_options([("max_field_size", value)]).unwrap();
            assert_eq!(dialect.max_field_size, expected, "{value:?}");
        }
        let dialect =
            Dialect::from_options([("max_record_size", "1MiB"), ("MAX_LINE_SIZE", "2MiB")])
                .unwrap();
        assert_eq!(dialect.max_record_size, 2 << 20);
        assert_eq!(dialect.max_field_size, DEFAULT_MAX_FIELD_SIZE);
    }

    #[test]
    fn a_bad_size_names_the_option() {
        for value in [
            "",
            "0",
            "0MiB",
            "-1",
            "16M",
            "16 K",
            "1.5MiB",
            "MiB",
            "16TiB",
            "lots",
            "99999999999999999999",
            "99999999999GiB",
        ] {
            let error = Dialect::from_options([("max_field_size", value)]).unwrap_err();
            assert_eq!(
                error,
                DialectError::BadValue {
                    option: OptionName::MaxFieldSize,
                    value: value.into(),
                    accepted: SIZE_VALUES,
                },
                "{value:?}"
            );
        }
        let error = Dialect::from_options([("max_record_size", "16M")]).unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"CSV option max_record_size: unknown value "16M"; accepted values: a positive number of bytes, optionally with a unit: KB, MB, GB (1000-based) or KiB, MiB, GiB (1024-based), e.g. 16MiB"#
        );
    }

    #[test]
    fn byte_sizes_show_in_the_largest_exact_binary_unit() {
        assert_eq!(ByteSize(16 << 20).to_string(), "16 MiB");
        assert_eq!(ByteSize(3 << 30).to_string(), "3 GiB");
        assert_eq!(ByteSize(1536).to_string(), "1536 bytes");
        assert_eq!(ByteSize(2048).to_string(), "2 KiB");
        assert_eq!(ByteSize(16_000_000).to_string(), "15625 KiB");
        assert_eq!(ByteSize(16_000_001).to_string(), "16000001 bytes");
        assert_eq!(ByteSize(1).to_string(), "1 byte");
    }
}
