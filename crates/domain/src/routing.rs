//! S3 key routing: which table an object under the drop zone loads into.
//!
//! Keys in S3 event notifications are URL-encoded with `+` for a space, and
//! the aws_lambda_events crate hands them over undecoded.

use percent_encoding::percent_decode_str;

use crate::catalog::{Table, find_table};

/// How the object's bytes are compressed, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
}

/// Where an object goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub table: &'static Table,
    pub compression: Compression,
}

/// Why an object key cannot be routed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    #[error("event key {raw:?} is not valid URL encoding of UTF-8 text")]
    BadEncoding { raw: String },
    #[error("key {key:?} is outside the drop zone {prefix:?}")]
    OutsidePrefix { key: String, prefix: String },
    #[error("key {key:?} is not a .csv or .csv.gz file")]
    NotCsv { key: String },
    #[error("key {key:?} names no known table: {name:?} (known: {known})")]
    UnknownTable {
        key: String,
        name: String,
        known: String,
    },
}

/// Decodes a key from an S3 event notification: `+` is a space, then `%XX`
/// escapes, and the result must be UTF-8.
pub fn decode_event_key(raw: &str) -> Result<String, RouteError> {
    let plus_as_space = raw.replace('+', " ");
    percent_decode_str(&plus_as_space)
        .decode_utf8()
        .map(|key| key.into_owned())
        .map_err(|_| RouteError::BadEncoding {
            raw: raw.to_string(),
        })
}

/// Routes a decoded key: `<prefix><Table>.csv[.gz]` or
/// `<prefix><table>/<anything>.csv[.gz]`. Table names match
/// case-insensitively, ignoring `_` and `-`; extensions match case-insensitively.
pub fn route_key(key: &str, incoming_prefix: &str) -> Result<Route, RouteError> {
    let Some(rest) = key.strip_prefix(incoming_prefix) else {
        return Err(RouteError::OutsidePrefix {
            key: key.to_string(),
            prefix: incoming_prefix.to_string(),
        });
    };
    let lower = rest.to_ascii_lowercase();
    let (compression, stem_len) = if lower.ends_with(".csv.gz") {
        (Compression::Gzip, rest.len() - ".csv.gz".len())
    } else if lower.ends_with(".csv") {
        (Compression::None, rest.len() - ".csv".len())
    } else {
        return Err(RouteError::NotCsv {
            key: key.to_string(),
        });
    };
    let name = match rest.split_once('/') {
        Some((directory, file)) if !file.is_empty() => directory,
        _ => &rest[..stem_len],
    };
    if name.is_empty() || name.contains('/') {
        return Err(RouteError::NotCsv {
            key: key.to_string(),
        });
    }
    let table = find_table(name).ok_or_else(|| RouteError::UnknownTable {
        key: key.to_string(),
        name: name.to_string(),
        known: crate::catalog::TABLES
            .iter()
            .map(|t| t.csv_name)
            .collect::<Vec<_>>()
            .join(", "),
    })?;
    Ok(Route { table, compression })
}

/// `rejected/<original key>.errors.csv`: the rejected rows of a load.
pub fn rejected_rows_key(rejected_prefix: &str, original_key: &str) -> String {
    format!("{rejected_prefix}{original_key}.errors.csv")
}

/// `rejected/<original key>.error.json`: why a whole file could not load.
pub fn rejected_file_key(rejected_prefix: &str, original_key: &str) -> String {
    format!("{rejected_prefix}{original_key}.error.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plus_percent_and_utf8() {
        assert_eq!(
            decode_event_key("incoming/my+file%2B1.csv").unwrap(),
            "incoming/my file+1.csv"
        );
        assert_eq!(
            decode_event_key("incoming/caf%C3%A9/S%C3%A3o+Paulo.csv").unwrap(),
            "incoming/café/São Paulo.csv"
        );
        assert_eq!(
            decode_event_key("incoming/Track.csv").unwrap(),
            "incoming/Track.csv"
        );
    }

    #[test]
    fn rejects_invalid_utf8_escapes() {
        assert!(matches!(
            decode_event_key("incoming/%FF.csv"),
            Err(RouteError::BadEncoding { .. })
        ));
    }

    #[test]
    fn routes_file_named_after_table() {
        let route = route_key("incoming/InvoiceLine.csv", "incoming/").unwrap();
        assert_eq!(route.table.name, "invoice_line");
        assert_eq!(route.compression, Compression::None);
    }

    #[test]
    fn routes_directory_named_after_table() {
        let route = route_key(
            "incoming/invoice_line/2024 export part 1.csv.gz",
            "incoming/",
        )
        .unwrap();
        assert_eq!(route.table.name, "invoice_line");
        assert_eq!(route.compression, Compression::Gzip);
        let nested = route_key("incoming/Media-Type/2024/05/x.CSV", "incoming/").unwrap();
        assert_eq!(nested.table.name, "media_type");
    }

    #[test]
    fn rejects_key_outside_prefix() {
        assert!(matches!(
            route_key("rejected/Track.csv", "incoming/"),
            Err(RouteError::OutsidePrefix { .. })
        ));
    }

    #[test]
    fn rejects_unknown_table_naming_it() {
        let err = route_key("incoming/Invoices.csv", "incoming/").unwrap_err();
        assert!(matches!(err, RouteError::UnknownTable { ref name, .. } if name == "Invoices"));
        assert!(
            err.to_string().contains("InvoiceLine"),
            "lists known tables: {err}"
        );
    }

    #[test]
    fn rejects_non_csv_extensions() {
        for key in [
            "incoming/Track.json",
            "incoming/Track.csv.zip",
            "incoming/Track",
            "incoming/",
            "incoming/.csv",
        ] {
            assert!(route_key(key, "incoming/").is_err(), "{key}");
        }
    }

    #[test]
    fn rejected_keys_keep_the_original_key() {
        assert_eq!(
            rejected_rows_key("rejected/", "incoming/Track.csv"),
            "rejected/incoming/Track.csv.errors.csv"
        );
        assert_eq!(
            rejected_file_key("rejected/", "incoming/x.csv"),
            "rejected/incoming/x.csv.error.json"
        );
    }
}
