//! Writes one classicmodels CSV file the way MySQL tools export a table:
//! `;` between fields, `\n` after each row, a header of the MySQL column
//! names, an empty field for NULL, dates `YYYY-MM-DD`, money with two
//! decimals, UTF-8 text.
//!
//! Text is quoted (`"`, doubled inside) when it has to be (a `;`, a quote or
//! a line break inside) and, like the tools that quote "sometimes", now and
//! then when it need not be: each text field draws from the file's own
//! random stream, so which fields are quoted is part of the seeded output.
//! Numbers, money and dates are never quoted, as `OPTIONALLY ENCLOSED BY`
//! does.
//!
//! The approach is the Chinook writer's ([`super::writer`]): values are bound
//! to layout columns by name once, rows stream through a large buffer into
//! `<table>.csv.partial`, renamed when finished, and each row is checked
//! against the layout before anything is written.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::Path;

use anyhow::{Context, Result, bail, ensure};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::classicmodels::{self, Kind, Table};
use super::writer::{FileSummary, PartialFile, Value};

#[derive(Debug)]
pub struct ExportWriter {
    table: &'static Table,
    /// For each layout column (in layout order), the index of its value in
    /// the rows the generator passes to [`ExportWriter::write`].
    slots: Vec<usize>,
    out: BufWriter<File>,
    file: PartialFile,
    rows: u64,
    /// Decides which text fields are quoted though they need not be.
    quoting: ChaCha8Rng,
    /// Share of such text fields that are quoted anyway.
    extra_quotes: f64,
    scratch: String,
}

impl ExportWriter {
    /// Creates `<dir>/<table>.csv` (written as `.partial` and renamed by
    /// [`ExportWriter::finish`]) and writes the header row. `fields` names,
    /// in the order the generator will pass them, the columns its rows hold;
    /// it must cover every layout column exactly once.
    pub fn create(
        dir: &Path,
        table: &str,
        fields: &[&str],
        quoting: ChaCha8Rng,
        extra_quotes: f64,
    ) -> Result<Self> {
        let table = classicmodels::table(table)
            .with_context(|| format!("table {table} is not in the classicmodels layout"))?;
        let slots = bind(table, fields)?;
        let (file, mut out) = PartialFile::create(dir, table.name)?;
        let header: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
        writeln!(out, "{}", header.join(";"))
            .with_context(|| format!("writing {}", file.path().display()))?;
        Ok(Self {
            table,
            slots,
            out,
            file,
            rows: 0,
            quoting,
            extra_quotes,
            scratch: String::new(),
        })
    }

    /// Writes one row; `row` holds the values in the order given to `create`.
    pub fn write(&mut self, row: &[Value<'_>]) -> Result<()> {
        ensure!(
            row.len() == self.slots.len(),
            "{}: row has {} values, expected {}",
            self.table.name,
            row.len(),
            self.slots.len()
        );
        let table = self.table;
        // Check the whole row first, so a bad row writes nothing.
        for (index, column) in table.columns.iter().enumerate() {
            let value = row[self.slots[index]];
            let fits = match (value, column.kind) {
                (Value::Null, _) => column.nullable,
                (Value::Text(text), Kind::Text) => !text.is_empty(),
                (Value::Int(n), Kind::Int) => i32::try_from(n).is_ok(),
                (Value::Int(n), Kind::SmallInt) => i16::try_from(n).is_ok(),
                (Value::Money(amount), Kind::Money) => {
                    amount.round_dp(2) == amount && amount.abs().trunc() < 100_000_000.into()
                }
                (Value::Date(_), Kind::Date) => true,
                _ => false,
            };
            if !fits {
                bail!(
                    "{}.{}: {value:?} does not fit a {}{:?} column (row {})",
                    table.name,
                    column.name,
                    if column.nullable { "" } else { "NOT NULL " },
                    column.kind,
                    self.rows + 1
                );
            }
        }
        for index in 0..table.columns.len() {
            if index > 0 {
                self.out.write_all(b";")?;
            }
            self.write_value(row[self.slots[index]])?;
        }
        self.out.write_all(b"\n")?;
        self.rows += 1;
        Ok(())
    }

    fn write_value(&mut self, value: Value<'_>) -> Result<()> {
        let scratch = &mut self.scratch;
        scratch.clear();
        match value {
            Value::Null => return Ok(()),
            Value::Text(text) => {
                // One draw per text field, needed or not, so the pattern of
                // extra quotes does not depend on the text.
                let anyway = self.quoting.random_bool(self.extra_quotes);
                if anyway || needs_quotes(text) {
                    self.out.write_all(b"\"")?;
                    for (index, part) in text.split('"').enumerate() {
                        if index > 0 {
                            self.out.write_all(b"\"\"")?;
                        }
                        self.out.write_all(part.as_bytes())?;
                    }
                    self.out.write_all(b"\"")?;
                } else {
                    self.out.write_all(text.as_bytes())?;
                }
                return Ok(());
            }
            Value::Int(n) => write!(scratch, "{n}")?,
            Value::Money(amount) => write!(scratch, "{amount:.2}")?,
            Value::Date(date) => write!(scratch, "{}", date.format("%Y-%m-%d"))?,
            Value::Timestamp(ts) => write!(scratch, "{}", ts.format("%Y-%m-%d %H:%M:%S"))?,
        }
        self.out.write_all(scratch.as_bytes())?;
        Ok(())
    }

    /// Flushes the file, moves it to its final name and reports its size.
    pub fn finish(mut self) -> Result<FileSummary> {
        self.out
            .flush()
            .with_context(|| format!("writing {}", self.file.path().display()))?;
        self.file.finish(self.rows)
    }
}

/// Whether a text field must be quoted to read back as itself.
fn needs_quotes(text: &str) -> bool {
    text.bytes()
        .any(|b| matches!(b, b';' | b'"' | b'\n' | b'\r'))
}

/// Maps each layout column to the position of its value in generator rows.
fn bind(table: &Table, fields: &[&str]) -> Result<Vec<usize>> {
    for field in fields {
        ensure!(
            table.column_index(field).is_some(),
            "{}: the generator writes {field}, which the layout does not have",
            table.name
        );
    }
    ensure!(
        fields.len() == table.columns.len(),
        "{}: the generator names a column twice or misses one",
        table.name
    );
    table
        .columns
        .iter()
        .map(|column| {
            fields
                .iter()
                .position(|f| *f == column.name)
                .with_context(|| {
                    format!(
                        "{}: the generator has no value for {}",
                        table.name, column.name
                    )
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use rand::SeedableRng;
    use rust_decimal::Decimal;

    fn quiet() -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(1)
    }

    #[test]
    fn writes_semicolons_quotes_when_needed_and_empty_nulls() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = ExportWriter::create(
            dir.path(),
            "payments",
            &["checkNumber", "customerNumber", "paymentDate", "amount"],
            quiet(),
            0.0,
        )
        .unwrap();
        let date = NaiveDate::from_ymd_opt(2004, 10, 19).unwrap();
        w.write(&[
            Value::Text("HQ336336"),
            Value::Int(103),
            Value::Date(date),
            Value::Money(Decimal::new(6_066_978, 2)),
        ])
        .unwrap();
        w.write(&[
            Value::Text("a;b \"c\"\nd, e"),
            Value::Int(112),
            Value::Date(date),
            Value::Money(Decimal::new(5, 0)),
        ])
        .unwrap();
        // NULL in a NOT NULL column, empty text, wrong kinds: rejected.
        let bad: [[Value<'_>; 4]; 4] = [
            [
                Value::Text("x"),
                Value::Null,
                Value::Date(date),
                Value::Int(1),
            ],
            [
                Value::Text(""),
                Value::Int(1),
                Value::Date(date),
                Value::Money(Decimal::ONE),
            ],
            [
                Value::Text("x"),
                Value::Int(1),
                Value::Int(3),
                Value::Money(Decimal::ONE),
            ],
            [
                Value::Text("x"),
                Value::Int(1),
                Value::Date(date),
                Value::Money(Decimal::new(1, 3)),
            ],
        ];
        for row in &bad {
            assert!(w.write(row).is_err(), "{row:?}");
        }
        assert_eq!(w.finish().unwrap().rows, 2);
        let text = std::fs::read_to_string(dir.path().join("payments.csv")).unwrap();
        assert_eq!(
            text,
            "customerNumber;checkNumber;paymentDate;amount\n\
             103;HQ336336;2004-10-19;60669.78\n\
             112;\"a;b \"\"c\"\"\nd, e\";2004-10-19;5.00\n"
        );
        assert!(!dir.path().join("payments.csv.partial").exists());
    }

    #[test]
    fn quotes_some_text_anyway_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = ExportWriter::create(
            dir.path(),
            "orders",
            &[
                "orderNumber",
                "orderDate",
                "requiredDate",
                "shippedDate",
                "status",
                "comments",
                "customerNumber",
            ],
            quiet(),
            0.5,
        )
        .unwrap();
        let date = NaiveDate::from_ymd_opt(2003, 1, 6).unwrap();
        for n in 0..200 {
            w.write(&[
                Value::Int(10100 + n),
                Value::Date(date),
                Value::Date(date),
                Value::Null,
                Value::Text("Shipped"),
                Value::Text("Müller's order"),
                Value::Int(363),
            ])
            .unwrap();
        }
        w.finish().unwrap();
        let text = std::fs::read_to_string(dir.path().join("orders.csv")).unwrap();
        let quoted = text.matches("\"Shipped\"").count();
        assert!((50..150).contains(&quoted), "{quoted}");
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_path(dir.path().join("orders.csv"))
            .unwrap();
        for record in reader.records() {
            let record = record.unwrap();
            assert_eq!(&record[3], "");
            assert_eq!(&record[4], "Shipped");
            assert_eq!(&record[5], "Müller's order");
        }
        // Dropping without finish leaves no file behind.
        let w = ExportWriter::create(dir.path(), "offices", &[], quiet(), 0.0);
        assert!(w.is_err());
        let w = ExportWriter::create(
            dir.path(),
            "productlines",
            &["productLine", "textDescription", "htmlDescription", "image"],
            quiet(),
            0.0,
        )
        .unwrap();
        drop(w);
        assert!(!dir.path().join("productlines.csv").exists());
        assert!(!dir.path().join("productlines.csv.partial").exists());
    }
}
