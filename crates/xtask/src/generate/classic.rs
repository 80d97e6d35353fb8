//! `cargo xtask generate --dataset classicmodels`: the classic-cars retailer
//! (MySQL's `classicmodels` sample) as a MySQL tool exports it, at any size.
//!
//! Eight files named after their tables, in the layout of
//! [`super::classicmodels`], written by [`super::export`]: `;`-delimited,
//! the MySQL column names as headers, text quoted when needed and sometimes
//! when not, empty = NULL, `YYYY-MM-DD` dates, two-decimal money, UTF-8.
//!
//! Scale 1 is about the size of the sample (7 product lines, 110 products,
//! 7 offices, 23 employees, 122 customers, 326 orders, ~3,000 order lines,
//! ~270 payments). Scale N multiplies customers, orders, their lines and
//! payments by N; products grow by ∛N and sales reps by ⌈√N⌉; the lines and
//! offices stay.
//!
//! Memory stays flat: orders, their lines and their payments are generated
//! one order at a time and written at once. What is kept is O(products +
//! customers) of small values (product codes and prices, the customers'
//! cumulative purchase weights and numbers); customers themselves are built
//! from their own random stream when written.
//!
//! Output is a pure function of (scale, seed): every part draws from its own
//! ChaCha8 stream, so the files are byte-identical across runs.

mod catalog;
mod customers;
mod orders;
mod staff;
mod words;

use std::path::Path;

use anyhow::Result;
use rand_chacha::ChaCha8Rng;

use super::export::ExportWriter;
use super::stream_rng;
use super::writer::FileSummary;

/// Share of text fields quoted though they need not be.
const EXTRA_QUOTES: f64 = 0.08;

/// Row counts derived from the scale (order lines and payments follow from
/// the orders).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub scale: u32,
    /// Sales reps per office are k times the sample's (17k reps in all).
    pub team: u32,
    pub customers: u32,
    pub orders: u32,
}

impl Sizes {
    pub fn for_scale(scale: u32) -> Self {
        Self {
            scale,
            team: f64::from(scale).sqrt().ceil() as u32,
            customers: 122 * scale,
            orders: 326 * scale,
        }
    }

    /// Products of a line: the sample's count times ∛scale.
    pub fn products_of(&self, line: &words::Line) -> u32 {
        let growth = f64::from(self.scale).cbrt();
        ((f64::from(line.products) * growth).round() as u32).max(1)
    }
}

/// The independent random streams.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
enum Stream {
    Catalog = 1,
    Staff = 2,
    Popularity = 3,
    Orders = 4,
    Payments = 5,
}

fn rng_for(seed: u64, stream: Stream) -> ChaCha8Rng {
    stream_rng(seed, stream as u64)
}

/// Customers get one stream each, from this base up.
const CUSTOMER_STREAM_BASE: u64 = 1 << 32;
/// Each file's quoting gets its own stream, from this base up.
const QUOTE_STREAM_BASE: u64 = 1 << 40;

/// The writer of one table, with that table's quoting stream.
fn writer(dir: &Path, seed: u64, table: &str, fields: &[&str]) -> Result<ExportWriter> {
    let index = super::classicmodels::TABLES
        .iter()
        .position(|t| t.name == table)
        .unwrap_or(usize::MAX);
    let quoting = stream_rng(seed, QUOTE_STREAM_BASE + index as u64);
    ExportWriter::create(dir, table, fields, quoting, EXTRA_QUOTES)
}

/// Writes the eight files into `dir`.
pub fn write_all(
    dir: &Path,
    seed: u64,
    scale: u32,
    show_progress: bool,
) -> Result<Vec<FileSummary>> {
    let sizes = Sizes::for_scale(scale);
    let mut files = Vec::with_capacity(8);
    files.push(catalog::write_product_lines(dir, seed)?);
    let (product_file, products) = catalog::write_products(dir, seed, &sizes)?;
    files.push(product_file);
    files.push(staff::write_offices(dir, seed)?);
    let team = staff::Staff::new(seed, &sizes);
    files.push(staff::write_employees(dir, seed, &team)?);
    let world = customers::World::new(&team);
    files.push(customers::write_customers(dir, seed, &sizes, &world)?);
    files.extend(orders::write_sales(
        dir,
        seed,
        &sizes,
        &products,
        show_progress,
    )?);
    Ok(files)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap, HashSet};
    use std::path::{Path, PathBuf};
    use std::str::FromStr;

    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    use super::super::MAX_SCALE;
    use super::super::classicmodels::{Kind, TABLES, Table};
    use super::*;

    /// A file read back with the csv crate: one row of optional fields
    /// (empty = NULL) per record.
    type Rows = Vec<Vec<Option<String>>>;

    const STATUSES: [&str; 6] = [
        "Shipped",
        "Resolved",
        "Cancelled",
        "On Hold",
        "Disputed",
        "In Process",
    ];

    /// Reads one file; checks its header, field count, NOT NULL columns and
    /// the format of every value of its kind.
    fn read(dir: &Path, table: &Table) -> Rows {
        let path = dir.join(format!("{}.csv", table.name));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_path(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let expected: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
        assert_eq!(header, expected, "header of {}", table.name);
        let mut rows = Rows::new();
        for record in reader.records() {
            let record = record.unwrap();
            assert_eq!(
                record.len(),
                table.columns.len(),
                "{}: {record:?}",
                table.name
            );
            let row: Vec<Option<String>> = record
                .iter()
                .map(|f| (!f.is_empty()).then(|| f.to_string()))
                .collect();
            for (column, value) in table.columns.iter().zip(&row) {
                let Some(value) = value else {
                    assert!(column.nullable, "{}.{} NULL", table.name, column.name);
                    continue;
                };
                let ok = match column.kind {
                    Kind::Int => value.parse::<i32>().is_ok(),
                    Kind::SmallInt => value.parse::<i16>().is_ok(),
                    Kind::Text => true,
                    Kind::Money => {
                        Decimal::from_str(value).is_ok()
                            && value.split_once('.').is_some_and(|(_, d)| d.len() == 2)
                    }
                    Kind::Date => {
                        value.len() == 10 && NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok()
                    }
                };
                assert!(ok, "{}.{}: {value:?}", table.name, column.name);
            }
            rows.push(row);
        }
        rows
    }

    fn table(name: &str) -> &'static Table {
        super::super::classicmodels::table(name).unwrap()
    }

    /// The value of `column` in `row` of `table`.
    fn get<'r>(table: &Table, row: &'r [Option<String>], column: &str) -> Option<&'r str> {
        row[table.column_index(column).unwrap()].as_deref()
    }

    fn date(value: Option<&str>) -> Option<NaiveDate> {
        value.map(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").unwrap())
    }

    fn money(value: Option<&str>) -> Decimal {
        Decimal::from_str(value.unwrap()).unwrap()
    }

    /// What a check saw.
    #[derive(Debug, Default)]
    struct Report {
        rows: BTreeMap<&'static str, usize>,
        statuses: BTreeMap<String, usize>,
        late: usize,
        customers_without_rep: usize,
        non_ascii_customers: usize,
    }

    /// Reads all eight files and checks keys, references and the rules of
    /// the data set.
    fn check(dir: &Path) -> Report {
        let data: HashMap<&str, Rows> = TABLES.iter().map(|t| (t.name, read(dir, t))).collect();
        let mut report = Report::default();
        // Primary keys are unique.
        let mut keys: HashMap<&str, HashSet<Vec<String>>> = HashMap::new();
        for t in TABLES {
            let mut seen = HashSet::new();
            for row in &data[t.name] {
                let key: Vec<String> = t
                    .primary_key
                    .iter()
                    .map(|k| get(t, row, k).unwrap().to_string())
                    .collect();
                assert!(
                    seen.insert(key.clone()),
                    "{}: duplicate key {key:?}",
                    t.name
                );
            }
            keys.insert(t.name, seen);
            report.rows.insert(t.name, data[t.name].len());
        }
        // Every reference resolves.
        for t in TABLES {
            for fk in t.foreign_keys {
                for row in &data[t.name] {
                    if let Some(value) = get(t, row, fk.column) {
                        assert!(
                            keys[fk.references].contains(&vec![value.to_string()]),
                            "{}.{} = {value} not in {}",
                            t.name,
                            fk.column,
                            fk.references
                        );
                    }
                }
            }
        }

        let lines: HashSet<&str> = data["productlines"]
            .iter()
            .map(|r| r[0].as_deref().unwrap())
            .collect();
        assert_eq!(
            lines,
            HashSet::from([
                "Classic Cars",
                "Motorcycles",
                "Planes",
                "Ships",
                "Trains",
                "Trucks and Buses",
                "Vintage Cars"
            ])
        );

        let products = table("products");
        let mut msrp: HashMap<&str, Decimal> = HashMap::new();
        for row in &data["products"] {
            let code = get(products, row, "productCode").unwrap();
            let scale = get(products, row, "productScale").unwrap();
            let (prefix, digits) = code.split_once('_').unwrap();
            assert_eq!(prefix, format!("S{}", scale.strip_prefix("1:").unwrap()));
            assert!(
                digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()),
                "{code}"
            );
            let buy = money(get(products, row, "buyPrice"));
            let price = money(get(products, row, "MSRP"));
            assert!(buy > Decimal::ZERO && price > buy, "{code}");
            msrp.insert(code, price);
        }

        let offices = table("offices");
        let codes: Vec<&str> = data["offices"]
            .iter()
            .map(|r| r[0].as_deref().unwrap())
            .collect();
        assert_eq!(codes, ["1", "2", "3", "4", "5", "6", "7"]);
        for row in &data["offices"] {
            let territory = get(offices, row, "territory").unwrap();
            assert!(["NA", "EMEA", "APAC", "Japan"].contains(&territory));
        }

        // Employees: one president, every chain of managers ends there.
        let employees = table("employees");
        let manager_of: HashMap<&str, Option<&str>> = data["employees"]
            .iter()
            .map(|r| {
                (
                    get(employees, r, "employeeNumber").unwrap(),
                    get(employees, r, "reportsTo"),
                )
            })
            .collect();
        let title_of: HashMap<&str, &str> = data["employees"]
            .iter()
            .map(|r| {
                (
                    get(employees, r, "employeeNumber").unwrap(),
                    get(employees, r, "jobTitle").unwrap(),
                )
            })
            .collect();
        let roots: Vec<&&str> = manager_of
            .iter()
            .filter(|(_, m)| m.is_none())
            .map(|(e, _)| e)
            .collect();
        assert_eq!(roots.len(), 1);
        assert_eq!(title_of[*roots[0]], "President");
        for &employee in manager_of.keys() {
            let mut current = employee;
            let mut steps = 0;
            while let Some(manager) = manager_of[current] {
                current = manager;
                steps += 1;
                assert!(steps <= manager_of.len(), "cycle above {employee}");
            }
        }

        // Customers: a rep is a sales rep; no rep means credit 0 and no orders.
        let customers = table("customers");
        let mut without_rep: HashSet<&str> = HashSet::new();
        for row in &data["customers"] {
            let number = get(customers, row, "customerNumber").unwrap();
            let credit = money(get(customers, row, "creditLimit"));
            match get(customers, row, "salesRepEmployeeNumber") {
                Some(rep) => {
                    assert_eq!(title_of[rep], "Sales Rep");
                    assert!(credit > Decimal::ZERO);
                }
                None => {
                    assert!(credit.is_zero());
                    without_rep.insert(number);
                }
            }
            if row.iter().flatten().any(|v| !v.is_ascii()) {
                report.non_ascii_customers += 1;
            }
        }
        report.customers_without_rep = without_rep.len();

        // Orders: dates and status agree.
        let orders = table("orders");
        let mut ordering: HashSet<&str> = HashSet::new();
        for row in &data["orders"] {
            let status = get(orders, row, "status").unwrap();
            assert!(STATUSES.contains(&status), "{status}");
            *report.statuses.entry(status.to_string()).or_default() += 1;
            let ordered = date(get(orders, row, "orderDate")).unwrap();
            let required = date(get(orders, row, "requiredDate")).unwrap();
            let shipped = date(get(orders, row, "shippedDate"));
            assert!(required > ordered);
            match status {
                "In Process" | "On Hold" => assert!(shipped.is_none(), "{row:?}"),
                "Shipped" | "Resolved" | "Disputed" => assert!(shipped.is_some(), "{row:?}"),
                _ => {}
            }
            if let Some(shipped) = shipped {
                assert!(shipped > ordered);
                if shipped > required {
                    report.late += 1;
                }
            }
            let customer = get(orders, row, "customerNumber").unwrap();
            assert!(!without_rep.contains(customer), "{customer} has no rep");
            ordering.insert(customer);
        }

        // Order lines: numbered 1..n per order, priced near MSRP.
        let details = table("orderdetails");
        let mut numbers: HashMap<&str, Vec<i64>> = HashMap::new();
        for row in &data["orderdetails"] {
            let order = get(details, row, "orderNumber").unwrap();
            let number: i64 = get(details, row, "orderLineNumber")
                .unwrap()
                .parse()
                .unwrap();
            numbers.entry(order).or_default().push(number);
            let price = money(get(details, row, "priceEach"));
            let list = msrp[get(details, row, "productCode").unwrap()];
            assert!(
                price <= list && price >= list * Decimal::new(79, 2),
                "{row:?}"
            );
            let quantity: i64 = get(details, row, "quantityOrdered")
                .unwrap()
                .parse()
                .unwrap();
            assert!(quantity > 0);
        }
        assert_eq!(numbers.len(), data["orders"].len(), "every order has lines");
        for (order, mut list) in numbers {
            list.sort_unstable();
            let expected: Vec<i64> = (1..=list.len() as i64).collect();
            assert_eq!(list, expected, "line numbers of {order}");
        }

        // Payments: check numbers shaped like HQ336336, by ordering customers.
        let payments = table("payments");
        for row in &data["payments"] {
            let check = get(payments, row, "checkNumber").unwrap();
            assert!(check.len() == 8 && check[..2].bytes().all(|b| b.is_ascii_uppercase()));
            assert!(check[2..].bytes().all(|b| b.is_ascii_digit()), "{check}");
            assert!(money(get(payments, row, "amount")) > Decimal::ZERO);
            assert!(ordering.contains(get(payments, row, "customerNumber").unwrap()));
        }
        report
    }

    fn generate(scale: u32, seed: u64) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let files = write_all(dir.path(), seed, scale, false).unwrap();
        assert_eq!(files.len(), TABLES.len());
        dir
    }

    fn committed() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/classicmodels")
    }

    #[test]
    fn scale_one_has_the_samples_shape_and_holds_together() {
        let dir = generate(1, 42);
        let report = check(dir.path());
        let rows = &report.rows;
        assert_eq!(rows["productlines"], 7);
        assert_eq!(rows["products"], 110);
        assert_eq!(rows["offices"], 7);
        assert_eq!(rows["employees"], 23);
        assert_eq!(rows["customers"], 122);
        assert_eq!(rows["orders"], 326);
        assert!((2700..=3300).contains(&rows["orderdetails"]), "{rows:?}");
        assert!((220..=320).contains(&rows["payments"]), "{rows:?}");
        for status in STATUSES {
            assert!(report.statuses.contains_key(status), "{status}: {report:?}");
        }
        assert!(report.statuses["Shipped"] > 280, "{report:?}");
        assert!(report.late > 0 && report.late < 30, "{report:?}");
        assert!(
            (10..40).contains(&report.customers_without_rep),
            "{report:?}"
        );
        assert!(report.non_ascii_customers > 10, "{report:?}");

        // Quoted when needed (`;`, quotes, line breaks) and sometimes not.
        let products = std::fs::read_to_string(dir.path().join("products.csv")).unwrap();
        assert!(products.contains("; material: ") && products.contains("\"\""));
        let orders = std::fs::read_to_string(dir.path().join("orders.csv")).unwrap();
        assert!(orders.contains(";\"Shipped\";") && orders.contains(";Shipped;"));
    }

    #[test]
    fn same_seed_same_bytes() {
        let a = generate(1, 7);
        let b = generate(1, 7);
        let c = generate(1, 8);
        for t in TABLES {
            let file = format!("{}.csv", t.name);
            let read = |dir: &tempfile::TempDir| std::fs::read(dir.path().join(&file)).unwrap();
            assert_eq!(read(&a), read(&b), "{file}");
            if t.name != "productlines" {
                assert_ne!(read(&a), read(&c), "{file}");
            }
        }
    }

    /// `data/classicmodels/` is scale 1, seed 42 (`make data DATASET=classicmodels`).
    #[test]
    fn the_committed_sample_is_scale_one_seed_42() {
        let dir = generate(1, 42);
        for t in TABLES {
            let file = format!("{}.csv", t.name);
            let generated = std::fs::read(dir.path().join(&file)).unwrap();
            let committed = std::fs::read(committed().join(&file)).unwrap();
            assert!(
                generated == committed,
                "data/classicmodels/{file} is stale: run `make data DATASET=classicmodels`"
            );
        }
        check(&committed());
    }

    /// `STARLIFT_VERIFY_CLASSICMODELS=/some/dir cargo test -p xtask
    /// verify_classicmodels_dir` checks an existing data set (a larger scale).
    #[test]
    fn verify_classicmodels_dir() {
        if let Some(dir) = std::env::var_os("STARLIFT_VERIFY_CLASSICMODELS") {
            let report = check(Path::new(&dir));
            println!("{report:?}");
        }
    }

    #[test]
    fn sizes_grow_as_documented() {
        let one = Sizes::for_scale(1);
        assert_eq!(
            one,
            Sizes {
                scale: 1,
                team: 1,
                customers: 122,
                orders: 326
            }
        );
        let products =
            |sizes: &Sizes| -> u32 { words::LINES.iter().map(|l| sizes.products_of(l)).sum() };
        assert_eq!(products(&one), 110);
        let big = Sizes::for_scale(1000);
        assert_eq!(
            (big.team, big.customers, big.orders),
            (32, 122_000, 326_000)
        );
        assert_eq!(products(&big), 1100);
        let max = Sizes::for_scale(MAX_SCALE);
        // Order and customer numbers stay inside MySQL / PostgreSQL `int`.
        assert!(u64::from(orders::FIRST_ORDER) + u64::from(max.orders) < i32::MAX as u64);
        assert!(103 + 3 * u64::from(max.customers) < i32::MAX as u64);
    }
}
