//! S3 ObjectCreated events in the shape AWS delivers them, for the local demo
//! and the tests: the key URL-encoded (`+` for a space), ETag, size, sequencer.

use aws_lambda_events::event::s3::S3Event;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::json;

/// What S3 leaves unescaped in event keys: unreserved characters and `/`.
const KEY_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/')
    .remove(b' ');

/// Encodes a key as S3 event notifications do.
pub fn encode_event_key(key: &str) -> String {
    utf8_percent_encode(key, KEY_ESCAPES)
        .to_string()
        .replace(' ', "+")
}

/// One object put.
#[derive(Debug, Clone)]
pub struct PutObject<'a> {
    pub bucket: &'a str,
    pub key: &'a str,
    pub etag: &'a str,
    pub size: i64,
    pub sequencer: &'a str,
    pub version_id: Option<&'a str>,
}

/// The JSON of an `ObjectCreated:Put` notification with one record per put.
pub fn object_created_json(puts: &[PutObject<'_>]) -> serde_json::Value {
    let records: Vec<serde_json::Value> = puts
        .iter()
        .map(|put| {
            json!({
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": "us-east-1",
                "eventTime": "2026-01-01T00:00:00.000Z",
                "eventName": "ObjectCreated:Put",
                "userIdentity": {"principalId": "AWS:AIDAEXAMPLE"},
                "requestParameters": {"sourceIPAddress": "127.0.0.1"},
                "responseElements": {"x-amz-request-id": "EXAMPLE", "x-amz-id-2": "EXAMPLE"},
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "starlift-incoming",
                    "bucket": {
                        "name": put.bucket,
                        "ownerIdentity": {"principalId": "EXAMPLE"},
                        "arn": format!("arn:aws:s3:::{}", put.bucket)
                    },
                    "object": {
                        "key": encode_event_key(put.key),
                        "size": put.size,
                        "eTag": put.etag.trim_matches('"'),
                        "versionId": put.version_id,
                        "sequencer": put.sequencer
                    }
                }
            })
        })
        .collect();
    json!({ "Records": records })
}

/// The typed event of [`object_created_json`].
pub fn object_created(puts: &[PutObject<'_>]) -> Result<S3Event, serde_json::Error> {
    serde_json::from_value(object_created_json(puts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use starlift_domain::routing::decode_event_key;

    #[test]
    fn keys_round_trip_through_event_encoding() {
        for key in [
            "incoming/Track.csv",
            "incoming/my file+1.csv",
            "incoming/São Paulo/Ünïcode & co.csv",
        ] {
            let encoded = encode_event_key(key);
            assert!(!encoded.contains(' '));
            assert_eq!(decode_event_key(&encoded).unwrap(), key);
        }
        assert_eq!(encode_event_key("incoming/a b.csv"), "incoming/a+b.csv");
    }

    #[test]
    fn event_parses_as_s3_event() {
        let event = object_created(&[PutObject {
            bucket: "b",
            key: "incoming/a b.csv",
            etag: "\"abc\"",
            size: 3,
            sequencer: "0A",
            version_id: None,
        }])
        .unwrap();
        assert_eq!(event.records.len(), 1);
        assert_eq!(
            event.records[0].s3.object.key.as_deref(),
            Some("incoming/a+b.csv")
        );
        assert_eq!(event.records[0].s3.object.e_tag.as_deref(), Some("abc"));
    }
}
