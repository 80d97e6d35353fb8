//! S3 key routing: which table an object under the drop zone loads into.
//!
//! Keys in S3 event notifications are URL-encoded with `+` for a space, and
//! the aws_lambda_events crate hands them over undecoded.

use percent_encoding::percent_decode_str;

use crate::catalog::{Catalog, Table};

/// How the object's bytes are compressed, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
}

/// Where an object goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub table: &'static Table,
    pub compression: Compression,
    /// Per-file CSV options from `name=value` folders in the key
    /// (`incoming/customers/delimiter=semicolon/x.csv`), in key order.
    pub options: Vec<(String, String)>,
}

/// Why an object key cannot be routed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    #[error("event key {raw:?} is not valid URL encoding of UTF-8 text")]
    BadEncoding { raw: String },
    #[error("key {key:?} is outside the drop zone {prefix:?}")]
    OutsidePrefix { key: String, prefix: String },
    #[error("key {key:?} is not a .csv, .tsv or .txt file (optionally .gz)")]
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

/// The file extensions the drop zone takes (case-insensitive), each also
/// with `.gz`. A `.tsv` file is tab-delimited unless its options say otherwise.
const EXTENSIONS: [&str; 3] = [".csv", ".tsv", ".txt"];

/// Routes a decoded key: `<prefix><Table>.csv[.gz]` or
/// `<prefix><table>/<anything>.csv[.gz]`, where `name=value` folders anywhere
/// after the prefix are per-file CSV options, not names. Table names match
/// the table or an alias, case-insensitively, ignoring `_`, `-` and spaces.
pub fn route_key(
    catalog: &'static Catalog,
    key: &str,
    incoming_prefix: &str,
) -> Result<Route, RouteError> {
    let Some(rest) = key.strip_prefix(incoming_prefix) else {
        return Err(RouteError::OutsidePrefix {
            key: key.to_string(),
            prefix: incoming_prefix.to_string(),
        });
    };
    let not_csv = || RouteError::NotCsv {
        key: key.to_string(),
    };
    let mut folders: Vec<&str> = rest.split('/').collect();
    let file = folders
        .pop()
        .filter(|f| !f.is_empty())
        .ok_or_else(not_csv)?;
    let mut options = Vec::new();
    folders.retain(|folder| match folder.split_once('=') {
        Some((name, value)) if !name.is_empty() => {
            options.push((name.to_ascii_lowercase(), value.to_string()));
            false
        }
        _ => true,
    });
    let lower = file.to_ascii_lowercase();
    let (compression, unzipped) = match lower.strip_suffix(".gz") {
        Some(inner) => (Compression::Gzip, inner),
        None => (Compression::None, lower.as_str()),
    };
    let extension = EXTENSIONS
        .iter()
        .find(|ext| unzipped.ends_with(*ext))
        .ok_or_else(not_csv)?;
    if *extension == ".tsv" && !options.iter().any(|(name, _)| name == "delimiter") {
        options.insert(0, ("delimiter".to_string(), "tab".to_string()));
    }
    let name = match folders.first() {
        Some(directory) => *directory,
        None => &file[..unzipped.len() - extension.len()],
    };
    if name.is_empty() {
        return Err(not_csv());
    }
    let table = catalog.find(name).ok_or_else(|| RouteError::UnknownTable {
        key: key.to_string(),
        name: name.to_string(),
        known: catalog.names(),
    })?;
    Ok(Route {
        table,
        compression,
        options,
    })
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

    fn catalog() -> &'static Catalog {
        use crate::catalog::ColumnType::Integer;
        use crate::catalog::fixtures::{column, table};
        let mut line = table("invoice_line", vec![column("id", Integer, false)], &["id"]);
        line.aliases.push("olist_order_items_dataset".into());
        let media = table("media_type", vec![column("id", Integer, false)], &["id"]);
        Catalog::new("test".into(), vec![line, media])
            .unwrap()
            .leak()
    }

    #[test]
    fn routes_file_named_after_table() {
        let route = route_key(catalog(), "incoming/InvoiceLine.csv", "incoming/").unwrap();
        assert_eq!(route.table.name, "invoice_line");
        assert_eq!(route.compression, Compression::None);
        assert!(route.options.is_empty());
        let alias = route_key(
            catalog(),
            "incoming/olist_order_items_dataset.csv",
            "incoming/",
        )
        .unwrap();
        assert_eq!(alias.table.name, "invoice_line");
    }

    #[test]
    fn routes_directory_named_after_table() {
        let route = route_key(
            catalog(),
            "incoming/invoice_line/2024 export part 1.csv.gz",
            "incoming/",
        )
        .unwrap();
        assert_eq!(route.table.name, "invoice_line");
        assert_eq!(route.compression, Compression::Gzip);
        let nested =
            route_key(catalog(), "incoming/Media-Type/2024/05/x.CSV", "incoming/").unwrap();
        assert_eq!(nested.table.name, "media_type");
    }

    #[test]
    fn option_folders_are_per_file_options_not_names() {
        let route = route_key(
            catalog(),
            "incoming/delimiter=semicolon/null=NULL/InvoiceLine.csv",
            "incoming/",
        )
        .unwrap();
        assert_eq!(route.table.name, "invoice_line");
        assert_eq!(
            route.options,
            vec![
                ("delimiter".to_string(), "semicolon".to_string()),
                ("null".to_string(), "NULL".to_string())
            ]
        );
        let nested = route_key(
            catalog(),
            "incoming/media_type/quote=single/x.csv",
            "incoming/",
        )
        .unwrap();
        assert_eq!(nested.table.name, "media_type");
        assert_eq!(
            nested.options,
            vec![("quote".to_string(), "single".to_string())]
        );
    }

    #[test]
    fn tsv_files_default_to_tabs() {
        let route = route_key(catalog(), "incoming/media_type.tsv.gz", "incoming/").unwrap();
        assert_eq!(
            route.options,
            vec![("delimiter".to_string(), "tab".to_string())]
        );
        assert_eq!(route.compression, Compression::Gzip);
        let overridden = route_key(
            catalog(),
            "incoming/delimiter=pipe/media_type.tsv",
            "incoming/",
        )
        .unwrap();
        assert_eq!(
            overridden.options,
            vec![("delimiter".to_string(), "pipe".to_string())]
        );
    }

    #[test]
    fn rejects_key_outside_prefix() {
        assert!(matches!(
            route_key(catalog(), "rejected/Track.csv", "incoming/"),
            Err(RouteError::OutsidePrefix { .. })
        ));
    }

    #[test]
    fn rejects_unknown_table_naming_it() {
        let err = route_key(catalog(), "incoming/Invoices.csv", "incoming/").unwrap_err();
        assert!(matches!(err, RouteError::UnknownTable { ref name, .. } if name == "Invoices"));
        assert!(
            err.to_string().contains("invoice_line"),
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
            "incoming/invoice_line/",
        ] {
            assert!(route_key(catalog(), key, "incoming/").is_err(), "{key}");
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
