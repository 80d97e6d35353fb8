//! Invoices and invoice lines, streamed one invoice at a time.
//!
//! - Dates: 2021-01-01 ..= 2025-12-31 at midnight, non-decreasing with the
//!   invoice id, the daily volume growing by about 60% over the five years.
//! - Customers: they join over time (30% exist at the start, the rest join
//!   during the first 85% of the period); each has a log-normal purchase
//!   weight, so some buy often and some never.
//! - Lines: 1–15 per invoice (mean 38/7 ≈ 5.43 as in Chinook), distinct tracks
//!   drawn by a Zipf popularity over a shuffled track order, quantity 1–3
//!   (mostly 1), unit price = the track's price.
//! - Total = Σ unit price × quantity, in exact decimals.

use std::io::IsTerminal as _;
use std::path::Path;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_distr::{Distribution, LogNormal, Zipf};
use rust_decimal::Decimal;

use super::music::Tracks;
use super::people::{Team, customer};
use super::writer::{FileSummary, TableWriter, Value};
use super::{Sizes, Stream, rng_for};

/// Zipf exponent of track popularity.
const POPULARITY_EXPONENT: f64 = 0.6;
/// Lines per invoice as in Chinook (1, 2, 2, 4, 6, 9, 14: mean 38/7 ≈ 5.43):
/// each block of 7 invoices gets these counts in random order, so the line
/// total stays close to 5.43 × invoices; counts of 4 and more are jittered
/// by ±1.
const LINE_COUNTS: [u32; 7] = [1, 2, 2, 4, 6, 9, 14];
/// Daily invoice volume at the end of the period relative to the start, − 1.
const GROWTH: f64 = 0.6;
/// Share of customers who exist when the period starts.
const INITIAL_CUSTOMERS: f64 = 0.3;
/// Share of the period over which the other customers join.
const JOIN_WINDOW: f64 = 0.85;

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 1, 1).unwrap_or_default()
}

fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default()
}

/// Day offset of an invoice: position `c` in [0, 1) along the invoices maps
/// through the inverse of the cumulative volume t + GROWTH·t²/2.
fn invoice_day(c: f64, days: i64) -> i64 {
    let g = GROWTH;
    let t = ((1.0 + 2.0 * g * c * (1.0 + g / 2.0)).sqrt() - 1.0) / g;
    ((t * days as f64) as i64).clamp(0, days - 1)
}

/// Sampling customers: cumulative weights, customers ordered by join day.
struct CustomerPool {
    cumulative: Vec<f64>,
    initial: usize,
    join_days: f64,
}

impl CustomerPool {
    fn new<R: Rng>(rng: &mut R, customers: u32, days: i64) -> Result<Self> {
        let weight = LogNormal::new(0.0, 0.8).context("customer weights")?;
        let mut total = 0.0;
        let cumulative = (0..customers)
            .map(|_| {
                total += weight.sample(rng);
                total
            })
            .collect();
        let initial = ((f64::from(customers) * INITIAL_CUSTOMERS).ceil() as usize).max(1);
        Ok(Self {
            cumulative,
            initial,
            join_days: days as f64 * JOIN_WINDOW,
        })
    }

    /// How many customers have joined by this day.
    fn joined(&self, day: i64) -> usize {
        let later = self.cumulative.len() - self.initial;
        let joined = self.initial + (later as f64 * day as f64 / self.join_days) as usize;
        joined.min(self.cumulative.len())
    }

    /// A customer id among those who joined by this day, by weight.
    fn pick<R: Rng>(&self, rng: &mut R, day: i64) -> u32 {
        let joined = self.joined(day).max(1);
        let upto = self.cumulative[joined - 1];
        let point = rng.random::<f64>() * upto;
        let index = self.cumulative[..joined]
            .partition_point(|&c| c <= point)
            .min(joined - 1);
        index as u32 + 1
    }
}

/// A progress bar on stderr if it is a terminal and `visible`, else hidden.
pub(super) fn progress_bar(label: &str, total: u64, visible: bool) -> ProgressBar {
    let target = if visible && std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(total), target);
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{label} {{bar:40.cyan/blue}} {{human_pos}}/{{human_len}} [{{elapsed}}, eta {{eta}}]"
    )) {
        bar.set_style(style);
    }
    bar
}

pub fn write_sales(
    dir: &Path,
    seed: u64,
    sizes: &Sizes,
    tracks: &Tracks,
    show_progress: bool,
) -> Result<(FileSummary, FileSummary)> {
    let team = Team::new(sizes);
    let days = (last_day() - first_day()).num_days() + 1;
    let pool = CustomerPool::new(
        &mut rng_for(seed, Stream::CustomerWeights),
        sizes.customers,
        days,
    )?;

    // Popularity rank → track id: a shuffled order, so popular tracks are
    // spread over albums, genres and ids.
    let mut by_rank: Vec<u32> = (1..=tracks.len() as u32).collect();
    by_rank.shuffle(&mut rng_for(seed, Stream::Popularity));
    let popularity =
        Zipf::new(by_rank.len() as f64, POPULARITY_EXPONENT).context("track popularity")?;

    let mut invoices = TableWriter::create(
        dir,
        "Invoice",
        &[
            "InvoiceId",
            "CustomerId",
            "InvoiceDate",
            "BillingAddress",
            "BillingCity",
            "BillingState",
            "BillingCountry",
            "BillingPostalCode",
            "Total",
        ],
    )?;
    let mut lines = TableWriter::create(
        dir,
        "InvoiceLine",
        &[
            "InvoiceLineId",
            "InvoiceId",
            "TrackId",
            "UnitPrice",
            "Quantity",
        ],
    )?;

    let mut rng = rng_for(seed, Stream::Sales);
    let bar = progress_bar("invoices", sizes.invoices.into(), show_progress);
    // The lines of the current invoice: (track id, unit price, quantity).
    let mut current: Vec<(u32, Decimal, u32)> = Vec::with_capacity(16);
    let mut line_id: i64 = 0;
    let mut block = LINE_COUNTS;
    for invoice_id in 1..=sizes.invoices {
        let position =
            (f64::from(invoice_id - 1) + rng.random::<f64>()) / f64::from(sizes.invoices);
        let day = invoice_day(position, days);
        let date = first_day() + chrono::Duration::days(day);
        let customer_id = pool.pick(&mut rng, day);
        let billed = customer(seed, customer_id, &team);

        let block_index = (invoice_id - 1) as usize % LINE_COUNTS.len();
        if block_index == 0 {
            block.shuffle(&mut rng);
        }
        let mut count = block[block_index];
        if count >= 4 {
            count = count + rng.random_range(0..3) - 1;
        }
        current.clear();
        let mut total = Decimal::ZERO;
        while current.len() < count as usize {
            let rank = popularity.sample(&mut rng) as usize;
            let track_id = by_rank[rank.clamp(1, by_rank.len()) - 1];
            if current.iter().any(|line| line.0 == track_id) {
                continue; // one line per track within an invoice
            }
            let quantity = match rng.random_range(0..100) {
                0..90 => 1,
                90..97 => 2,
                _ => 3,
            };
            let price = tracks.price(track_id);
            total += price * Decimal::from(quantity);
            current.push((track_id, price, quantity));
        }

        invoices.write(&[
            Value::Int(invoice_id.into()),
            Value::Int(customer_id.into()),
            Value::Timestamp(date.and_time(chrono::NaiveTime::MIN)),
            Value::Text(&billed.address),
            Value::Text(billed.city),
            Value::opt_text(billed.state),
            Value::Text(billed.country),
            Value::opt_text(billed.postal_code.as_deref()),
            Value::Money(total),
        ])?;
        for &(track_id, price, quantity) in &current {
            line_id += 1;
            lines.write(&[
                Value::Int(line_id),
                Value::Int(invoice_id.into()),
                Value::Int(track_id.into()),
                Value::Money(price),
                Value::Int(quantity.into()),
            ])?;
        }
        if invoice_id % 1024 == 0 {
            bar.set_position(invoice_id.into());
        }
    }
    bar.finish_and_clear();
    Ok((invoices.finish()?, lines.finish()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoice_days_cover_the_period_in_order() {
        let days = (last_day() - first_day()).num_days() + 1;
        assert_eq!(days, 1826);
        assert_eq!(invoice_day(0.0, days), 0);
        assert_eq!(invoice_day(0.999_999_9, days), days - 1);
        let mut previous = 0;
        for i in 0..10_000 {
            let day = invoice_day(f64::from(i) / 10_000.0, days);
            assert!(day >= previous);
            previous = day;
        }
        // Growth: the last year holds more invoices than the first.
        let first_year = (0..10_000)
            .filter(|i| invoice_day(f64::from(*i) / 10_000.0, days) < 365)
            .count();
        let last_year = (0..10_000)
            .filter(|i| invoice_day(f64::from(*i) / 10_000.0, days) >= days - 365)
            .count();
        assert!(
            last_year > first_year + first_year / 4,
            "{first_year} vs {last_year}"
        );
    }

    #[test]
    fn customers_join_over_time() {
        let mut rng = rng_for(1, Stream::CustomerWeights);
        let pool = CustomerPool::new(&mut rng, 100, 1826).unwrap();
        assert_eq!(pool.joined(0), 30);
        assert_eq!(pool.joined(1825), 100);
        for _ in 0..1000 {
            assert!(pool.pick(&mut rng, 0) <= 30);
            let id = pool.pick(&mut rng, 1825);
            assert!((1..=100).contains(&id));
        }
    }
}
