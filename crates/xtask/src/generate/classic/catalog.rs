//! Product lines (the seven of the sample, fixed) and products.
//!
//! Products are `<year> <model>` of their line, in a scale the line is made
//! in; the code is `S<scale>_<4 digits>` (`S18_1749` is a 1:18 model), unique.
//! MSRP is the buy price plus a 35–110% margin. The file is in code order, as
//! a MySQL export in primary-key order is.

use std::collections::HashSet;
use std::path::Path;

use anyhow::{Result, bail};
use rand::Rng;
use rust_decimal::Decimal;

use super::words::{self, LINES};
use super::{Sizes, Stream, rng_for, writer};
use crate::generate::writer::{FileSummary, Value};
use crate::generate::{choose, pick_weighted};

/// What the orders need of a product.
#[derive(Debug, Clone)]
pub struct Product {
    pub code: String,
    pub msrp: Decimal,
}

/// Money from a whole number of cents.
pub fn cents(n: i64) -> Decimal {
    Decimal::new(n, 2)
}

pub fn write_product_lines(dir: &Path, seed: u64) -> Result<FileSummary> {
    let mut w = writer(
        dir,
        seed,
        "productlines",
        &["productLine", "textDescription", "htmlDescription", "image"],
    )?;
    for line in LINES {
        w.write(&[
            Value::Text(line.name),
            Value::Text(line.text_description),
            Value::Null,
            Value::Null,
        ])?;
    }
    w.finish()
}

fn description<R: Rng>(rng: &mut R, line: &words::Line, scale: u16) -> String {
    let count = rng.random_range(2..=4);
    let mut features: Vec<&str> = Vec::with_capacity(count);
    while features.len() < count {
        let feature = if rng.random_bool(0.7) {
            *choose(rng, line.features)
        } else {
            *choose(rng, words::FEATURES)
        };
        if !features.contains(&feature) {
            features.push(feature);
        }
    }
    let last = features.pop().unwrap_or_default();
    let mut text = format!(
        "This 1:{scale} replica features {} and {last}.",
        features.join(", ")
    );
    match rng.random_range(0..10) {
        // A `;` inside: the field has to be quoted.
        0..3 => text.push_str(&format!(
            " Color: {}; material: {}.",
            choose(rng, words::COLORS),
            choose(rng, words::MATERIALS)
        )),
        // A quote inside.
        3 => text.push_str(&format!(
            " Part of the \"{}\" series.",
            choose(rng, words::SERIES)
        )),
        4..6 => text.push_str(&format!(
            " A fine addition to any {} collection, fully assembled.",
            line.name.to_lowercase()
        )),
        _ => {}
    }
    text
}

/// Writes products.csv and returns the products in code order.
pub fn write_products(dir: &Path, seed: u64, sizes: &Sizes) -> Result<(FileSummary, Vec<Product>)> {
    let mut rng = rng_for(seed, Stream::Catalog);
    struct Row {
        code: String,
        name: String,
        line: &'static str,
        scale: u16,
        vendor: &'static str,
        description: String,
        stock: i64,
        buy: Decimal,
        msrp: Decimal,
    }
    let mut codes: HashSet<String> = HashSet::new();
    let mut names: HashSet<String> = HashSet::new();
    let mut rows: Vec<Row> = Vec::new();
    for line in LINES {
        for _ in 0..sizes.products_of(line) {
            let scale = line.scales[pick_weighted(&mut rng, line.scales, |s| s.1)].0;
            let mut attempts = 0;
            let code = loop {
                let code = format!("S{scale}_{}", rng.random_range(1000..=9999));
                if codes.insert(code.clone()) {
                    break code;
                }
                attempts += 1;
                if attempts > 10_000 {
                    bail!("no free product code for scale 1:{scale}");
                }
            };
            let mut name = String::new();
            for attempt in 0..8 {
                let year = rng.random_range(line.years.0..=line.years.1);
                name = format!("{year} {}", choose(&mut rng, line.models));
                if attempt > 3 || rng.random_bool(0.1) {
                    name.push(' ');
                    name.push_str(choose::<&str, _>(&mut rng, words::VARIANTS));
                }
                if !names.contains(&name) {
                    break;
                }
            }
            names.insert(name.clone());
            let buy = cents(rng.random_range(
                i64::from(line.buy_price.0) * 100..=i64::from(line.buy_price.1) * 100,
            ));
            let margin = Decimal::from(rng.random_range(135..=210)) / Decimal::from(100);
            let msrp = (buy * margin).round_dp(2);
            rows.push(Row {
                code,
                name,
                line: line.name,
                scale,
                vendor: choose::<&str, _>(&mut rng, words::VENDORS),
                description: description(&mut rng, line, scale),
                stock: rng.random_range(15..=9999),
                buy,
                msrp,
            });
        }
    }
    rows.sort_by(|a, b| a.code.cmp(&b.code));

    let mut w = writer(
        dir,
        seed,
        "products",
        &[
            "productCode",
            "productName",
            "productLine",
            "productScale",
            "productVendor",
            "productDescription",
            "quantityInStock",
            "buyPrice",
            "MSRP",
        ],
    )?;
    for row in &rows {
        let scale = format!("1:{}", row.scale);
        w.write(&[
            Value::Text(&row.code),
            Value::Text(&row.name),
            Value::Text(row.line),
            Value::Text(&scale),
            Value::Text(row.vendor),
            Value::Text(&row.description),
            Value::Int(row.stock),
            Value::Money(row.buy),
            Value::Money(row.msrp),
        ])?;
    }
    let summary = w.finish()?;
    let products = rows
        .into_iter()
        .map(|row| Product {
            code: row.code,
            msrp: row.msrp,
        })
        .collect();
    Ok((summary, products))
}
