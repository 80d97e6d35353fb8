//! Embeds every pack under `sql/` (a folder with a `dataset.toml`) into the
//! binaries: its manifest and its numbered OLTP migrations. Adding a pack is
//! adding a folder; no Rust lists them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let sql = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sql");
    println!("cargo:rerun-if-changed={}", sql.display());
    let mut packs: Vec<PathBuf> = std::fs::read_dir(&sql)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join("dataset.toml").is_file())
                .collect()
        })
        .unwrap_or_default();
    packs.sort();
    let mut out = String::from("pub(crate) static EMBEDDED: &[EmbeddedPack] = &[\n");
    for pack in &packs {
        let name = pack
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    EmbeddedPack {{ folder: {name:?}, manifest: include_str!({:?}), oltp: MigrationSet {{ name: {:?}, migrations: &[",
            pack.join("dataset.toml").display().to_string(),
            format!("pack/{name}")
        );
        for (file, path) in numbered_sql(&pack.join("oltp")) {
            let version: i32 = file[..4].parse().unwrap_or_default();
            let _ = writeln!(
                out,
                "        Migration {{ version: {version}, name: {file:?}, sql: include_str!({:?}) }},",
                path.display().to_string()
            );
        }
        out.push_str("    ] } },\n");
    }
    out.push_str("];\n");
    let target = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("packs.rs");
    if let Err(error) = std::fs::write(&target, out) {
        eprintln!("cannot write {}: {error}", target.display());
        std::process::exit(1);
    }
}

/// `NNNN_*.sql` files of a folder, by name.
fn numbered_sql(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| {
                    let name = e.file_name().into_string().ok()?;
                    let numbered = name.len() > 5
                        && name.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                        && name.ends_with(".sql");
                    numbered.then(|| (name, e.path()))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}
