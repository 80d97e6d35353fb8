//! The dashboard report, end to end, for every embedded pack with a
//! `dashboard.toml`: its sample data (`data/<pack>/`) goes through the real
//! loader into the sandbox, a builder with a bucket builds the warehouse
//! and publishes the report to the sandbox's S3 server. Then:
//!
//! 1. the upload: `reports/<pack>/index.html` and the dated
//!    `reports/<pack>/<YYYY-MM-DD>/build-<id>.html`, both `text/html`, both
//!    the bytes the build report counts;
//! 2. headless Chromium (Debian's `chromium`, installed by `make deps`)
//!    renders the published page to PNG at laptop and phone widths with no
//!    console message and a non-zero exit;
//! 3. every declared chart is in the page, drawn (an SVG) unless it is a
//!    table, and the values in its data table (`data-value`) equal the rows
//!    of its view, queried here; each KPI tile's value equals its view's.
//!
//! And for Chinook: a build whose data-quality check fails still publishes,
//! and the page names the failing check (with `DQ_FAIL_HARD=true`, before
//! the invocation fails); a bucket that does not exist fails the invocation
//! after the build committed.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;
use serde_json::json;
use star_builder::{BuildError, BuildReport, BuildStatus, Builder, Response, handle_request};
use starlift_domain::catalog::quote_ident;
use starlift_domain::config::BuilderConfig;
use starlift_domain::pack::{Pack, names};
use starlift_report::{Chart, Dashboard, Kind};
use starlift_sandbox::Sandbox;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A builder serving `pack` that publishes to `bucket` on the sandbox's S3
/// server.
async fn publishing_builder(
    sandbox: &Sandbox,
    pack: &str,
    bucket: &str,
    extra: &[(&str, &str)],
) -> Builder {
    let mut env = sandbox.env();
    env.push(("DATASET".into(), pack.into()));
    env.push(("BUCKET".into(), bucket.into()));
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let config = BuilderConfig::from_lookup(|name: &str| {
        env.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    })
    .expect("builder config");
    Builder::connect(config, None)
        .await
        .expect("builder starts")
        .with_s3(sandbox.s3_client())
}

/// Loads every CSV of `data/<pack>/` through the loader; nothing is left
/// rejected or pending.
async fn load_sample(h: &Harness, pack: &str) {
    let dir = repo_root().join("data").join(pack);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no CSV in {}", dir.display());
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        h.load_file(&format!("incoming/{name}"), std::fs::read(&file).unwrap())
            .await;
    }
    assert_eq!(h.oltp_i64("SELECT count(*) FROM etl.pending_row").await, 0);
}

async fn build(builder: &Builder, event: serde_json::Value) -> BuildReport {
    match handle_request(builder, event.clone()).await {
        Ok(Response::Build(report)) => *report,
        other => panic!("{event}: {other:?}"),
    }
}

/// The object's bytes and content type.
async fn object(sandbox: &Sandbox, key: &str) -> (Vec<u8>, Option<String>) {
    let object = sandbox
        .s3_client()
        .get_object()
        .bucket(sandbox.bucket())
        .key(key)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {key}: {e:?}"));
    let content_type = object.content_type().map(str::to_string);
    let bytes = object.body.collect().await.unwrap().into_bytes().to_vec();
    (bytes, content_type)
}

async fn keys_under(sandbox: &Sandbox, prefix: &str) -> Vec<String> {
    let listed = sandbox
        .s3_client()
        .list_objects_v2()
        .bucket(sandbox.bucket())
        .prefix(prefix)
        .send()
        .await
        .expect("list");
    let mut keys: Vec<String> = listed
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_string))
        .collect();
    keys.sort();
    keys
}

/// Checks the published report of the build `report` and returns the HTML.
async fn assert_published(sandbox: &Sandbox, pack: &Pack, report: &BuildReport) -> String {
    let dashboard = Dashboard::of(pack).unwrap().unwrap();
    let published = report
        .report
        .as_ref()
        .expect("the build report has a report entry");
    let build_id = report.build_id.unwrap();
    let date = report.build_time.unwrap().date_naive();
    let expected = star_builder::report_keys(pack.name(), build_id, date).to_vec();
    assert_eq!(published.keys, expected);
    assert_eq!(expected[0], format!("reports/{}/index.html", pack.name()));
    assert_eq!(
        expected[1],
        format!(
            "reports/{}/{}/build-{build_id}.html",
            pack.name(),
            date.format("%Y-%m-%d")
        )
    );
    assert_eq!(published.charts, dashboard.charts.len());
    let mut bodies = Vec::new();
    for key in &published.keys {
        let (bytes, content_type) = object(sandbox, key).await;
        assert_eq!(
            content_type.as_deref(),
            Some("text/html; charset=utf-8"),
            "{key}"
        );
        assert_eq!(bytes.len(), published.bytes, "{key}");
        bodies.push(bytes);
    }
    assert_eq!(bodies[0], bodies[1], "the dated copy is the latest report");
    String::from_utf8(bodies.remove(0)).expect("UTF-8 HTML")
}

/// An S3 client whose endpoint is a closed loopback port.
fn unreachable_s3() -> aws_sdk_s3::Client {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            "k", "s", None, None, "test",
        ))
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

// ---------------------------------------------------------------------------
// Chromium

fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser"] {
        if let Some(path) = std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        }) {
            return path;
        }
    }
    panic!(
        "chromium is not installed: this test renders the report in headless Chromium. \
         Run `make deps` (scripts/deps.sh installs Debian's chromium) or `apt-get install chromium`."
    );
}

/// Renders `html` at `width`×`height` to a PNG; fails on a non-zero exit,
/// any console message, or a PNG that is missing, empty or of another size.
async fn render_png(html: &Path, png: &Path, width: u32, height: u32) {
    let profile = tempfile::tempdir().unwrap();
    let mut command = tokio::process::Command::new(chromium());
    command
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("file://{}", html.display()))
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(180), command.output())
        .await
        .expect("chromium finishes within 3 minutes")
        .expect("chromium runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "chromium failed: {}\n{stderr}",
        output.status
    );
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains("CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    let bytes = std::fs::read(png).unwrap_or_else(|e| panic!("{}: {e}\n{stderr}", png.display()));
    assert!(
        bytes.len() > 10_000,
        "{} is {} bytes",
        png.display(),
        bytes.len()
    );
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    // IHDR: width and height, big-endian, at bytes 16..24.
    let dimension = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!((dimension(16), dimension(20)), (width, height));
}

// ---------------------------------------------------------------------------
// The page's markup

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The text between `start` (after it) and the next `end`, from `at`.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}

/// Each `<td>`'s `data-value` (None for `data-null`) of a data table body.
fn table_rows(body: &str) -> Vec<Vec<Option<String>>> {
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let tag = &cell[..cell.find('>').unwrap()];
                    if tag.contains("data-null") {
                        None
                    } else {
                        Some(unescape(between(tag, "data-value=\"", "\"").expect(tag)))
                    }
                })
                .collect()
        })
        .collect()
}

/// The view's rows for `chart`, asked here: each column as text, in the
/// declared order, limited as declared.
async fn view_rows(h: &Harness, chart: &Chart) -> Vec<Vec<Option<String>>> {
    let columns: Vec<String> = chart
        .columns()
        .iter()
        .map(|c| format!("t.{}::text", quote_ident(c)))
        .collect();
    let order: Vec<String> = chart
        .order()
        .iter()
        .map(|(c, desc)| {
            format!(
                "t.{} {}",
                quote_ident(c),
                if *desc { "DESC" } else { "ASC" }
            )
        })
        .collect();
    let mut sql = format!(
        "SELECT {} FROM analytics.{} AS t",
        columns.join(", "),
        quote_ident(&chart.view)
    );
    if !order.is_empty() {
        sql += &format!(" ORDER BY {}", order.join(", "));
    }
    if let Some(limit) = chart.limit {
        sql += &format!(" LIMIT {limit}");
    }
    h.olap
        .query(&sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|row| (0..columns.len()).map(|i| row.get(i)).collect())
        .collect()
}

/// Every chart and KPI of the dashboard is in `html`, with the numbers of
/// its view.
async fn assert_charts_match_views(h: &Harness, dashboard: &Dashboard, html: &str) {
    for kpi in &dashboard.kpis {
        let tile = between(html, &format!("data-kpi=\"{}\"", kpi.label), ">")
            .unwrap_or_else(|| panic!("no KPI tile {}", kpi.label));
        let shown = between(tile, "data-value=\"", "\"").map(unescape);
        let sql = format!(
            "SELECT {}::text FROM analytics.{}",
            quote_ident(&kpi.column),
            quote_ident(&kpi.view)
        );
        let expected: Option<String> = h.olap.query_one(&sql, &[]).await.expect(&sql).get(0);
        assert!(expected.is_some(), "KPI {}: NULL on the sample", kpi.label);
        assert_eq!(shown, expected, "KPI {}", kpi.label);
    }
    for chart in &dashboard.charts {
        let section = html
            .split("<section class=\"chart")
            .find(|s| s.contains(&format!("data-chart=\"{}\"", chart.id)))
            .unwrap_or_else(|| panic!("chart {} is not in the page", chart.id));
        let section = &section[..section.find("</section>").expect("section ends")];
        assert!(section.contains(&format!(
            "<h2>{}</h2>",
            starlift_report::html::esc(&chart.title)
        )));
        if chart.kind != Kind::Table {
            assert!(section.contains("<svg"), "chart {} has no SVG", chart.id);
            assert!(
                section.contains("viewBox"),
                "chart {}: SVG without viewBox",
                chart.id
            );
        }
        let head = between(section, "<thead>", "</thead>").expect("table head");
        let columns: Vec<String> = head
            .split("data-column=\"")
            .skip(1)
            .map(|c| c[..c.find('"').unwrap()].to_string())
            .collect();
        assert_eq!(columns, chart.columns(), "chart {}", chart.id);
        let shown = table_rows(between(section, "<tbody>", "</tbody>").expect("table body"));
        let expected = view_rows(h, chart).await;
        assert!(
            !expected.is_empty(),
            "chart {}: its view has no rows on the sample",
            chart.id
        );
        assert_eq!(
            shown.len(),
            expected.len(),
            "chart {}: rows shown vs the view's",
            chart.id
        );
        for (i, (a, b)) in shown.iter().zip(&expected).enumerate() {
            assert_eq!(a, b, "chart {} row {i}", chart.id);
        }
    }
}

// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_pack_publishes_a_report_that_renders_and_shows_its_views() {
    let packs: Vec<Pack> = names()
        .into_iter()
        .map(|n| Pack::embedded(n).unwrap())
        .filter(|p| p.dashboard.is_some())
        .collect();
    let names: Vec<&str> = packs.iter().map(Pack::name).collect();
    assert!(
        names.contains(&"chinook") && names.contains(&"classicmodels"),
        "{names:?}"
    );
    let out = tempfile::tempdir().unwrap();
    for pack in &packs {
        let dashboard = Dashboard::of(pack).unwrap().unwrap();
        let h = Harness::start_dataset(pack.name()).await;
        load_sample(&h, pack.name()).await;
        let builder = publishing_builder(&h.sandbox, pack.name(), h.sandbox.bucket(), &[]).await;
        let report = build(&builder, json!({})).await;
        assert_eq!(report.status, BuildStatus::Ok, "{report:#?}");
        let html = assert_published(&h.sandbox, pack, &report).await;
        assert_eq!(
            keys_under(&h.sandbox, &format!("reports/{}/", pack.name())).await,
            {
                let mut keys = report.report.clone().unwrap().keys;
                keys.sort();
                keys
            }
        );
        assert!(html.contains("passed: "), "the DQ verdict is shown");
        for fetched in ["<script", "src=", "href=", "<link", "@import", "url("] {
            assert!(
                !html.contains(fetched),
                "{fetched}: the page is self-contained"
            );
        }
        assert_charts_match_views(&h, &dashboard, &html).await;

        let page = out.path().join(format!("{}.html", pack.name()));
        std::fs::write(&page, &html).unwrap();
        render_png(
            &page,
            &out.path().join(format!("{}-laptop.png", pack.name())),
            1280,
            2000,
        )
        .await;
        render_png(
            &page,
            &out.path().join(format!("{}-phone.png", pack.name())),
            390,
            2000,
        )
        .await;

        // A second build (nothing new) publishes again: index.html now shows
        // it, the first build's dated copy stays.
        let again = build(&builder, json!({})).await;
        let html = assert_published(&h.sandbox, pack, &again).await;
        assert!(html.contains(&format!("data-build-id=\"{}\"", again.build_id.unwrap())));
        let keys = keys_under(&h.sandbox, &format!("reports/{}/", pack.name())).await;
        let mut expected = [
            report.report.clone().unwrap().keys,
            again.report.clone().unwrap().keys,
        ]
        .concat();
        expected.sort();
        expected.dedup();
        assert_eq!(keys, expected);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_check_is_published_by_name_and_a_failed_upload_fails_the_invocation() {
    let pack = Pack::embedded("chinook").unwrap();
    let h = Harness::start_dataset("chinook").await;
    load_sample(&h, "chinook").await;
    let builder = publishing_builder(&h.sandbox, "chinook", h.sandbox.bucket(), &[]).await;
    assert_eq!(build(&builder, json!({})).await.status, BuildStatus::Ok);

    // Corrupt the warehouse behind the builder's back: with DQ_FAIL_HARD the
    // build commits, publishes the report naming the check, then fails.
    h.olap
        .batch_execute("UPDATE dw.fact_invoice_summary SET invoice_total = invoice_total + 1 WHERE invoice_id = 5")
        .await
        .expect("corrupt");
    let check = "fact_invoice_summary.total_equals_sum_of_lines";
    let hard = publishing_builder(
        &h.sandbox,
        "chinook",
        h.sandbox.bucket(),
        &[("DQ_FAIL_HARD", "true")],
    )
    .await;
    let error = handle_request(&hard, json!({"dq_full": true}))
        .await
        .expect_err("DQ_FAIL_HARD fails the invocation");
    let BuildError::DataQuality { report, failed, .. } = &error else {
        panic!("{error}");
    };
    assert_eq!(report.status, BuildStatus::DqFailed);
    assert!(failed.iter().any(|f| f == check), "{failed:?}");
    let html = assert_published(&h.sandbox, &pack, report).await;
    assert!(html.contains("FAILED: "), "the verdict says FAILED");
    assert!(
        html.contains(&format!("data-check=\"{check}\"")),
        "the failing check is named"
    );

    // An S3 endpoint that refuses connections: the build commits and the
    // invocation fails. The lakehouse export publishes first, so its error
    // is the one returned (tests/lakehouse.rs covers it); the report is
    // published by the retry like the export.
    let nowhere = publishing_builder(&h.sandbox, "chinook", h.sandbox.bucket(), &[])
        .await
        .with_s3(unreachable_s3());
    let before = h.olap_i64("SELECT count(*) FROM etl.build_run").await;
    let error = handle_request(&nowhere, json!({}))
        .await
        .expect_err("the upload fails");
    assert!(
        matches!(error, BuildError::Report(_) | BuildError::Lakehouse { .. }),
        "{error}"
    );
    assert_eq!(
        h.olap_i64("SELECT count(*) FROM etl.build_run").await,
        before + 1,
        "the build committed"
    );
}

/// A dashboard that does not parse, or names a chart kind's columns
/// wrongly, stops the builder's cold start with the file and the reason.
#[test]
fn a_bad_dashboard_stops_the_cold_start() {
    let dir = tempfile::tempdir().unwrap();
    let pack_dir = dir.path().join("orders");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/packs/orders"),
        &pack_dir,
    );
    std::fs::write(
        pack_dir.join("dashboard.toml"),
        "title = \"Orders\"\n[[chart]]\nid = \"a\"\ntitle = \"A\"\nkind = \"heatmap\"\nview = \"v\"\nx = \"month\"\ny = [\"n\"]\n",
    )
    .unwrap();
    let pack = Pack::from_dir(&pack_dir).unwrap();
    let url = "postgres://nobody@127.0.0.1:1/none?sslmode=disable";
    let config = BuilderConfig::from_lookup(|name: &str| match name {
        "OLTP_DATABASE_URL" | "OLAP_DATABASE_URL" => Some(url.to_string()),
        "DB_AUTH" => Some("password".to_string()),
        _ => None,
    })
    .unwrap();
    let error = Builder::with_pack(config, None, pack)
        .unwrap_err()
        .to_string();
    assert!(error.contains("sql/orders/dashboard.toml"), "{error}");
    assert!(error.contains("needs x, row and exactly one y"), "{error}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}
