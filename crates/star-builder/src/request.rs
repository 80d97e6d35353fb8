//! The events star-builder accepts, parsed from the raw JSON payload.
//!
//! * `{}` / `null`, `{"mode":"incremental"}`, `{"mode":"full"}`; optionally
//!   `"dq_full": true` to check the whole warehouse after an incremental build;
//!   `"plan": "incremental"` to build an incremental request incrementally
//!   even when its change set is large (by default such a build runs the
//!   full way: same result, cheaper);
//! * an EventBridge Scheduler invocation (`"source":"aws.scheduler"`) or a
//!   CloudWatch / EventBridge scheduled rule (`"detail-type":"Scheduled
//!   Event"`): an incremental build;
//! * `{"action":"bootstrap", …}`: the one-off database bootstrap.
//!
//! Anything else is rejected with a message that lists these shapes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::bootstrap::BootstrapRequest;

/// How much a build rebuilds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Only the OLTP load batches not consumed yet (the default).
    Incremental,
    /// Mirror and star schema rebuilt from every OLTP row.
    Full,
}

impl Mode {
    /// The value `build_params.mode` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Incremental => "incremental",
            Mode::Full => "full",
        }
    }
}

/// Whether the engine may choose how to build an incremental request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Plan {
    /// A change set that is a large share of the mirror is built the full
    /// way (the same result, cheaper).
    #[default]
    Auto,
    /// Built the way the mode says.
    AsRequested,
}

/// A build: its mode, whether the data-quality checks cover the whole
/// warehouse (full builds always do) and whether the engine chooses the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildRequest {
    pub mode: Mode,
    pub dq_full: bool,
    pub plan: Plan,
}

impl BuildRequest {
    pub const INCREMENTAL: BuildRequest = BuildRequest {
        mode: Mode::Incremental,
        dq_full: false,
        plan: Plan::Auto,
    };
    pub const FULL: BuildRequest = BuildRequest {
        mode: Mode::Full,
        dq_full: false,
        plan: Plan::Auto,
    };
    /// An incremental build that stays incremental whatever its size.
    pub const INCREMENTAL_AS_REQUESTED: BuildRequest = BuildRequest {
        mode: Mode::Incremental,
        dq_full: false,
        plan: Plan::AsRequested,
    };
}

/// What an event asks for.
#[derive(Debug)]
pub enum Request {
    Build(BuildRequest),
    Bootstrap(BootstrapRequest),
}

const SHAPES: &str = r#"expected {} or {"mode":"incremental"|"full"[,"dq_full":true][,"plan":"auto"|<the mode>]}, a scheduled event ("source":"aws.scheduler" or "detail-type":"Scheduled Event"), or {"action":"bootstrap",...}"#;

/// Why an event was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}; {SHAPES}")]
pub struct EventError {
    pub reason: String,
}

fn reject(reason: impl Into<String>) -> EventError {
    EventError {
        reason: reason.into(),
    }
}

impl Request {
    /// Parses the invocation payload.
    pub fn parse(event: Value) -> Result<Request, EventError> {
        let object = match event {
            Value::Null => serde_json::Map::new(),
            Value::Object(object) => object,
            other => return Err(reject(format!("the event is not a JSON object: {other}"))),
        };

        if let Some(action) = object.get("action") {
            return match action.as_str() {
                Some("bootstrap") => serde_json::from_value(Value::Object(object))
                    .map(Request::Bootstrap)
                    .map_err(|e| reject(format!("malformed bootstrap event: {e}"))),
                _ => Err(reject(format!("unknown action {action}"))),
            };
        }

        if object.contains_key("detail-type") || object.contains_key("source") {
            let source = object.get("source").and_then(Value::as_str);
            let detail_type = object.get("detail-type").and_then(Value::as_str);
            return match (source, detail_type) {
                (_, Some("Scheduled Event")) | (Some("aws.scheduler"), _) => {
                    Ok(Request::Build(BuildRequest::INCREMENTAL))
                }
                _ => Err(reject(format!(
                    "unsupported event from source {} with detail-type {}",
                    source.unwrap_or("(none)"),
                    detail_type.unwrap_or("(none)")
                ))),
            };
        }

        if let Some(key) = object
            .keys()
            .find(|k| !["mode", "dq_full", "plan"].contains(&k.as_str()))
        {
            return Err(reject(format!("unknown field {key:?}")));
        }
        let mode = match object.get("mode") {
            None | Some(Value::Null) => Mode::Incremental,
            Some(Value::String(s)) if s == "incremental" => Mode::Incremental,
            Some(Value::String(s)) if s == "full" => Mode::Full,
            Some(other) => return Err(reject(format!("unknown mode {other}"))),
        };
        let dq_full = match object.get("dq_full") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(reject(format!(
                    "dq_full must be true or false, not {other}"
                )));
            }
        };
        let plan = match object.get("plan") {
            None | Some(Value::Null) => Plan::Auto,
            Some(Value::String(s)) if s == "auto" => Plan::Auto,
            Some(Value::String(s)) if s == mode.as_str() => Plan::AsRequested,
            Some(other) => {
                return Err(reject(format!(
                    "plan must be \"auto\" or the mode ({:?}), not {other}",
                    mode.as_str()
                )));
            }
        };
        Ok(Request::Build(BuildRequest {
            mode,
            dq_full,
            plan,
        }))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn build(event: Value) -> BuildRequest {
        match Request::parse(event.clone()) {
            Ok(Request::Build(b)) => b,
            other => panic!("{event}: {other:?}"),
        }
    }

    #[test]
    fn build_events() {
        assert_eq!(build(json!({})), BuildRequest::INCREMENTAL);
        assert_eq!(build(Value::Null), BuildRequest::INCREMENTAL);
        assert_eq!(
            build(json!({"mode": "incremental"})),
            BuildRequest::INCREMENTAL
        );
        assert_eq!(build(json!({"mode": "full"})), BuildRequest::FULL);
        assert_eq!(
            build(json!({"mode": "incremental", "dq_full": true})),
            BuildRequest {
                mode: Mode::Incremental,
                dq_full: true,
                plan: Plan::Auto,
            }
        );
        assert_eq!(
            build(json!({"mode": "incremental", "plan": "incremental"})),
            BuildRequest::INCREMENTAL_AS_REQUESTED
        );
        assert_eq!(
            build(json!({"mode": "full", "plan": "auto"})),
            BuildRequest::FULL
        );
    }

    #[test]
    fn scheduled_events_are_incremental() {
        let rule = json!({
            "version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
            "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "123456789012", "time": "2026-11-22T03:00:00Z", "region": "eu-west-1",
            "resources": ["arn:aws:events:eu-west-1:123456789012:rule/my-schedule"], "detail": {}
        });
        assert_eq!(build(rule), BuildRequest::INCREMENTAL);
        let scheduler = json!({
            "version": "0", "id": "x", "detail-type": "Scheduled Event", "source": "aws.scheduler",
            "account": "123456789012", "time": "2026-11-22T03:00:00Z", "region": "eu-west-1",
            "resources": ["arn:aws:scheduler:eu-west-1:123456789012:schedule/default/s"], "detail": "{}"
        });
        assert_eq!(build(scheduler), BuildRequest::INCREMENTAL);
        assert_eq!(
            build(json!({"source": "aws.scheduler"})),
            BuildRequest::INCREMENTAL
        );
    }

    /// The committed sample events (`events/`, for `cargo lambda invoke`).
    #[test]
    fn the_sample_events_parse() {
        let events = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events");
        let read = |name: &str| -> Value {
            serde_json::from_slice(&std::fs::read(events.join(name)).unwrap()).unwrap()
        };
        assert_eq!(build(read("scheduled.json")), BuildRequest::INCREMENTAL);
        assert_eq!(
            build(read("scheduled-rule.json")),
            BuildRequest::INCREMENTAL
        );
        assert_eq!(build(read("build-full.json")), BuildRequest::FULL);
    }

    #[test]
    fn unknown_events_are_rejected_clearly() {
        for event in [
            json!({"mode": "fast"}),
            json!({"mode": 1}),
            json!({"mood": "full"}),
            json!({"dq_full": "yes"}),
            json!({"mode": "incremental", "plan": "full"}),
            json!({"plan": "cheapest"}),
            json!({"action": "drop"}),
            json!({"source": "aws.s3", "detail-type": "Object Created"}),
            json!({"Records": []}),
            json!([1, 2]),
            json!("full"),
        ] {
            let err = Request::parse(event.clone()).unwrap_err();
            assert!(err.to_string().contains("expected {}"), "{event}: {err}");
        }
    }

    #[test]
    fn bootstrap_is_dispatched() {
        // Whatever fields the bootstrap needs, it never becomes a build.
        match Request::parse(json!({"action": "bootstrap"})) {
            Ok(Request::Bootstrap(_)) => {}
            Err(e) if e.reason.starts_with("malformed bootstrap event") => {}
            other => panic!("{other:?}"),
        }
    }
}
