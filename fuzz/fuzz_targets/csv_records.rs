//! The loader's CSV reading and validation over arbitrary bytes, in a
//! dialect chosen by the first bytes (after the Chinook pack's defaults, as
//! a file's key options follow the pack's), for a Chinook table.
//!
//! Never panics; memory stays within the dialect's size limits (small here,
//! so the fuzzer reaches them; libFuzzer's -malloc_limit_mb catches a large
//! allocation); every record reports a line after the previous one, and
//! every rejected record names it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use starlift_domain::dialect::Dialect;
use starlift_domain::records::{ReadFailure, Record, RecordReader};
use starlift_domain::validate::{FieldError, match_header, validate_record};

/// Bytes the dialect and table are chosen from.
const SETTINGS: usize = 7;
/// What a rejected record's raw text may add to its first KiB (`… (N bytes)`).
const RAW_SLACK: usize = 1024 + 64;

fuzz_target!(|data: &[u8]| {
    let Some((settings, input)) = data.split_first_chunk::<SETTINGS>() else {
        return;
    };
    let catalog = starlift_fuzz::catalog();
    let table = &catalog.tables[usize::from(settings[5]) % catalog.tables.len()];
    let Ok(dialect) = Dialect::from_options(options(settings)) else {
        return;
    };
    let columns: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let mut reader = match RecordReader::new(input, &dialect, &columns) {
        Ok(reader) => reader,
        Err(ReadFailure::File(_)) => return,
        Err(ReadFailure::Io(error)) => panic!("an in-memory input failed to read: {error}"),
    };
    let Ok(map) = match_header(table, reader.header()) else {
        return;
    };
    let mut record = Record::default();
    let mut previous_line = 1;
    let mut records = 0usize;
    loop {
        match reader.read(&mut record) {
            Ok(true) => {}
            Ok(false) | Err(ReadFailure::File(_)) => break,
            Err(ReadFailure::Io(error)) => panic!("an in-memory input failed to read: {error}"),
        }
        records += 1;
        assert!(records <= input.len(), "more records than bytes");
        let line = record.line();
        assert!(
            line > previous_line,
            "line {line} after line {previous_line}"
        );
        assert!(
            line <= input.len() as u64 + 1,
            "line {line} past the input's {} bytes",
            input.len()
        );
        previous_line = line;
        let limit = usize::try_from(dialect.max_record_size).unwrap_or(usize::MAX);
        assert!(
            record.raw().len() <= limit.max(RAW_SLACK),
            "a raw record of {} bytes past max_record_size {limit}",
            record.raw().len()
        );
        let errors = match record.problem() {
            Some(problem) => vec![FieldError {
                line,
                column: map.names.get(problem.field()).cloned(),
                reason: problem.to_string(),
            }],
            None => {
                check_sizes(&record, &dialect);
                let fields: Vec<&[u8]> = record.fields().collect();
                match validate_record(&map, &fields, line) {
                    Ok(values) => {
                        assert_eq!(values.len(), table.columns.len());
                        continue;
                    }
                    Err(errors) => errors,
                }
            }
        };
        assert!(!errors.is_empty(), "a rejected record without a reason");
        for error in errors {
            assert_eq!(error.line, line);
            assert!(!error.reason.is_empty());
            let text = error.to_string();
            assert!(text.starts_with(&format!("line {line}")), "{text}");
        }
    }
});

/// An accepted record is within the dialect's limits.
fn check_sizes(record: &Record, dialect: &Dialect) {
    let mut total = 0u64;
    for field in record.fields() {
        let size = field.len() as u64;
        assert!(
            size <= dialect.max_field_size,
            "a field of {size} bytes past max_field_size {}",
            dialect.max_field_size
        );
        total += size;
    }
    assert!(
        total <= dialect.max_record_size,
        "a record of {total} bytes past max_record_size {}",
        dialect.max_record_size
    );
}

/// The pack's CSV defaults, then options from the settings bytes (as the
/// options of a file's key follow the pack's).
fn options(settings: &[u8; SETTINGS]) -> Vec<(String, String)> {
    let mut options = starlift_fuzz::csv_options().to_vec();
    let mut push = |name: &str, value: String| options.push((name.to_string(), value));
    let pick = |byte: u8, values: &[&str]| values[usize::from(byte) % values.len()].to_string();
    push(
        "delimiter",
        pick(
            settings[0],
            &["auto", "comma", "semicolon", "tab", "pipe", "colon"],
        ),
    );
    push("quote", pick(settings[1], &["double", "single", "none"]));
    push(
        "encoding",
        pick(settings[2], &["auto", "utf-8", "utf-16le", "utf-16be"]),
    );
    // Small limits, so that short inputs reach them; 255 keeps the default.
    if settings[3] != u8::MAX {
        push("max_field_size", (u64::from(settings[3]) + 1).to_string());
    }
    if settings[4] != u8::MAX {
        push(
            "max_record_size",
            (u64::from(settings[4]) * 4 + 1).to_string(),
        );
    }
    match settings[6] % 4 {
        1 => push("null", "NULL".to_string()),
        2 => push("null", "\\N".to_string()),
        3 => push("null", "\"".to_string()),
        _ => {}
    }
    options
}
