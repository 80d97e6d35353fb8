//! `cargo xtask generate`, end to end: runs the real binary, reads the files
//! back and checks them against the generator's Chinook layout (itself
//! checked against the pack's DDL in `src/generate.rs`) and the Chinook
//! contract, and compares scale 1, seed 42 with the committed sample set
//! `data/chinook/` (`make data`).
//!
//! `STARLIFT_VERIFY_DIR=/some/dir cargo test -p xtask --test generate
//! verify_dir` runs the same streaming checks on an existing data set (used
//! for the scale-1000 run, which is too big for a unit test).

// The helpers below sit outside `#[test]` functions, where clippy's
// allow-*-in-tests settings do not reach; a failed check is a test failure.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::process::Command;
use std::str::FromStr;

use rust_decimal::Decimal;

// The generator's own description of the Chinook files; not every item is
// used by these tests.
#[allow(dead_code)]
#[path = "../src/generate/chinook.rs"]
mod chinook;

use chinook::{Kind, Table};

/// Position of the column with this SQL name.
fn column_index(table: &Table, sql_name: &str) -> Option<usize> {
    table.columns.iter().position(|c| c.sql_name == sql_name)
}

/// Whether a foreign key refers back to the table (Employee.ReportsTo).
fn is_self_referencing(table: &Table) -> bool {
    table
        .foreign_keys
        .iter()
        .any(|fk| fk.references == table.name)
}

fn generate(dir: &Path, scale: u32, seed: u64) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args([
            "generate",
            "--quiet",
            "--scale",
            &scale.to_string(),
            "--seed",
            &seed.to_string(),
            "--out",
        ])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "generate failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    for table in chinook::TABLES {
        assert!(
            stdout.contains(&format!("{}.csv", table.csv_name)),
            "summary lacks {}: {stdout}",
            table.csv_name
        );
    }
}

fn file(dir: &Path, table: &Table) -> std::path::PathBuf {
    dir.join(format!("{}.csv", table.csv_name))
}

/// What the checks saw, for assertions on shape.
#[derive(Debug, Default)]
struct Report {
    rows: BTreeMap<&'static str, u64>,
    /// (table csv name, column csv name) → NULL count.
    nulls: HashMap<(&'static str, &'static str), u64>,
    fields_with_comma: u64,
    fields_with_quote: u64,
    fields_non_ascii: u64,
    leading_zero_postal_codes: u64,
    quantities: BTreeMap<i64, u64>,
    invoice_years: BTreeMap<String, u64>,
    sold_tracks: u64,
}

impl Report {
    fn rows(&self, csv_name: &str) -> u64 {
        self.rows.get(csv_name).copied().unwrap_or(0)
    }
    fn null_share(&self, csv_name: &'static str, column: &'static str) -> f64 {
        self.nulls.get(&(csv_name, column)).copied().unwrap_or(0) as f64
            / self.rows(csv_name) as f64
    }
}

fn int(value: &str, what: &str) -> i64 {
    value
        .parse()
        .unwrap_or_else(|_| panic!("{what}: not an integer: {value:?}"))
}

fn money(value: &str, what: &str) -> Decimal {
    let (_, decimals) = value
        .split_once('.')
        .unwrap_or_else(|| panic!("{what}: money without decimals: {value:?}"));
    assert_eq!(
        decimals.len(),
        2,
        "{what}: money needs exactly 2 decimals: {value:?}"
    );
    Decimal::from_str(value).unwrap()
}

/// Streams every file once (parents first) and checks: header = layout,
/// CRLF records, NOT NULL, value formats, primary keys strictly increasing
/// (sorted and unique), every foreign key resolves, every invoice has lines
/// and its total equals Σ UnitPrice × Quantity, line prices = track prices,
/// billing address = the customer's address, support reps are agents.
fn check_dir(dir: &Path) -> Report {
    let mut report = Report::default();
    // Primary keys of the single-key tables, by SQL table name.
    let mut keys: HashMap<&str, HashSet<i64>> = HashMap::new();
    let mut track_price: HashMap<i64, Decimal> = HashMap::new();
    let mut employee_title: HashMap<i64, String> = HashMap::new();
    let mut customer_address: HashMap<i64, Vec<String>> = HashMap::new();
    let mut invoice_total: HashMap<i64, Decimal> = HashMap::new();
    let mut line_sums: HashMap<i64, Decimal> = HashMap::new();
    let mut sold: HashSet<i64> = HashSet::new();

    for table in chinook::TABLES {
        let path = file(dir, table);
        // Self reference (Employee.ReportsTo): collect the keys first.
        if is_self_referencing(table) {
            let mut reader = csv::Reader::from_path(&path).unwrap();
            let set = keys.entry(table.name).or_default();
            for record in reader.records() {
                set.insert(int(&record.unwrap()[0], table.csv_name));
            }
        }
        let bytes_ok = check_crlf(&path);
        assert!(bytes_ok, "{}: records must end in CRLF", path.display());

        let mut reader = csv::ReaderBuilder::new().from_path(&path).unwrap();
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        let expected: Vec<&str> = table.columns.iter().map(|c| c.csv_name).collect();
        assert_eq!(
            header, expected,
            "{}: header must be the layout's",
            table.csv_name
        );
        let pk_index: Vec<usize> = table
            .primary_key
            .iter()
            .map(|c| column_index(table, c).unwrap())
            .collect();
        let col = |name: &str| {
            table
                .columns
                .iter()
                .position(|c| c.csv_name == name)
                .unwrap()
        };

        let mut previous_key: Option<Vec<i64>> = None;
        let mut rows = 0u64;
        let mut own_keys = HashSet::new();
        for record in reader.records() {
            let record = record.unwrap();
            rows += 1;
            let at = format!("{} row {rows}", table.csv_name);
            assert_eq!(record.len(), table.columns.len(), "{at}");
            for (column, value) in table.columns.iter().zip(record.iter()) {
                let what = format!("{at} {}", column.csv_name);
                if value.is_empty() {
                    assert!(column.nullable, "{what}: NULL in a NOT NULL column");
                    *report
                        .nulls
                        .entry((table.csv_name, column.csv_name))
                        .or_default() += 1;
                    continue;
                }
                match column.kind {
                    Kind::Int | Kind::BigInt => {
                        int(value, &what);
                    }
                    Kind::Money => {
                        assert!(money(value, &what) >= Decimal::ZERO, "{what}");
                    }
                    Kind::Timestamp => {
                        chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S")
                            .unwrap_or_else(|_| panic!("{what}: bad timestamp {value:?}"));
                    }
                    Kind::Text => {
                        report.fields_with_comma += u64::from(value.contains(','));
                        report.fields_with_quote += u64::from(value.contains('"'));
                        report.fields_non_ascii += u64::from(!value.is_ascii());
                        assert!(
                            !value.contains(['\n', '\r', '\t']),
                            "{what}: control character"
                        );
                    }
                }
            }

            let key: Vec<i64> = pk_index.iter().map(|&i| int(&record[i], &at)).collect();
            if let Some(previous) = &previous_key {
                assert!(
                    key > *previous,
                    "{at}: primary key {key:?} not after {previous:?}"
                );
            }
            previous_key = Some(key.clone());
            if key.len() == 1 {
                own_keys.insert(key[0]);
            }

            for fk in table.foreign_keys {
                let index = column_index(table, fk.column).unwrap();
                if record[index].is_empty() {
                    continue;
                }
                let value = int(&record[index], &at);
                let parent = keys
                    .get(fk.references)
                    .unwrap_or_else(|| panic!("{at}: {} not loaded", fk.references));
                assert!(
                    parent.contains(&value),
                    "{at}: {} = {value} has no {} row",
                    fk.column,
                    fk.references
                );
            }

            match table.csv_name {
                "Track" => {
                    let price = money(&record[col("UnitPrice")], &at);
                    track_price.insert(key[0], price);
                }
                "Employee" => {
                    employee_title.insert(key[0], record[col("Title")].to_string());
                }
                "Customer" => {
                    let rep = int(&record[col("SupportRepId")], &at);
                    assert_eq!(
                        employee_title[&rep], "Sales Support Agent",
                        "{at}: support rep {rep}"
                    );
                    let address = ["Address", "City", "State", "Country", "PostalCode"]
                        .iter()
                        .map(|c| record[col(c)].to_string())
                        .collect();
                    customer_address.insert(key[0], address);
                    let postal = &record[col("PostalCode")];
                    report.leading_zero_postal_codes += u64::from(postal.starts_with('0'));
                }
                "Invoice" => {
                    let customer = int(&record[col("CustomerId")], &at);
                    let billing: Vec<String> = [
                        "BillingAddress",
                        "BillingCity",
                        "BillingState",
                        "BillingCountry",
                        "BillingPostalCode",
                    ]
                    .iter()
                    .map(|c| record[col(c)].to_string())
                    .collect();
                    assert_eq!(
                        billing, customer_address[&customer],
                        "{at}: billing address"
                    );
                    invoice_total.insert(key[0], money(&record[col("Total")], &at));
                    let date = &record[col("InvoiceDate")];
                    assert!(date.ends_with(" 00:00:00"), "{at}: {date}");
                    assert!(("2021-01-01".."2026-01-01").contains(&date), "{at}: {date}");
                    *report
                        .invoice_years
                        .entry(date[..4].to_string())
                        .or_default() += 1;
                }
                "InvoiceLine" => {
                    let invoice = int(&record[col("InvoiceId")], &at);
                    let track = int(&record[col("TrackId")], &at);
                    let price = money(&record[col("UnitPrice")], &at);
                    let quantity = int(&record[col("Quantity")], &at);
                    assert_eq!(price, track_price[&track], "{at}: unit price = track price");
                    assert!((1..=3).contains(&quantity), "{at}: quantity {quantity}");
                    *report.quantities.entry(quantity).or_default() += 1;
                    *line_sums.entry(invoice).or_default() += price * Decimal::from(quantity);
                    sold.insert(track);
                }
                _ => {}
            }
        }
        if !is_self_referencing(table) && table.primary_key.len() == 1 {
            keys.insert(table.name, own_keys);
        }
        report.rows.insert(table.csv_name, rows);
    }

    assert_eq!(
        line_sums.len(),
        invoice_total.len(),
        "every invoice has at least one line"
    );
    for (invoice, total) in &invoice_total {
        assert_eq!(
            line_sums.get(invoice),
            Some(total),
            "invoice {invoice}: total = Σ lines"
        );
    }
    report.sold_tracks = sold.len() as u64;
    report
}

/// Every record ends in CRLF: no bare LF anywhere (no field holds a newline).
fn check_crlf(path: &Path) -> bool {
    let bytes = std::fs::read(path).unwrap();
    bytes.ends_with(b"\r\n") && bytes.windows(2).all(|w| w[1] != b'\n' || w[0] == b'\r')
}

fn read_all(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    chinook::TABLES
        .iter()
        .map(|t| (t.csv_name.to_string(), std::fs::read(file(dir, t)).unwrap()))
        .collect()
}

#[test]
fn same_seed_same_bytes_other_seed_other_data() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    generate(a.path(), 1, 42);
    generate(b.path(), 1, 42);
    generate(c.path(), 1, 7);
    let (a, b, c) = (read_all(a.path()), read_all(b.path()), read_all(c.path()));
    assert_eq!(a.len(), 11);
    for (name, bytes) in &a {
        assert!(
            bytes == &b[name],
            "{name} differs between two runs with the same seed"
        );
    }
    for name in [
        "Artist",
        "Album",
        "Track",
        "Customer",
        "Invoice",
        "InvoiceLine",
    ] {
        assert!(a[name] != c[name], "{name} is the same for seeds 42 and 7");
    }
    // Static tables do not depend on the seed.
    assert_eq!(a["Genre"], c["Genre"]);
}

#[test]
fn scale_one_is_chinook_shaped_and_consistent() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), 1, 42);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 11, "only the 11 CSV files: {leftovers:?}");

    let report = check_dir(dir.path());
    let rows = |name| report.rows(name);
    assert_eq!(rows("Artist"), 275);
    assert_eq!(rows("Album"), 347);
    assert_eq!(rows("Track"), 3503);
    assert_eq!(rows("Genre"), 25);
    assert_eq!(rows("MediaType"), 5);
    assert_eq!(rows("Playlist"), 18);
    assert!(
        (7000..=10500).contains(&rows("PlaylistTrack")),
        "{report:?}"
    );
    assert_eq!(rows("Employee"), 8);
    assert_eq!(rows("Customer"), 59);
    assert_eq!(rows("Invoice"), 412);
    assert!((2050..=2450).contains(&rows("InvoiceLine")), "{report:?}");

    // NULLs where Chinook has them, at roughly its rates.
    assert_eq!(report.nulls.get(&("Employee", "ReportsTo")), Some(&1));
    let share = |t, c| report.null_share(t, c);
    assert!(
        (0.15..=0.40).contains(&share("Track", "Composer")),
        "Composer {}",
        share("Track", "Composer")
    );
    assert!(
        (0.65..=0.97).contains(&share("Customer", "Company")),
        "Company {}",
        share("Customer", "Company")
    );
    assert!(
        (0.30..=0.70).contains(&share("Customer", "State")),
        "State {}",
        share("Customer", "State")
    );
    assert!(
        (0.60..=0.95).contains(&share("Customer", "Fax")),
        "Fax {}",
        share("Customer", "Fax")
    );
    assert!((0.25..=0.75).contains(&share("Invoice", "BillingState")));
    assert!(share("Invoice", "BillingPostalCode") < 0.25);
    for column in ["AlbumId", "GenreId", "Bytes"] {
        assert_eq!(report.nulls.get(&("Track", column)), None, "Track.{column}");
    }

    // Awkward text: commas, quotes, non-ASCII, leading zeros.
    assert!(report.fields_with_comma > 300, "{report:?}");
    assert!(report.fields_with_quote > 3, "{report:?}");
    assert!(report.fields_non_ascii > 200, "{report:?}");
    assert!(report.leading_zero_postal_codes > 0, "{report:?}");

    // Quantities mostly 1; sales over five years; skewed popularity.
    let ones = report.quantities[&1];
    assert!(
        ones * 100 > rows("InvoiceLine") * 80,
        "{:?}",
        report.quantities
    );
    assert_eq!(
        report.invoice_years.keys().collect::<Vec<_>>(),
        ["2021", "2022", "2023", "2024", "2025"]
    );
    assert!(
        report.sold_tracks < 2000,
        "Zipf leaves many tracks unsold: {}",
        report.sold_tracks
    );

    // Byte-level format: no BOM, header line, quoting only when needed.
    let customer = std::fs::read_to_string(dir.path().join("Customer.csv")).unwrap();
    assert!(customer.starts_with("CustomerId,FirstName,LastName,Company,"));
    let track = std::fs::read_to_string(dir.path().join("Track.csv")).unwrap();
    assert!(!track.contains("\"0.99\"") && track.contains(",0.99\r\n"));
}

/// `make data` (`--scale 1 --seed 42 --out data/chinook`) reproduces the
/// committed sample set byte for byte.
#[test]
fn scale_one_seed_42_is_the_committed_sample_set() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/chinook");
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), 1, 42);
    let (generated, committed) = (read_all(dir.path()), read_all(&committed));
    for (name, bytes) in &generated {
        assert!(
            bytes == &committed[name],
            "{name}.csv differs from data/chinook/{name}.csv (run make data and review the change)"
        );
    }
}

#[test]
fn rejects_scale_zero() {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--quiet", "--scale", "0", "--out"])
        .arg(dir.path())
        .output()
        .unwrap()
        .status;
    assert!(!status.success());
}

/// Checks an existing data set: `STARLIFT_VERIFY_DIR=/tmp/gen1000`.
#[test]
fn verify_dir() {
    let Ok(dir) = std::env::var("STARLIFT_VERIFY_DIR") else {
        eprintln!("STARLIFT_VERIFY_DIR not set; nothing to verify");
        return;
    };
    let report = check_dir(Path::new(&dir));
    eprintln!("{dir}: all checks passed; rows {:?}", report.rows);
    eprintln!(
        "quantities {:?}; invoices per year {:?}",
        report.quantities, report.invoice_years
    );
    eprintln!("sold tracks {}", report.sold_tracks);
}
