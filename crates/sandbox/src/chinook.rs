//! Where tests find the real Chinook data set, and its row counts.

use std::path::PathBuf;

/// The real Chinook CSVs: `CHINOOK_DIR`, or `shared/chinook` beside the
/// repository. `None` (after a clear SKIPPED line) when they are absent.
pub fn chinook_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("CHINOOK_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/chinook")
        });
    if dir.join("Track.csv").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: the Chinook data set is not at {} (set CHINOOK_DIR to run this test)",
            dir.display()
        );
        None
    }
}

/// Row counts of the real data set (shared/chinook/README.md), in load order.
pub const CHINOOK_ROWS: &[(&str, i64)] = &[
    ("artist", 275),
    ("album", 347),
    ("genre", 25),
    ("media_type", 5),
    ("track", 3503),
    ("playlist", 18),
    ("playlist_track", 8715),
    ("employee", 8),
    ("customer", 59),
    ("invoice", 412),
    ("invoice_line", 2240),
];
