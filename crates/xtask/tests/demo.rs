//! `cargo xtask demo --report FILE`, end to end: the real binary runs the
//! classicmodels demo in the sandbox, writes the report the last build
//! published to FILE, prints the path and records it in the summary.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

#[test]
fn the_demo_writes_the_report_and_says_where() {
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("nested/report.html");
    let summary = out.path().join("summary.json");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(&root)
        .args(["demo", "--dataset", "classicmodels", "--summary-json"])
        .arg(&summary)
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "demo failed: {stderr}");
    assert!(
        stderr.contains(&format!("report written to {}", report.display())),
        "{stderr}"
    );
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..100]);
    assert!(html.contains("data-chart=\"order_status\""));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    let entry = &summary["report"];
    assert_eq!(entry["path"], report.display().to_string());
    assert_eq!(entry["bytes"].as_u64().unwrap() as usize, html.len());
    assert_eq!(entry["keys"][0], "reports/classicmodels/index.html");
    assert_eq!(entry["charts"], 7);
}
