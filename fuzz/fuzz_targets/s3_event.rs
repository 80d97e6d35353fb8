//! The loader's handling of an invocation payload over arbitrary bytes:
//! JSON, the reload / reconcile / S3 event dispatch, then each record's
//! preparation (`prepare_record`) and routing, as `handle_request` does
//! them before any I/O.
//!
//! Never panics; a record to load carries its decoded key; a routed key's
//! table is in the catalog.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oltp_loader::{RecordAction, Request, parse_request, prepare_record, sequencer_cmp};
use starlift_domain::routing::{decode_event_key, route_key};

fuzz_target!(|data: &[u8]| {
    // The Lambda runtime hands the handler a JSON value.
    let Ok(payload) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let Ok(Request::Event(event)) = parse_request(payload) else {
        return;
    };
    let catalog = starlift_fuzz::catalog();
    for record in &event.records {
        let Ok(action) = prepare_record(record) else {
            continue;
        };
        let RecordAction::Load(object) = action else {
            continue;
        };
        let raw_key = record.s3.object.key.as_deref().unwrap_or_default();
        assert_eq!(decode_event_key(raw_key).as_ref(), Ok(&object.key));
        assert!(!object.etag.starts_with('"') && !object.etag.ends_with('"'));
        if let Some(sequencer) = &object.sequencer {
            assert!(sequencer_cmp(sequencer, sequencer).is_eq());
        }
        if let Ok(route) = route_key(catalog, &object.key, starlift_fuzz::INCOMING) {
            assert!(catalog.table(&route.table.name).is_some());
        }
    }
});
