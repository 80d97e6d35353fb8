//! Every embedded pack's `dashboard.toml` parses, and every view and column
//! it reads is created by the pack's analytics migrations (a check on the
//! SQL text, without a database: the end-to-end test in
//! `crates/star-builder/tests/report.rs` queries them for real).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use starlift_domain::pack::{Pack, names};
use starlift_report::Dashboard;

#[test]
fn every_embedded_dashboard_reads_views_the_pack_creates() {
    let mut checked = 0;
    for name in names() {
        let pack = Pack::embedded(name).unwrap();
        let Some(dashboard) = Dashboard::of(&pack).unwrap_or_else(|e| panic!("{e}")) else {
            continue;
        };
        let sql: String = pack
            .analytics
            .migrations
            .iter()
            .map(|m| m.sql.to_ascii_lowercase())
            .collect();
        assert!(
            !dashboard.charts.is_empty(),
            "{name}: a dashboard without charts"
        );
        for (view, column) in dashboard.columns_read() {
            assert!(
                sql.contains(&format!("view analytics.{view} as")),
                "{name}: dashboard.toml reads analytics.{view}, which no analytics migration creates"
            );
            assert!(
                sql.contains(column),
                "{name}: dashboard.toml reads analytics.{view}.{column}, which the analytics SQL never names"
            );
        }
        checked += 1;
    }
    assert!(checked >= 2, "only {checked} packs have a dashboard");
}

/// The list: Chinook's charts answer these questions.
#[test]
fn chinook_answers_the_questions_of_the_dashboards_it_replaces() {
    let pack = Pack::embedded("chinook").unwrap();
    let dashboard = Dashboard::of(&pack).unwrap().unwrap();
    let views: Vec<&str> = dashboard.charts.iter().map(|c| c.view.as_str()).collect();
    for view in [
        "revenue_by_month",
        "top_artists",
        "top_genres",
        "revenue_by_country",
        "employee_performance",
        "retention_cohorts",
        "customer_segments",
        "top_artists_two_years_ago",
        "genre_sales_two_years_ago",
        "top_tracks",
    ] {
        assert!(views.contains(&view), "no chart reads analytics.{view}");
    }
    let top_tracks = dashboard
        .charts
        .iter()
        .find(|c| c.view == "top_tracks")
        .unwrap();
    assert_eq!(top_tracks.limit, Some(5));
    assert_eq!(top_tracks.order(), [("quantity_rank", false)]);
}

#[test]
fn classicmodels_charts_cover_its_questions() {
    let pack = Pack::embedded("classicmodels").unwrap();
    let dashboard = Dashboard::of(&pack).unwrap().unwrap();
    let views: Vec<&str> = dashboard.charts.iter().map(|c| c.view.as_str()).collect();
    for view in [
        "revenue_by_product_line",
        "revenue_by_country",
        "office_performance",
        "order_status_funnel",
        "shipping_punctuality",
    ] {
        assert!(views.contains(&view), "no chart reads analytics.{view}");
    }
}
