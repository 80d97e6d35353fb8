//! Runs a [`Sandbox`] until SIGINT/SIGTERM (or stdin closes), for `make invoke`:
//!
//! ```text
//! cargo run -p starlift-sandbox --bin sandbox -- [--env-file PATH] [--single-database]
//! ```
//!
//! Writes the functions' environment as `KEY=VALUE` lines to PATH (removed
//! again on exit) and stdout, then prints `ready`.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use starlift_sandbox::Sandbox;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::oneshot;

const USAGE: &str = "usage: sandbox [--env-file PATH] [--single-database]\n\n\
Starts PostgreSQL (databases oltp, olap) and an S3 server (bucket starlift-sandbox)\n\
on loopback, writes their environment (KEY=VALUE) to PATH and stdout, prints `ready`,\n\
and runs until SIGINT/SIGTERM/SIGHUP or until stdin (a pipe or terminal) closes.";

#[derive(Debug, Default)]
struct Args {
    env_file: Option<PathBuf>,
    single_database: bool,
}

fn parse_args() -> anyhow::Result<Option<Args>> {
    let mut args = Args::default();
    let mut it = std::env::args_os().skip(1);
    while let Some(arg) = it.next() {
        match arg.to_str() {
            Some("--env-file") => {
                let path = it.next().context("--env-file needs a path")?;
                args.env_file = Some(PathBuf::from(path));
            }
            Some(s) if s.starts_with("--env-file=") => {
                args.env_file = Some(PathBuf::from(&s["--env-file=".len()..]));
            }
            Some("--single-database") => args.single_database = true,
            Some("-h" | "--help") => return Ok(None),
            _ => bail!("unexpected argument {arg:?}\n\n{USAGE}"),
        }
    }
    Ok(Some(args))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Some(args) = parse_args()? else {
        writeln!(std::io::stdout(), "{USAGE}")?;
        return Ok(());
    };
    let started = Instant::now();
    let sandbox = if args.single_database {
        Sandbox::start_single_database().await
    } else {
        Sandbox::start().await
    }
    .context("starting the sandbox")?;

    let env: String = sandbox
        .env()
        .iter()
        .map(|(k, v)| format!("{k}={v}\n"))
        .collect();
    if let Some(path) = &args.env_file {
        write_atomically(path, &env).with_context(|| format!("writing {}", path.display()))?;
    }
    let mut out = std::io::stdout().lock();
    write!(out, "{env}")?;
    writeln!(out, "ready")?;
    out.flush()?;
    drop(out);
    eprintln!(
        "sandbox: started in {:.2?}; stop with Ctrl-C",
        started.elapsed()
    );

    let reason = wait_for_stop().await?;
    eprintln!("sandbox: {reason}; cleaning up");
    if let Some(path) = &args.env_file {
        let _ = std::fs::remove_file(path);
    }
    drop(sandbox);
    Ok(())
}

fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

async fn wait_for_stop() -> anyhow::Result<&'static str> {
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    let stdin_closed = watch_stdin();
    let orphaned = watch_parent();
    Ok(tokio::select! {
        _ = int.recv() => "SIGINT",
        _ = term.recv() => "SIGTERM",
        _ = hup.recv() => "SIGHUP",
        Ok(()) = stdin_closed => "stdin closed",
        () = orphaned => "parent process exited",
    })
}

/// Resolves when stdin reaches end of file, if stdin is a terminal, pipe or
/// socket. `/dev/null` (a background job) or a file would end at once, so
/// those are not watched.
fn watch_stdin() -> oneshot::Receiver<()> {
    let (tx, rx) = oneshot::channel();
    let watchable = std::io::stdin().is_terminal()
        || std::fs::metadata("/dev/stdin").is_ok_and(|m| {
            use std::os::unix::fs::FileTypeExt as _;
            m.file_type().is_fifo() || m.file_type().is_socket()
        });
    if watchable {
        // A plain thread: tokio's stdin would keep the runtime from shutting down.
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
            let _ = tx.send(());
        });
    } else {
        // A closed channel disables the `select!` branch.
        drop(tx);
    }
    rx
}

/// Resolves when the parent process goes away (e.g. `cargo run` was killed
/// and did not pass the signal on). Linux only; elsewhere never.
async fn watch_parent() {
    let Some(parent) = parent_pid() else {
        return std::future::pending().await;
    };
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        if parent_pid() != Some(parent) {
            return;
        }
    }
}

fn parent_pid() -> Option<u32> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_comm = &stat[stat.rfind(')')? + 1..];
    after_comm.split_whitespace().nth(1)?.parse().ok()
}
