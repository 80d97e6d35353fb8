//! CSV header matching and row validation against the catalog.
//!
//! Rules (DESIGN.md, "CSV contract"): header names match case-insensitively
//! and in any order; a missing required column rejects the file; an unknown
//! extra column is ignored with a warning; an empty field is NULL; every
//! column type parses exactly (see [`parse_field`]): nothing is rounded,
//! truncated or guessed; every error names the line, the column and the
//! reason.

mod datetime;
mod parse;
mod value;

use std::fmt;

use crate::catalog::{Column, Table, normalize_name};

pub use datetime::{parse_date, parse_time, parse_timestamp, parse_timestamptz};
pub use parse::{parse_field, parse_numeric};
pub use value::Value;

/// Why the header of a file cannot be used. Rejects the whole file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("the file is empty: no header row")]
    Empty,
    #[error("missing required column(s) {missing:?} for table {table} (found {found:?})")]
    MissingColumns {
        table: String,
        missing: Vec<String>,
        found: Vec<String>,
    },
    #[error("column {column} appears twice in the header (positions {first} and {second})")]
    DuplicateColumn {
        column: String,
        first: usize,
        second: usize,
    },
}

/// One problem with one field (or the whole record when `column` is None).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// 1-based physical line where the record starts (the header is line 1).
    pub line: u64,
    /// The column's name as the file's header spells it.
    pub column: Option<String>,
    pub reason: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column {}: {}", self.line, column, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

/// How the columns of one file map onto a catalog table.
#[derive(Debug, Clone)]
pub struct HeaderMap {
    pub table: &'static Table,
    /// For each catalog column (in catalog order), its position in the file, if present.
    pub positions: Vec<Option<usize>>,
    /// Header names that match no catalog column; their values are ignored.
    pub ignored: Vec<String>,
    /// Number of fields in the header.
    pub width: usize,
    /// The header as the file spells it (for messages).
    pub names: Vec<String>,
}

impl HeaderMap {
    /// Catalog columns the file provides, in catalog order.
    pub fn present_columns(&self) -> Vec<&'static Column> {
        self.table
            .columns
            .iter()
            .zip(&self.positions)
            .filter(|(_, p)| p.is_some())
            .map(|(c, _)| c)
            .collect()
    }

    /// The header name of the file's field for catalog column `index`.
    fn name_of(&self, index: usize) -> String {
        self.positions[index]
            .and_then(|p| self.names.get(p).cloned())
            .unwrap_or_else(|| self.table.columns[index].name.clone())
    }
}

/// Matches a header row against `table`. Header names match the column's SQL
/// name ignoring case, `_`, `-` and spaces ([`normalize_name`]:
/// `InvoiceId`, `invoice_id` and `INVOICE ID` are one name).
/// Columns that may be NULL may be absent; absent columns are left untouched
/// on existing rows and NULL on new ones.
pub fn match_header<S: AsRef<str>>(
    table: &'static Table,
    header: &[S],
) -> Result<HeaderMap, HeaderError> {
    if header.is_empty()
        || (header.len() == 1
            && header[0]
                .as_ref()
                .trim_start_matches('\u{feff}')
                .trim()
                .is_empty())
    {
        return Err(HeaderError::Empty);
    }
    let normalized: Vec<String> = header.iter().map(|h| normalize_name(h.as_ref())).collect();
    for (i, name) in normalized.iter().enumerate() {
        if let Some(j) = normalized[..i].iter().position(|n| n == name)
            && !name.is_empty()
        {
            return Err(HeaderError::DuplicateColumn {
                column: header[i].as_ref().to_string(),
                first: j + 1,
                second: i + 1,
            });
        }
    }
    let mut positions = Vec::with_capacity(table.columns.len());
    let mut missing = Vec::new();
    for column in &table.columns {
        let wanted = normalize_name(&column.name);
        let position = normalized.iter().position(|h| *h == wanted);
        if position.is_none() && column.required() {
            missing.push(column.name.clone());
        }
        positions.push(position);
    }
    if !missing.is_empty() {
        return Err(HeaderError::MissingColumns {
            table: table.name.clone(),
            missing,
            found: header.iter().map(|h| h.as_ref().to_string()).collect(),
        });
    }
    let ignored = header
        .iter()
        .enumerate()
        .filter(|(i, _)| !positions.contains(&Some(*i)))
        .map(|(_, h)| h.as_ref().to_string())
        .collect();
    Ok(HeaderMap {
        table,
        positions,
        ignored,
        width: header.len(),
        names: header
            .iter()
            .map(|h| h.as_ref().trim_start_matches('\u{feff}').to_string())
            .collect(),
    })
}

/// Validates one record (raw bytes per field) into values for every catalog
/// column (absent columns become [`Value::Null`]). Returns every problem found
/// in the record, not just the first.
pub fn validate_record<F: AsRef<[u8]>>(
    map: &HeaderMap,
    fields: &[F],
    line: u64,
) -> Result<Vec<Value>, Vec<FieldError>> {
    if fields.len() != map.width {
        return Err(vec![FieldError {
            line,
            column: None,
            reason: format!(
                "expected {} fields as in the header, found {}",
                map.width,
                fields.len()
            ),
        }]);
    }
    let mut values = Vec::with_capacity(map.table.columns.len());
    let mut errors = Vec::new();
    for (index, (column, position)) in map.table.columns.iter().zip(&map.positions).enumerate() {
        let Some(position) = position else {
            values.push(Value::Null);
            continue;
        };
        match parse_field(column, fields[*position].as_ref()) {
            Ok(value) => values.push(value),
            Err(reason) => {
                errors.push(FieldError {
                    line,
                    column: Some(map.name_of(index)),
                    reason,
                });
                values.push(Value::Null);
            }
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ColumnType;
    use crate::catalog::fixtures::column;

    /// Chinook-shaped tables, built by hand (no database here).
    fn table(name: &str) -> Option<&'static Table> {
        use ColumnType::*;
        let money = Numeric {
            precision: Some(10),
            scale: Some(2),
        };
        let t = match name {
            "artist" => crate::catalog::fixtures::table(
                "artist",
                vec![
                    column("artist_id", Integer, false),
                    column("name", Text, true),
                ],
                &["artist_id"],
            ),
            "invoice_line" => crate::catalog::fixtures::table(
                "invoice_line",
                vec![
                    column("invoice_line_id", Integer, false),
                    column("invoice_id", Integer, false),
                    column("track_id", Integer, false),
                    column("unit_price", money, false),
                    column("quantity", Integer, false),
                ],
                &["invoice_line_id"],
            ),
            _ => return None,
        };
        Some(Box::leak(Box::new(t)))
    }

    fn invoice_line() -> &'static Table {
        table("invoice_line").unwrap()
    }

    #[test]
    fn header_matches_in_any_order_and_case() {
        let map = match_header(
            invoice_line(),
            &[
                "quantity",
                "UNITPRICE",
                "TrackId",
                "invoice_id",
                "InvoiceLineId",
            ],
        )
        .unwrap();
        assert_eq!(
            map.positions,
            vec![Some(4), Some(3), Some(2), Some(1), Some(0)]
        );
        assert!(map.ignored.is_empty());
    }

    #[test]
    fn header_with_bom_matches() {
        let map = match_header(table("artist").unwrap(), &["\u{feff}ArtistId", "Name"]).unwrap();
        assert_eq!(map.positions, vec![Some(0), Some(1)]);
    }

    #[test]
    fn header_missing_required_column_is_rejected() {
        let err = match_header(
            invoice_line(),
            &["InvoiceLineId", "InvoiceId", "TrackId", "UnitPrice"],
        )
        .unwrap_err();
        assert!(
            matches!(err, HeaderError::MissingColumns { ref missing, .. } if missing == &vec!["quantity".to_string()]),
            "{err}"
        );
        assert!(err.to_string().contains("quantity"));
    }

    #[test]
    fn header_missing_nullable_column_is_allowed() {
        let map = match_header(table("artist").unwrap(), &["ArtistId"]).unwrap();
        assert_eq!(map.positions, vec![Some(0), None]);
    }

    #[test]
    fn header_extra_column_is_ignored() {
        let map = match_header(table("artist").unwrap(), &["ArtistId", "Name", "Country"]).unwrap();
        assert_eq!(map.ignored, vec!["Country".to_string()]);
    }

    #[test]
    fn header_duplicate_and_empty_are_rejected() {
        assert!(matches!(
            match_header(table("artist").unwrap(), &["ArtistId", "artist_id", "Name"]),
            Err(HeaderError::DuplicateColumn { .. })
        ));
        assert_eq!(
            match_header(table("artist").unwrap(), &[""]).unwrap_err(),
            HeaderError::Empty
        );
        let none: [&str; 0] = [];
        assert_eq!(
            match_header(table("artist").unwrap(), &none).unwrap_err(),
            HeaderError::Empty
        );
    }

    fn line_map() -> HeaderMap {
        match_header(
            invoice_line(),
            &[
                "InvoiceLineId",
                "InvoiceId",
                "TrackId",
                "UnitPrice",
                "Quantity",
            ],
        )
        .unwrap()
    }

    #[test]
    fn valid_record_parses_to_typed_values() {
        let values = validate_record(&line_map(), &["1", "2", "3", "0.99", "1"], 2).unwrap();
        assert_eq!(values[3], Value::Numeric(rust_decimal::Decimal::new(99, 2)));
        assert_eq!(values[4], Value::Int(1));
    }

    #[test]
    fn invalid_record_reports_every_field_with_line_and_column() {
        let errors = validate_record(&line_map(), &["x", "2", "", "0.999", "0"], 7).unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        // `quantity > 0` is a CHECK: the database judges it after staging.
        assert_eq!(text.len(), 3, "{text:?}");
        assert!(text[0].starts_with("line 7, column InvoiceLineId: not an integer"));
        assert!(text[1].starts_with("line 7, column TrackId: required value is missing"));
        assert!(text[2].starts_with("line 7, column UnitPrice: more than 2 decimal places"));
    }

    #[test]
    fn wrong_field_count_is_a_record_error() {
        let errors = validate_record(&line_map(), &["1", "2", "3"], 4).unwrap_err();
        assert_eq!(errors[0].column, None);
        assert!(errors[0].to_string().contains("expected 5 fields"));
    }

    #[test]
    fn empty_field_is_null_when_nullable() {
        let map = match_header(table("artist").unwrap(), &["ArtistId", "Name"]).unwrap();
        assert_eq!(
            validate_record(&map, &["1", ""], 2).unwrap()[1],
            Value::Null
        );
    }

    #[test]
    fn text_is_kept_verbatim_but_nul_and_bad_utf8_are_rejected() {
        let map = match_header(table("artist").unwrap(), &["ArtistId", "Name"]).unwrap();
        let kept = validate_record(&map, &["1", "Edinburgh , \"São\""], 2).unwrap();
        assert_eq!(kept[1], Value::Text("Edinburgh , \"São\"".to_string()));
        assert!(validate_record(&map, &[b"1".as_slice(), b"a\0b".as_slice()], 3).is_err());
        let bad = validate_record(&map, &[b"1".as_slice(), b"\xff\xfe".as_slice()], 4).unwrap_err();
        assert!(bad[0].reason.contains("UTF-8"));
    }

    #[test]
    fn integers_out_of_range_are_rejected() {
        let map = line_map();
        assert!(validate_record(&map, &["2147483648", "2", "3", "0.99", "1"], 2).is_err());
        assert!(validate_record(&map, &["2147483647", "2", "3", "0.99", "1"], 2).is_ok());
        assert!(validate_record(&map, &["1.5", "2", "3", "0.99", "1"], 2).is_err());
    }
}
