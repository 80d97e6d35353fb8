//! `cargo xtask bench`: measured, not asserted. Each benchmark runs the
//! reference side by side in the same run and reports ratios, on the data
//! set `--dataset` (a pack with a generator), generated once per scale into
//! `target/bench/<dataset>-scale-<n>/`.

pub mod builder;
mod concurrency;
pub mod lakehouse;
pub mod loader;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::generate::{Dataset, GenerateArgs, run_dataset};

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// The data set (pack) to generate and load; both benches serve it.
    #[arg(long, value_enum, default_value_t = Dataset::Chinook)]
    pub dataset: Dataset,
    /// Which benchmark: loader, builder, lakehouse or all; `concurrency`
    /// runs only the loader's concurrent rounds.
    #[arg(long, default_value = "all")]
    pub only: String,
    /// Data scale (1000 ≈ 2.24 million Chinook invoice lines, ~3 million
    /// classicmodels order lines).
    #[arg(long, default_value_t = 1000)]
    pub scale: u32,
    /// Builder bench: timed runs of the full build and of the ceiling each
    /// (the medians count).
    #[arg(long, default_value_t = 5)]
    pub runs: u32,
    /// The memory check loads the measured (largest) file this many times larger.
    #[arg(long, default_value_t = 10)]
    pub growth: u32,
    /// Loader bench: aggregate throughput with this many loads at once
    /// (comma-separated; empty skips it).
    #[arg(long, value_delimiter = ',', default_value = "1,2,4,8")]
    pub concurrency: Vec<usize>,
}

pub fn run(args: BenchArgs) -> Result<()> {
    let out = PathBuf::from("target/bench");
    std::fs::create_dir_all(&out)?;
    let data = ensure_data(&out, args.dataset, args.scale)?;
    if args.only == "all" || args.only == "loader" {
        loader::run(&args, &data, &out)?;
    }
    if args.only == "concurrency" {
        loader::run_concurrency(&args, &data, &out)?;
    }
    if args.only == "all" || args.only == "builder" {
        builder::run(&args, &data, &out)?;
    }
    if args.only == "all" || args.only == "lakehouse" {
        lakehouse::run(&args, &data, &out)?;
    }
    Ok(())
}

/// The multi-threaded runtime every bench (and the loader's child process) runs on.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// The generated data set for `dataset` and `scale`, made once and reused.
pub fn ensure_data(out: &Path, dataset: Dataset, scale: u32) -> Result<PathBuf> {
    let dir = out.join(format!("{}-scale-{scale}", dataset.name()));
    let marker = dir.join(".complete");
    if !marker.exists() {
        eprintln!(
            "generating {} scale {scale} into {}…",
            dataset.name(),
            dir.display()
        );
        run_dataset(
            dataset,
            &GenerateArgs {
                scale,
                seed: 42,
                out: dir.clone(),
                quiet: false,
            },
        )?;
        std::fs::write(&marker, b"seed 42\n").context("writing the data marker")?;
    }
    Ok(dir)
}
