//! The starlift developer CLI: `cargo xtask <command>`.

// A CLI prints its results; the workspace lint is meant for the libraries.
#![allow(clippy::print_stdout)]

mod bench;
mod demo;
mod demo_lakehouse;
mod generate;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "xtask", about = "starlift developer tasks", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a synthetic CSV data set of any size: Chinook (default) or classicmodels.
    Generate(generate::GenerateCommand),
    /// Run the whole pipeline on the local sandbox with the CSVs of --data (default data/).
    Demo(demo::DemoArgs),
    /// Benchmarks at scale 1000 (use a release build: `make bench`).
    Bench(bench::BenchArgs),
    /// Internal: the loader process of `bench`, one event through the handler.
    #[command(hide = true)]
    BenchLoaderChild(bench::loader::ChildArgs),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Generate(command) => generate::run_dataset(command.dataset, &command.args),
        Command::Bench(args) => {
            init_tracing();
            bench::run(args)
        }
        Command::BenchLoaderChild(args) => {
            init_tracing();
            bench::loader::child(args)
        }
        Command::Demo(args) => {
            init_tracing();
            demo::run(args)
        }
    }
}

/// Logs at warn unless RUST_LOG says otherwise, so progress output stays readable.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
