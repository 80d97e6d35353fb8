//! CloudWatch metrics as Embedded Metric Format log lines: one JSON object
//! per line on stdout, which Lambda ships to CloudWatch Logs and CloudWatch
//! turns into metrics in namespace [`NAMESPACE`], by function and data set.
//! The alarms and the dashboard (`terraform/modules/operations`) read them.

use serde_json::{Map, Value, json};

/// The CloudWatch namespace of starlift's metrics.
pub const NAMESPACE: &str = "starlift";

/// A metric's unit, as CloudWatch names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    Milliseconds,
}

impl Unit {
    fn as_str(self) -> &'static str {
        match self {
            Unit::Count => "Count",
            Unit::Milliseconds => "Milliseconds",
        }
    }
}

/// The EMF line of `metrics` (name, unit, value) for `function` serving
/// `dataset`, at `timestamp_ms`.
pub fn emf_line(
    function: &str,
    dataset: &str,
    timestamp_ms: i64,
    metrics: &[(&str, Unit, f64)],
) -> String {
    let definitions: Vec<Value> = metrics
        .iter()
        .map(|(name, unit, _)| json!({"Name": name, "Unit": unit.as_str()}))
        .collect();
    let mut line = Map::new();
    line.insert(
        "_aws".into(),
        json!({
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [["Function", "Dataset"]],
                "Metrics": definitions,
            }],
        }),
    );
    line.insert("Function".into(), json!(function));
    line.insert("Dataset".into(), json!(dataset));
    for (name, _, value) in metrics {
        line.insert((*name).into(), json!(value));
    }
    Value::Object(line).to_string()
}

/// Writes the EMF line of `metrics` to stdout, now. (Stdout is where
/// Lambda's CloudWatch Logs agent reads EMF; a failed write loses one
/// metric, not the invocation.)
pub fn emit(function: &str, dataset: &str, metrics: &[(&str, Unit, f64)]) {
    use std::io::Write as _;
    let now = chrono::Utc::now().timestamp_millis();
    let line = emf_line(function, dataset, now, metrics);
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_declares_each_metric_and_carries_its_value() {
        let line = emf_line(
            "star-builder",
            "chinook",
            1_700_000_000_000,
            &[
                ("DqFailed", Unit::Count, 2.0),
                ("BuildMilliseconds", Unit::Milliseconds, 420.0),
            ],
        );
        let value: Value = serde_json::from_str(&line).unwrap();
        let spec = &value["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(spec["Namespace"], "starlift");
        assert_eq!(spec["Dimensions"], json!([["Function", "Dataset"]]));
        assert_eq!(
            spec["Metrics"][0],
            json!({"Name": "DqFailed", "Unit": "Count"})
        );
        assert_eq!(value["DqFailed"], 2.0);
        assert_eq!(value["BuildMilliseconds"], 420.0);
        assert_eq!(value["Dataset"], "chinook");
        assert!(!line.contains('\n'));
    }
}
