//! `cargo xtask generate`: a synthetic CSV data set of any size, for one of
//! two packs (`--dataset`): Chinook (the default, below) or classicmodels
//! (the classic-cars retailer as a MySQL tool exports it: [`classic`]).
//!
//! Chinook's eleven files use the official layout (names, headers and column order
//! from [`chinook`], the generator's own description of the Chinook files,
//! checked against the pack's DDL by a test; CRLF, quoting only when needed,
//! empty = NULL). Scale 1 is about the size of the real data set; scale N multiplies
//! the sales side by N (customers, invoices, invoice lines) and the catalogue
//! side by √N (artists, albums, tracks, playlists, and employees by ⌈√N⌉).
//!
//! Memory stays flat: invoices and their lines are generated one invoice at a
//! time and written at once. What is kept is O(tracks + customers) of small
//! numbers (the track media/genre bytes, the popularity permutation, the
//! customers' cumulative purchase weights); customers themselves are
//! re-derived from their own random stream whenever an invoice needs one.
//!
//! Output is a pure function of (scale, seed): every part draws from its own
//! ChaCha8 stream, so the files are byte-identical across runs.

pub mod chinook;
mod classic;
pub mod classicmodels;
mod export;
mod music;
mod people;
mod sales;
mod words;
mod writer;

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use writer::FileSummary;

/// Largest accepted scale: keeps every id inside PostgreSQL `integer`.
const MAX_SCALE: u32 = 100_000;

/// The data sets `generate` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Dataset {
    /// The 11 files of the official Chinook CSV export.
    Chinook,
    /// The 8 tables of MySQL's classicmodels sample, as a MySQL tool exports them.
    Classicmodels,
}

impl Dataset {
    /// The pack the data set is for (`sql/<name>/`, `DATASET`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Chinook => "chinook",
            Self::Classicmodels => "classicmodels",
        }
    }
}

/// `cargo xtask generate`: the data set, then the options every data set has.
#[derive(Debug, Args)]
pub struct GenerateCommand {
    /// The data set to generate.
    #[arg(long, value_enum, default_value_t = Dataset::Chinook)]
    pub dataset: Dataset,
    #[command(flatten)]
    pub args: GenerateArgs,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Size multiplier: 1 ≈ the real data set (Chinook: 2240 invoice lines,
    /// classicmodels: ~3000 order lines), 1000 ≈ a thousand times that.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_SCALE)))]
    pub scale: u32,
    /// Random seed; the same scale and seed give byte-identical files.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Output directory (created if missing); the data set's CSV files are replaced.
    #[arg(long)]
    pub out: PathBuf,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// Row counts derived from the scale (invoice lines follow from invoices).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub scale: u32,
    pub artists: u32,
    pub albums: u32,
    pub tracks: u32,
    pub playlists: u32,
    /// Team multiplier k: 1 general manager, k sales managers, 4k−1 sales
    /// support agents, 1 IT manager, 2k IT staff (7k+1 employees; 8 at k=1).
    pub team: u32,
    pub customers: u32,
    pub invoices: u32,
}

impl Sizes {
    pub fn for_scale(scale: u32) -> Self {
        let growth = f64::from(scale).sqrt();
        let grown = |base: f64| (base * growth).round() as u32;
        Self {
            scale,
            artists: grown(275.0),
            albums: grown(347.0),
            tracks: grown(3503.0),
            playlists: 18 + (18.0 * (growth - 1.0)).round() as u32,
            team: growth.ceil() as u32,
            customers: 59 * scale,
            invoices: 412 * scale,
        }
    }

    /// √scale, the growth factor of the catalogue side.
    pub fn growth(&self) -> f64 {
        f64::from(self.scale).sqrt()
    }
}

/// The independent random streams; each part of the data set has its own so
/// that changing one part does not reshuffle the others.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
enum Stream {
    Artists = 1,
    Albums = 2,
    Playlists = 3,
    Employees = 4,
    CustomerWeights = 5,
    Popularity = 6,
    Sales = 7,
}

/// Customers get one stream each, from this base up.
const CUSTOMER_STREAM_BASE: u64 = 1 << 32;

fn stream_rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

fn rng_for(seed: u64, stream: Stream) -> ChaCha8Rng {
    stream_rng(seed, stream as u64)
}

/// A uniformly chosen element of a non-empty slice.
fn choose<'a, T, R: Rng>(rng: &mut R, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// The index of an item chosen with probability proportional to its weight.
fn pick_weighted<T, R: Rng>(rng: &mut R, items: &[T], weight: impl Fn(&T) -> u32) -> usize {
    let total: u64 = items.iter().map(|i| u64::from(weight(i))).sum();
    let mut point = rng.random_range(0..total.max(1));
    for (index, item) in items.iter().enumerate() {
        let w = u64::from(weight(item));
        if point < w {
            return index;
        }
        point -= w;
    }
    items.len().saturating_sub(1)
}

/// Expands a template: `#` → a digit, `@` → a capital letter.
fn expand<R: Rng>(template: &str, rng: &mut R) -> String {
    template
        .chars()
        .map(|c| match c {
            '#' => char::from(b'0' + rng.random_range(0..10u8)),
            '@' => char::from(b'A' + rng.random_range(0..26u8)),
            other => other,
        })
        .collect()
}

/// Generates `dataset` into `args.out` and prints what each file holds.
pub fn run_dataset(dataset: Dataset, args: &GenerateArgs) -> Result<()> {
    let started = Instant::now();
    let dir = args.out.as_path();
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let seed = args.seed;
    let files = match dataset {
        Dataset::Chinook => write_chinook(dir, seed, args.scale, !args.quiet)?,
        Dataset::Classicmodels => classic::write_all(dir, seed, args.scale, !args.quiet)?,
    };

    let mut out = std::io::stdout().lock();
    for file in &files {
        writeln!(
            out,
            "{:<18} {:>10} rows {:>12} bytes",
            file.file_name, file.rows, file.bytes
        )?;
    }
    writeln!(
        out,
        "generated {} scale {} (seed {seed}) into {} in {:.1} s",
        dataset
            .to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_string()),
        args.scale,
        dir.display(),
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}

/// Writes Chinook's eleven files into `dir`.
fn write_chinook(
    dir: &std::path::Path,
    seed: u64,
    scale: u32,
    show_progress: bool,
) -> Result<Vec<FileSummary>> {
    let sizes = Sizes::for_scale(scale);
    let mut files: Vec<FileSummary> = Vec::with_capacity(11);
    files.push(music::write_genres(dir)?);
    files.push(music::write_media_types(dir)?);
    files.push(music::write_artists(dir, seed, &sizes)?);
    let (tracks, album_file, track_file) = music::write_albums_and_tracks(dir, seed, &sizes)?;
    files.extend([album_file, track_file]);
    let (playlist_file, playlist_track_file) = music::write_playlists(dir, seed, &sizes, &tracks)?;
    files.extend([playlist_file, playlist_track_file]);
    files.push(people::write_employees(dir, seed, &sizes)?);
    files.push(people::write_customers(dir, seed, &sizes)?);
    let (invoice_file, line_file) = sales::write_sales(dir, seed, &sizes, &tracks, show_progress)?;
    files.extend([invoice_file, line_file]);
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_grow_as_documented() {
        let one = Sizes::for_scale(1);
        assert_eq!(
            one,
            Sizes {
                scale: 1,
                artists: 275,
                albums: 347,
                tracks: 3503,
                playlists: 18,
                team: 1,
                customers: 59,
                invoices: 412
            }
        );
        let big = Sizes::for_scale(1000);
        assert_eq!(big.invoices, 412_000);
        assert_eq!(big.customers, 59_000);
        assert_eq!(big.tracks, 110_775);
        assert_eq!(big.team, 32);
        let max = Sizes::for_scale(MAX_SCALE);
        // Invoice lines average ~5.44 per invoice; ids must fit in `integer`.
        assert!(f64::from(max.invoices) * 16.0 < f64::from(i32::MAX));
    }

    #[test]
    fn every_dataset_names_an_embedded_pack() {
        for dataset in Dataset::value_variants() {
            assert!(
                starlift_domain::pack::names().contains(&dataset.name()),
                "{dataset:?}"
            );
            assert_eq!(
                dataset
                    .to_possible_value()
                    .map(|v| v.get_name().to_string()),
                Some(dataset.name().to_string())
            );
        }
    }

    #[test]
    fn templates_expand_digits_and_letters() {
        let mut rng = stream_rng(1, 1);
        let code = expand("T#@ #@#", &mut rng);
        let chars: Vec<char> = code.chars().collect();
        assert_eq!(chars.len(), 7);
        assert!(chars[1].is_ascii_digit() && chars[2].is_ascii_uppercase() && chars[3] == ' ');
        assert_eq!(expand("0171", &mut rng), "0171");
    }

    /// The layout agrees with the one source of the schema, the chinook
    /// pack's DDL, as the loader reads it back: same tables, SQL column names
    /// in file order, types, nullability, primary and foreign keys.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_layout_matches_the_chinook_pack() {
        use starlift_domain::catalog::ColumnType;
        use starlift_domain::migrate::{ETL, migrate};
        use starlift_domain::pack::Pack;

        let postgres = starlift_sandbox::Postgres::start().await.unwrap();
        let url = postgres.create_database("layout").await.unwrap();
        let mut client = starlift_sandbox::connect(&url).await.unwrap();
        let pack = Pack::embedded("chinook").unwrap();
        migrate(&mut client, &ETL).await.unwrap();
        migrate(&mut client, &pack.oltp).await.unwrap();
        let catalog = pack.read_catalog(&client).await.unwrap();

        let layout: Vec<&str> = chinook::TABLES.iter().map(|t| t.name).collect();
        let read: Vec<&str> = catalog.tables.iter().map(|t| t.name.as_str()).collect();
        let (mut sorted_layout, mut sorted_read) = (layout.clone(), read.clone());
        sorted_layout.sort_unstable();
        sorted_read.sort_unstable();
        assert_eq!(sorted_layout, sorted_read);
        for (index, file) in chinook::TABLES.iter().enumerate() {
            let table = catalog.table(file.name).unwrap();
            assert_eq!(
                catalog.find(file.csv_name).map(|t| &t.name),
                Some(&table.name)
            );
            for parent in table.parents() {
                assert!(
                    layout[..index].contains(&parent),
                    "{parent} before {}",
                    file.name
                );
            }
            let expected: Vec<(&str, ColumnType, bool)> = file
                .columns
                .iter()
                .map(|c| {
                    let ty = match c.kind {
                        chinook::Kind::Int => ColumnType::Integer,
                        chinook::Kind::BigInt => ColumnType::BigInt,
                        chinook::Kind::Text => ColumnType::Text,
                        chinook::Kind::Money => ColumnType::Numeric {
                            precision: Some(10),
                            scale: Some(2),
                        },
                        chinook::Kind::Timestamp => ColumnType::Timestamp,
                    };
                    (c.sql_name, ty, c.nullable)
                })
                .collect();
            let actual: Vec<(&str, ColumnType, bool)> = table
                .columns
                .iter()
                .map(|c| (c.name.as_str(), c.ty, c.nullable))
                .collect();
            assert_eq!(actual, expected, "columns of {}", file.name);
            assert_eq!(table.primary_key, file.primary_key, "key of {}", file.name);
            let mut foreign: Vec<(String, String)> = table
                .foreign_keys
                .iter()
                .map(|fk| (fk.columns.join(","), fk.references.clone()))
                .collect();
            foreign.sort();
            let mut want: Vec<(String, String)> = file
                .foreign_keys
                .iter()
                .map(|fk| (fk.column.to_string(), fk.references.to_string()))
                .collect();
            want.sort();
            assert_eq!(foreign, want, "foreign keys of {}", file.name);
        }
    }

    #[test]
    fn weighted_pick_follows_weights() {
        let mut rng = stream_rng(1, 2);
        let items = [0u32, 3, 1];
        let mut counts = [0u32; 3];
        for _ in 0..4000 {
            counts[pick_weighted(&mut rng, &items, |w| *w)] += 1;
        }
        assert_eq!(counts[0], 0);
        assert!(counts[1] > 2 * counts[2], "{counts:?}");
    }
}
