//! Small process helpers: who we are, unique names, running commands, and
//! reaping what a killed process (Ctrl-C during `cargo test`) left behind.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use crate::error::{Error, Result};

/// Name of the file in each sandbox temp dir that says which process owns it.
pub(crate) const OWNER_FILE: &str = "owner";

/// A random-ish 64-bit number (std's per-instance random hasher keys mixed
/// with the time and a counter), good enough for unique names and test keys.
pub(crate) fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    if let Ok(now) = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
        hasher.write_u128(now.as_nanos());
    }
    hasher.finish()
}

/// The effective user id of this process.
pub(crate) fn euid() -> Option<u32> {
    static EUID: std::sync::OnceLock<Option<u32>> = std::sync::OnceLock::new();
    *EUID.get_or_init(|| {
        // "Uid:\treal\teffective\tsaved\tfs"
        let from_proc = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find_map(|line| line.strip_prefix("Uid:"))
                    .and_then(|ids| ids.split_whitespace().nth(1))
                    .and_then(|id| id.parse().ok())
            });
        from_proc.or_else(|| {
            let out = Command::new("id").arg("-u").output().ok()?;
            String::from_utf8_lossy(&out.stdout).trim().parse().ok()
        })
    })
}

pub(crate) fn is_root() -> bool {
    euid() == Some(0)
}

/// Runs `cmd` to completion, capturing its output; a non-zero exit becomes
/// [`Error::CommandFailed`] with its stderr, a missing program
/// [`Error::BinaryNotFound`].
pub(crate) fn run(cmd: &mut Command, hint: &'static str) -> Result<Output> {
    let display = display_command(cmd);
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::BinaryNotFound {
                binary: cmd.get_program().to_string_lossy().into_owned(),
                detail: e.to_string(),
                hint,
            }
        } else {
            Error::Io {
                context: format!("running `{display}`"),
                source: e,
            }
        }
    })?;
    if out.status.success() {
        return Ok(out);
    }
    let mut stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if stderr.is_empty() {
        stderr = String::from_utf8_lossy(&out.stdout).trim().to_string();
    }
    Err(Error::CommandFailed {
        command: display,
        status: out.status.to_string(),
        stderr,
    })
}

fn display_command(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|s| s.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn proc_start_time(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may contain spaces; it ends at the last ')'.
    let after_comm = &stat[stat.rfind(')')? + 1..];
    // Fields after the name start at field 3 (state); starttime is field 22.
    after_comm.split_whitespace().nth(19).map(str::to_string)
}

fn pid_namespace() -> String {
    std::fs::read_link("/proc/self/ns/pid")
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Marks `dir` as owned by this process, so a later process can remove it
/// once this one is gone.
pub(crate) fn write_owner(dir: &Path) -> Result<()> {
    let pid = std::process::id();
    let line = format!(
        "{pid} {} {}\n",
        proc_start_time(pid).unwrap_or_default(),
        pid_namespace()
    );
    std::fs::write(dir.join(OWNER_FILE), line).map_err(Error::io(format!(
        "writing {}",
        dir.join(OWNER_FILE).display()
    )))
}

/// Whether the process that wrote `dir`'s owner file is certainly gone.
/// Anything uncertain (no /proc, another pid namespace, unreadable file) is
/// "not dead", so nothing that may be in use is removed.
fn owner_is_dead(dir: &Path) -> bool {
    if !Path::new("/proc/self/stat").exists() {
        return false;
    }
    let Ok(text) = std::fs::read_to_string(dir.join(OWNER_FILE)) else {
        // Created but never marked (killed within microseconds), or not ours:
        // only reap when it is old.
        return std::fs::metadata(dir)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age > Duration::from_secs(3600));
    };
    let mut parts = text.split_whitespace();
    let (Some(pid), Some(start), Some(ns)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    if ns != pid_namespace() {
        return false;
    }
    proc_start_time(pid).is_none_or(|now| now != start)
}

/// Removes `<base>/<prefix>*` directories whose owner process is dead, calling
/// `before_remove` on each first (to stop a server still running in it).
pub(crate) fn reap_stale(base: &Path, prefix: &str, before_remove: impl Fn(&Path)) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with(prefix) {
            continue;
        }
        let path: PathBuf = entry.path();
        if !entry.file_type().is_ok_and(|t| t.is_dir()) || !owner_is_dead(&path) {
            continue;
        }
        tracing::info!(dir = %path.display(), "removing a sandbox directory left by a dead process");
        before_remove(&path);
        if let Err(e) = std::fs::remove_dir_all(&path) {
            tracing::debug!(dir = %path.display(), error = %e, "could not remove stale sandbox directory");
        }
    }
}
