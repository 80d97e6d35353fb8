//! S3 key decoding and routing over arbitrary keys and prefixes, against
//! the Chinook tables.
//!
//! Never panics; encoding a key as S3 event notifications do and decoding
//! it gives it back; a routed key is under the prefix, has a drop-zone
//! extension and routes to a table of the catalog, the same each time.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oltp_loader::events::encode_event_key;
use starlift_domain::dialect::Dialect;
use starlift_domain::routing::{decode_event_key, route_key};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    // The prefix: the default drop zone, none, or the input's first part.
    let (prefix, raw) = match selector % 4 {
        0 => (starlift_fuzz::INCOMING, text.as_ref()),
        1 => ("", text.as_ref()),
        _ => text.split_once('\n').unwrap_or(("in/", text.as_ref())),
    };
    assert_eq!(
        decode_event_key(&encode_event_key(raw)).as_deref(),
        Ok(raw),
        "encoding round trip"
    );
    let catalog = starlift_fuzz::catalog();
    // The loader routes the decoded key; route the raw one too.
    let _ = route_key(catalog, raw, prefix);
    let Ok(key) = decode_event_key(raw) else {
        return;
    };
    assert_eq!(
        decode_event_key(&encode_event_key(&key)).as_deref(),
        Ok(key.as_str())
    );
    let Ok(route) = route_key(catalog, &key, prefix) else {
        return;
    };
    assert!(key.starts_with(prefix));
    let found = catalog.table(&route.table.name);
    assert!(
        found.is_some_and(|t| std::ptr::eq(t, route.table)),
        "routed to {} outside the catalog",
        route.table.name
    );
    let file = key
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let file = file.strip_suffix(".gz").unwrap_or(&file);
    assert!(
        [".csv", ".tsv", ".txt"]
            .iter()
            .any(|ext| file.ends_with(ext)),
        "{key:?} routed without a drop-zone extension"
    );
    for (name, _) in &route.options {
        assert!(!name.is_empty() && *name == name.to_ascii_lowercase());
    }
    assert_eq!(route_key(catalog, &key, prefix).as_ref(), Ok(&route));
    // The loader builds the file's dialect from them next.
    let options = starlift_fuzz::pack()
        .csv_options()
        .into_iter()
        .chain(route.options);
    let _ = Dialect::from_options(options);
});
