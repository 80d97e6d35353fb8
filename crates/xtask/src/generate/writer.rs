//! Writes one Chinook CSV file in the official layout, with the header and
//! column order taken from the generator's Chinook layout ([`chinook`]).
//!
//! A generator binds its values to layout columns by name once, when the
//! writer is created; each row is then written in layout order. Rows are
//! checked against the layout as they go: a NULL in a NOT NULL column or an
//! empty text (which would read back as NULL) is a generator bug and fails.

use std::fmt::Write as _;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use super::chinook::{self, Table};
use anyhow::{Context, Result, bail, ensure};
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

/// One field value; formatted the way the real Chinook files are.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    /// Written with exactly two decimals.
    Money(Decimal),
    /// Written as `YYYY-MM-DD HH:MM:SS`.
    Timestamp(NaiveDateTime),
    /// Written as `YYYY-MM-DD`.
    Date(NaiveDate),
}

impl Value<'_> {
    pub fn opt_text(text: Option<&str>) -> Value<'_> {
        text.map_or(Value::Null, Value::Text)
    }
}

/// What one finished file holds.
#[derive(Debug, Clone)]
pub struct FileSummary {
    pub file_name: String,
    pub rows: u64,
    pub bytes: u64,
}

#[derive(Debug)]
pub struct TableWriter {
    table: &'static Table,
    /// For each layout column (in layout order), the index of its value in
    /// the rows the generator passes to [`TableWriter::write`].
    slots: Vec<usize>,
    csv: csv::Writer<BufWriter<File>>,
    file: PartialFile,
    rows: u64,
    scratch: String,
}

/// Output buffer per file; large enough to keep syscalls rare.
const BUFFER_BYTES: usize = 256 * 1024;

/// A generated file written as `<name>.csv.partial` and renamed to
/// `<name>.csv` once complete: a failed run leaves no half-written file
/// behind under a real name. Both generators' writers use it.
#[derive(Debug)]
pub struct PartialFile {
    name: String,
    partial_path: PathBuf,
    final_path: PathBuf,
    finished: bool,
}

impl PartialFile {
    /// Creates `<dir>/<name>.csv.partial` behind a large buffer.
    pub fn create(dir: &Path, name: &str) -> Result<(Self, BufWriter<File>)> {
        let partial_path = dir.join(format!("{name}.csv.partial"));
        let file = File::create(&partial_path)
            .with_context(|| format!("creating {}", partial_path.display()))?;
        let partial = Self {
            name: name.to_string(),
            final_path: dir.join(format!("{name}.csv")),
            partial_path,
            finished: false,
        };
        Ok((partial, BufWriter::with_capacity(BUFFER_BYTES, file)))
    }

    /// Where the rows are being written, for error messages.
    pub fn path(&self) -> &Path {
        &self.partial_path
    }

    /// Moves the flushed file to its final name and reports it.
    pub fn finish(&mut self, rows: u64) -> Result<FileSummary> {
        std::fs::rename(&self.partial_path, &self.final_path).with_context(|| {
            format!(
                "renaming {} to {}",
                self.partial_path.display(),
                self.final_path.display()
            )
        })?;
        self.finished = true;
        let bytes = std::fs::metadata(&self.final_path)?.len();
        Ok(FileSummary {
            file_name: format!("{}.csv", self.name),
            rows,
            bytes,
        })
    }
}

impl Drop for PartialFile {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_file(&self.partial_path);
        }
    }
}

impl TableWriter {
    /// Creates `<dir>/<csv_name>.csv` (written as `.partial` and renamed by
    /// [`TableWriter::finish`]) and writes the layout's header row.
    /// `fields` names, in the order the generator will pass them, the layout
    /// columns its rows hold; it must cover every layout column exactly once.
    pub fn create(dir: &Path, csv_name: &str, fields: &[&str]) -> Result<Self> {
        let table = chinook::table(csv_name)
            .with_context(|| format!("table {csv_name} is not in the Chinook layout"))?;
        let slots = bind(table, fields)?;

        let (file, out) = PartialFile::create(dir, table.csv_name)?;
        let mut csv = csv::WriterBuilder::new()
            .has_headers(false)
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(out);
        csv.write_record(table.columns.iter().map(|c| c.csv_name))
            .with_context(|| format!("writing {}", file.path().display()))?;
        Ok(Self {
            table,
            slots,
            csv,
            file,
            rows: 0,
            scratch: String::new(),
        })
    }

    /// Writes one row; `row` holds the values in the order given to `create`.
    pub fn write(&mut self, row: &[Value<'_>]) -> Result<()> {
        ensure!(
            row.len() == self.slots.len(),
            "{}: row has {} values, expected {}",
            self.table.csv_name,
            row.len(),
            self.slots.len()
        );
        let table = self.table;
        // Check the whole row first, so a bad row writes nothing.
        for (index, column) in table.columns.iter().enumerate() {
            match row[self.slots[index]] {
                Value::Null if !column.nullable => {
                    bail!(
                        "{}.{}: NULL in a NOT NULL column (row {})",
                        table.csv_name,
                        column.csv_name,
                        self.rows + 1
                    )
                }
                Value::Text("") => {
                    bail!(
                        "{}.{}: empty text would read back as NULL (row {})",
                        table.csv_name,
                        column.csv_name,
                        self.rows + 1
                    )
                }
                _ => {}
            }
        }
        for index in 0..table.columns.len() {
            self.write_value(row[self.slots[index]])?;
        }
        self.csv.write_record(None::<&[u8]>)?;
        self.rows += 1;
        Ok(())
    }

    fn write_value(&mut self, value: Value<'_>) -> Result<()> {
        let scratch = &mut self.scratch;
        scratch.clear();
        match value {
            Value::Null => {}
            Value::Text(text) => {
                self.csv.write_field(text)?;
                return Ok(());
            }
            Value::Int(n) => write!(scratch, "{n}")?,
            Value::Money(amount) => write!(scratch, "{amount:.2}")?,
            Value::Timestamp(ts) => write!(scratch, "{}", ts.format("%Y-%m-%d %H:%M:%S"))?,
            Value::Date(date) => write!(scratch, "{}", date.format("%Y-%m-%d"))?,
        }
        self.csv.write_field(scratch.as_bytes())?;
        Ok(())
    }

    /// Flushes the file, moves it to its final name and reports its size.
    pub fn finish(mut self) -> Result<FileSummary> {
        self.csv
            .flush()
            .with_context(|| format!("writing {}", self.file.path().display()))?;
        self.file.finish(self.rows)
    }
}

/// Maps each layout column to the position of its value in generator rows.
fn bind(table: &Table, fields: &[&str]) -> Result<Vec<usize>> {
    for field in fields {
        ensure!(
            table.columns.iter().any(|c| c.csv_name == *field),
            "{}: the generator writes {field}, which the layout does not have",
            table.csv_name
        );
    }
    ensure!(
        fields.len() == table.columns.len(),
        "{}: the generator names a column twice",
        table.csv_name
    );
    table
        .columns
        .iter()
        .map(|column| {
            fields
                .iter()
                .position(|f| *f == column.csv_name)
                .with_context(|| {
                    format!(
                        "{}: the generator has no value for {}",
                        table.csv_name, column.csv_name
                    )
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_fields_in_any_order_to_layout_order() {
        let genre = chinook::table("Genre").unwrap();
        assert_eq!(bind(genre, &["Name", "GenreId"]).unwrap(), vec![1, 0]);
        assert!(bind(genre, &["GenreId"]).is_err());
        assert!(bind(genre, &["GenreId", "Name", "Extra"]).is_err());
        assert!(bind(genre, &["GenreId", "GenreId"]).is_err());
    }

    #[test]
    fn writes_layout_header_crlf_and_quotes_only_when_needed() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = TableWriter::create(dir.path(), "Artist", &["Name", "ArtistId"]).unwrap();
        w.write(&[Value::Text("AC/DC"), Value::Int(1)]).unwrap();
        w.write(&[Value::Text("Crosby, Stills & Nash"), Value::Int(2)])
            .unwrap();
        w.write(&[Value::Text("Ronald \"Ron\" Wood"), Value::Int(3)])
            .unwrap();
        w.write(&[Value::Null, Value::Int(4)]).unwrap();
        w.write(&[Value::Text("Edinburgh "), Value::Int(5)])
            .unwrap();
        assert!(w.write(&[Value::Text(""), Value::Int(6)]).is_err());
        assert!(w.write(&[Value::Text("x"), Value::Null]).is_err());
        let summary = w.finish().unwrap();
        assert_eq!(summary.rows, 5);
        let text = std::fs::read_to_string(dir.path().join("Artist.csv")).unwrap();
        assert_eq!(
            text,
            "ArtistId,Name\r\n1,AC/DC\r\n2,\"Crosby, Stills & Nash\"\r\n3,\"Ronald \"\"Ron\"\" Wood\"\r\n4,\r\n5,Edinburgh \r\n"
        );
        assert!(!dir.path().join("Artist.csv.partial").exists());
    }

    #[test]
    fn formats_money_and_timestamps() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = TableWriter::create(
            dir.path(),
            "InvoiceLine",
            &[
                "InvoiceLineId",
                "InvoiceId",
                "TrackId",
                "UnitPrice",
                "Quantity",
            ],
        )
        .unwrap();
        w.write(&[
            Value::Int(1),
            Value::Int(1),
            Value::Int(2),
            Value::Money(Decimal::new(99, 2)),
            Value::Int(1),
        ])
        .unwrap();
        w.write(&[
            Value::Int(2),
            Value::Int(1),
            Value::Int(3),
            Value::Money(Decimal::new(2, 0)),
            Value::Int(3),
        ])
        .unwrap();
        w.finish().unwrap();
        let text = std::fs::read_to_string(dir.path().join("InvoiceLine.csv")).unwrap();
        assert!(text.ends_with("1,1,2,0.99,1\r\n2,1,3,2.00,3\r\n"), "{text}");

        let ts = chrono::NaiveDate::from_ymd_opt(2021, 1, 2)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let mut w = TableWriter::create(dir.path(), "Genre", &["GenreId", "Name"]).unwrap();
        let mut s = String::new();
        write!(s, "{}", ts.format("%Y-%m-%d %H:%M:%S")).unwrap();
        assert_eq!(s, "2021-01-02 00:00:00");
        w.write(&[Value::Int(1), Value::Text("Rock")]).unwrap();
        // Dropping without finish leaves no file behind.
        drop(w);
        assert!(!dir.path().join("Genre.csv").exists());
        assert!(!dir.path().join("Genre.csv.partial").exists());
    }
}
