//! Orders, their lines and the payments, streamed one order at a time into
//! the three files at once.
//!
//! - Dates: 2003-01-06 ..= 2005-05-31 as in the sample, non-decreasing with
//!   the order number (from 10100); volume grows by half over the period and
//!   peaks every autumn (November about 2.6× a plain month).
//! - Customers: drawn by purchase weight ([`super::customers::Profile`]);
//!   customers without a sales rep never order.
//! - Status: mostly Shipped; Cancelled and Resolved now and then, On Hold and
//!   Disputed among the orders of the last 200 days; In Process for what has
//!   not shipped by the end of the period (the last week's orders and any
//!   whose ship date would fall after it).
//!   shippedDate is NULL for In Process, On Hold and most Cancelled orders.
//!   requiredDate is 6–10 days after orderDate; about 3% ship late.
//! - Lines: 1–17 distinct products (mean 9, as in the sample), by a mild
//!   Zipf popularity over a shuffled catalogue; quantity mostly 20–50;
//!   priceEach the MSRP less up to 20%. Lines are written in product-code
//!   order (a primary-key-ordered export), so orderLineNumber (1..n in the
//!   order they were taken) reads shuffled.
//! - Payments: most shipped orders are paid, 3–45 days after shipping, now
//!   and then in two parts; payments dated after the period are left out, so
//!   some customers have a balance. Check numbers (`HQ336336`) are distinct
//!   over the whole file: a bijection of the payment's sequence number.

use std::path::Path;

use anyhow::{Context, Result, ensure};
use chrono::{Datelike, Duration, NaiveDate};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_distr::{Distribution, Zipf};
use rust_decimal::Decimal;

use super::catalog::{Product, cents};
use super::customers::profile;
use super::words;
use super::{Sizes, Stream, rng_for, writer};
use crate::generate::sales::progress_bar;
use crate::generate::writer::{FileSummary, Value};

pub fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2003, 1, 6).unwrap_or_default()
}

pub fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2005, 5, 31).unwrap_or_default()
}

/// First order number.
pub const FIRST_ORDER: u32 = 10100;
/// Zipf exponent of product popularity (mild: the sample is fairly flat).
const POPULARITY_EXPONENT: f64 = 0.3;
/// Daily volume at the end of the period relative to the start, − 1.
const GROWTH: f64 = 0.5;
/// Share of shipped orders that ship after their required date.
const LATE_SHARE: f64 = 0.03;
/// On Hold and Disputed orders are from the last this many days.
const OPEN_DAYS: i64 = 200;
/// Share of shipped (and not disputed) orders that get paid.
const PAID_SHARE: f64 = 0.88;
/// Share of paid orders paid in two parts.
const SPLIT_SHARE: f64 = 0.05;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Shipped,
    Resolved,
    Cancelled,
    OnHold,
    Disputed,
    InProcess,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Shipped => "Shipped",
            Status::Resolved => "Resolved",
            Status::Cancelled => "Cancelled",
            Status::OnHold => "On Hold",
            Status::Disputed => "Disputed",
            Status::InProcess => "In Process",
        }
    }
}

/// Relative order volume of a month.
fn month_factor(month: u32) -> f64 {
    match month {
        11 => 2.6,
        10 => 1.4,
        12 => 1.2,
        _ => 1.0,
    }
}

/// Cumulative order volume at the end of each day of the period.
fn day_volume() -> Vec<f64> {
    let days = (last_day() - first_day()).num_days() + 1;
    let mut total = 0.0;
    (0..days)
        .map(|day| {
            let date = first_day() + Duration::days(day);
            total += (1.0 + GROWTH * day as f64 / days as f64) * month_factor(date.month());
            total
        })
        .collect()
}

/// The day (offset from [`first_day`]) at position `c` in [0, 1) along the
/// orders.
fn order_day(cumulative: &[f64], c: f64) -> i64 {
    let total = cumulative.last().copied().unwrap_or(0.0);
    let index = cumulative.partition_point(|&v| v <= c * total);
    index.min(cumulative.len().saturating_sub(1)) as i64
}

/// Customers to sample orders from: cumulative purchase weights in customer
/// order, and the customer numbers.
struct CustomerPool {
    cumulative: Vec<f64>,
    numbers: Vec<u32>,
}

impl CustomerPool {
    fn new(seed: u64, customers: u32) -> Result<Self> {
        let mut total = 0.0;
        let mut cumulative = Vec::with_capacity(customers as usize);
        let mut numbers = Vec::with_capacity(customers as usize);
        for index in 0..customers {
            let p = profile(seed, index);
            total += p.weight;
            cumulative.push(total);
            numbers.push(p.number);
        }
        ensure!(total > 0.0, "no customer with a sales rep to order");
        Ok(Self {
            cumulative,
            numbers,
        })
    }

    fn pick<R: Rng>(&self, rng: &mut R) -> u32 {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let point = rng.random::<f64>() * total;
        // The first customer whose cumulative weight exceeds the point has a
        // weight > 0.
        let index = self
            .cumulative
            .partition_point(|&c| c <= point)
            .min(self.numbers.len() - 1);
        self.numbers[index]
    }
}

/// Number of distinct check numbers: two letters and six digits.
const CHECK_SPACE: u64 = 26 * 26 * 1_000_000;
/// 3^18, coprime to 26² · 10⁶: k ↦ k · STEP + offset is a bijection.
const CHECK_STEP: u64 = 387_420_489;

/// The check number of the k-th payment (`HQ336336`).
fn check_number(k: u64, offset: u64) -> String {
    let v = (k % CHECK_SPACE * CHECK_STEP + offset) % CHECK_SPACE;
    let letters = v / 1_000_000;
    let first = char::from(b'A' + (letters / 26) as u8);
    let second = char::from(b'A' + (letters % 26) as u8);
    format!("{first}{second}{:06}", v % 1_000_000)
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// One line of the order being built.
struct Line {
    product: usize,
    quantity: i64,
    price: Decimal,
    number: i64,
}

pub fn write_sales(
    dir: &Path,
    seed: u64,
    sizes: &Sizes,
    products: &[Product],
    show_progress: bool,
) -> Result<[FileSummary; 3]> {
    ensure!(!products.is_empty(), "no products to order");
    let pool = CustomerPool::new(seed, sizes.customers)?;
    let volume = day_volume();
    let mut by_rank: Vec<usize> = (0..products.len()).collect();
    by_rank.shuffle(&mut rng_for(seed, Stream::Popularity));
    let popularity =
        Zipf::new(by_rank.len() as f64, POPULARITY_EXPONENT).context("product popularity")?;

    let mut orders = writer(
        dir,
        seed,
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
    )?;
    let mut details = writer(
        dir,
        seed,
        "orderdetails",
        &[
            "orderNumber",
            "productCode",
            "quantityOrdered",
            "priceEach",
            "orderLineNumber",
        ],
    )?;
    let mut payments = writer(
        dir,
        seed,
        "payments",
        &["customerNumber", "checkNumber", "paymentDate", "amount"],
    )?;

    let mut rng = rng_for(seed, Stream::Orders);
    let mut pay_rng = rng_for(seed, Stream::Payments);
    let check_offset = pay_rng.random_range(0..CHECK_SPACE);
    let mut payment_count: u64 = 0;
    let end = last_day();
    let bar = progress_bar("orders", sizes.orders.into(), show_progress);
    let mut lines: Vec<Line> = Vec::with_capacity(20);
    for index in 0..sizes.orders {
        let order_number = FIRST_ORDER + index;
        let position = (f64::from(index) + rng.random::<f64>()) / f64::from(sizes.orders);
        let ordered = first_day() + days(order_day(&volume, position));
        let customer = pool.pick(&mut rng);
        let required = ordered + days(rng.random_range(6..=10));
        let ship_gap = if rng.random_bool(LATE_SHARE) {
            (required - ordered).num_days() + rng.random_range(1..=25)
        } else {
            rng.random_range(1..=5)
        };
        let shipped_on = ordered + days(ship_gap);
        // On Hold and Disputed are still open, so only recent orders are.
        let open = ordered > end - days(OPEN_DAYS);
        let mut status = match rng.random_range(0..1000) {
            0..20 => Status::Cancelled,
            20..33 => Status::Resolved,
            33..83 if open => Status::OnHold,
            83..123 if open => Status::Disputed,
            _ => Status::Shipped,
        };
        let recent = ordered > end - days(7);
        let shipped = match status {
            Status::OnHold | Status::InProcess => None,
            Status::Cancelled => (rng.random_bool(0.3) && shipped_on <= end).then_some(shipped_on),
            Status::Shipped | Status::Resolved | Status::Disputed => {
                if recent || shipped_on > end {
                    status = Status::InProcess;
                    None
                } else {
                    Some(shipped_on)
                }
            }
        };
        let comments = match status {
            Status::Shipped => rng
                .random_bool(0.15)
                .then(|| pick(&mut rng, words::SHIPPED_COMMENTS)),
            Status::Cancelled if shipped.is_some() => Some(words::CANCELLED_AFTER_SHIPPING),
            Status::Cancelled => Some(pick(&mut rng, words::CANCELLED_COMMENTS)),
            Status::OnHold => Some(pick(&mut rng, words::ON_HOLD_COMMENTS)),
            Status::Disputed => Some(pick(&mut rng, words::DISPUTED_COMMENTS)),
            Status::Resolved => Some(pick(&mut rng, words::RESOLVED_COMMENTS)),
            Status::InProcess => rng
                .random_bool(0.4)
                .then(|| pick(&mut rng, words::IN_PROCESS_COMMENTS)),
        };

        let count = rng.random_range(1..=17).min(products.len());
        lines.clear();
        let mut total = Decimal::ZERO;
        while lines.len() < count {
            let rank = popularity.sample(&mut rng) as usize;
            let product = by_rank[rank.clamp(1, by_rank.len()) - 1];
            if lines.iter().any(|l| l.product == product) {
                continue; // one line per product: the key is (order, product)
            }
            let quantity = match rng.random_range(0..100) {
                0..85 => rng.random_range(20..=50),
                85..95 => rng.random_range(6..=19),
                _ => rng.random_range(51..=97),
            };
            let discount = Decimal::from(rng.random_range(0..=200)) / Decimal::from(1000);
            let price = (products[product].msrp * (Decimal::ONE - discount))
                .round_dp(2)
                .max(cents(1));
            total += price * Decimal::from(quantity);
            lines.push(Line {
                product,
                quantity,
                price,
                number: lines.len() as i64 + 1,
            });
        }
        lines.sort_by(|a, b| products[a.product].code.cmp(&products[b.product].code));

        orders.write(&[
            Value::Int(order_number.into()),
            Value::Date(ordered),
            Value::Date(required),
            shipped.map_or(Value::Null, Value::Date),
            Value::Text(status.as_str()),
            Value::opt_text(comments),
            Value::Int(customer.into()),
        ])?;
        for line in &lines {
            details.write(&[
                Value::Int(order_number.into()),
                Value::Text(&products[line.product].code),
                Value::Int(line.quantity),
                Value::Money(line.price),
                Value::Int(line.number),
            ])?;
        }

        if let Some(shipped) = shipped
            && matches!(status, Status::Shipped | Status::Resolved)
            && pay_rng.random_bool(PAID_SHARE)
        {
            let first_date = shipped + days(pay_rng.random_range(3..=45));
            let mut parts = vec![(first_date, total)];
            if pay_rng.random_bool(SPLIT_SHARE) && total > cents(100) {
                let share = Decimal::from(pay_rng.random_range(30..=70)) / Decimal::from(100);
                let first = (total * share).round_dp(2);
                let second_date = first_date + days(pay_rng.random_range(10..=40));
                parts = vec![(first_date, first), (second_date, total - first)];
            }
            for (date, amount) in parts {
                if date > end {
                    continue; // not paid yet when the data set ends
                }
                ensure!(
                    payment_count < CHECK_SPACE,
                    "too many payments for check numbers"
                );
                let check = check_number(payment_count, check_offset);
                payment_count += 1;
                payments.write(&[
                    Value::Int(customer.into()),
                    Value::Text(&check),
                    Value::Date(date),
                    Value::Money(amount),
                ])?;
            }
        }
        if index % 1024 == 0 {
            bar.set_position(index.into());
        }
    }
    bar.finish_and_clear();
    Ok([orders.finish()?, details.finish()?, payments.finish()?])
}

fn pick<R: Rng>(rng: &mut R, items: &[&'static str]) -> &'static str {
    items[rng.random_range(0..items.len())]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn check_numbers_are_distinct_and_shaped() {
        let mut seen = HashSet::new();
        for k in 0..200_000 {
            let check = check_number(k, 12_345);
            assert_eq!(check.len(), 8);
            assert!(check[..2].bytes().all(|b| b.is_ascii_uppercase()));
            assert!(check[2..].bytes().all(|b| b.is_ascii_digit()));
            assert!(seen.insert(check));
        }
        assert_eq!(check_number(0, 0), "AA000000");
        assert_eq!(check_number(CHECK_SPACE - 1, CHECK_SPACE - 1).len(), 8);
    }

    #[test]
    fn order_days_cover_the_period_with_an_autumn_peak() {
        let volume = day_volume();
        assert_eq!(
            volume.len() as i64,
            (last_day() - first_day()).num_days() + 1
        );
        assert_eq!(order_day(&volume, 0.0), 0);
        assert_eq!(order_day(&volume, 0.999_999_9), volume.len() as i64 - 1);
        let month_of = |c: f64| (first_day() + days(order_day(&volume, c))).month();
        let november = (0..10_000)
            .filter(|i| month_of(f64::from(*i) / 10_000.0) == 11)
            .count();
        let march = (0..10_000)
            .filter(|i| month_of(f64::from(*i) / 10_000.0) == 3)
            .count();
        // Two Novembers and three Marches in the period: per month, November
        // has well over twice the orders.
        assert!(3 * november > 2 * 2 * march, "{november} vs {march}");
    }
}
