//! The CSV dialect of one file: delimiter, quote character, extra NULL
//! markers and text encoding.
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
}

impl Default for Dialect {
    fn default() -> Self {
        Self {
            delimiter: Delimiter::Auto,
            quote: Some(b'"'),
            null_markers: Vec::new(),
            encoding: Encoding::Auto,
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
}

impl OptionName {
    const ACCEPTED: &'static str = "delimiter, quote, null, encoding";

    fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "delimiter" | "delim" | "sep" | "field_delimiter" => Some(Self::Delimiter),
            "quote" | "field_optionally_enclosed_by" => Some(Self::Quote),
            "null" | "nullstr" | "null_if" => Some(Self::Null),
            "encoding" => Some(Self::Encoding),
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
        })
    }
}

const DELIMITER_VALUES: &str = r#"auto, "," or comma, ";" or semicolon, "\t" or tab, "|" or pipe"#;
const QUOTE_VALUES: &str = r#""\"" or double, "'" or single, none"#;
const ENCODING_VALUES: &str = "auto, utf-8, utf-16le, utf-16be";

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
            r#"unknown CSV option "delimter": the options are delimiter, quote, null, encoding"#
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
}
