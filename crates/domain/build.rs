//! Embeds every pack under `sql/` (a folder with a `dataset.toml`) into the
//! binaries: its manifest, its numbered OLTP, warehouse and analytics
//! migrations, its models, singular tests, summary query and dashboard
//! (`dashboard.toml`). Adding a pack
//! (or a file to one) is adding a file; no Rust lists them.

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
            "    EmbeddedPack {{ folder: {name:?}, manifest: include_str!({:?}),",
            pack.join("dataset.toml").display().to_string(),
        );
        migration_set(
            &mut out,
            "oltp",
            &format!("pack/{name}"),
            &pack.join("oltp"),
        );
        for set in ["warehouse", "analytics"] {
            migration_set(
                &mut out,
                set,
                &format!("pack/{name}/{set}"),
                &pack.join(set),
            );
        }
        for folder in ["models", "tests"] {
            let _ = writeln!(out, "        {folder}: &[");
            for (file, path) in sql_files(&pack.join(folder)) {
                let _ = writeln!(
                    out,
                    "            SqlFile {{ name: {file:?}, sql: include_str!({:?}) }},",
                    path.display().to_string()
                );
            }
            out.push_str("        ],\n");
        }
        for (field, file) in [("summary", "summary.sql"), ("dashboard", "dashboard.toml")] {
            let path = pack.join(file);
            if path.is_file() {
                let _ = writeln!(
                    out,
                    "        {field}: Some(include_str!({:?})),",
                    path.display().to_string()
                );
            } else {
                let _ = writeln!(out, "        {field}: None,");
            }
        }
        out.push_str("    },\n");
    }
    out.push_str("];\n");
    let target = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("packs.rs");
    if let Err(error) = std::fs::write(&target, out) {
        eprintln!("cannot write {}: {error}", target.display());
        std::process::exit(1);
    }
}

/// `<field>: MigrationSet { name, migrations: &[...] },` from the
/// `NNNN_*.sql` files of `dir` (none when it is missing).
fn migration_set(out: &mut String, field: &str, name: &str, dir: &Path) {
    let _ = writeln!(
        out,
        "        {field}: MigrationSet {{ name: {name:?}, migrations: &["
    );
    for (file, path) in sql_files(dir) {
        let numbered = file.len() > 5 && file.as_bytes()[..4].iter().all(u8::is_ascii_digit);
        if !numbered {
            continue;
        }
        let version: i32 = file[..4].parse().unwrap_or_default();
        let _ = writeln!(
            out,
            "            Migration {{ version: {version}, name: {file:?}, sql: include_str!({:?}) }},",
            path.display().to_string()
        );
    }
    out.push_str("        ] },\n");
}

/// The `*.sql` files of a folder, by name (none when it is missing).
fn sql_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().is_file())
                .filter_map(|e| {
                    let name = e.file_name().into_string().ok()?;
                    name.ends_with(".sql").then(|| (name, e.path()))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}
