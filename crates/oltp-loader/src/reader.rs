//! Streams one CSV object through parsing and validation on a blocking
//! thread. Valid rows go out in bounded batches (so memory stays flat
//! whatever the file size); invalid rows go to a spool file on disk.

use std::io::{BufReader, Read};

use starlift_domain::catalog::Table;
use starlift_domain::dialect::{Dialect, DialectError};
use starlift_domain::records::{self, ReadFailure, Record, RecordReader};
use starlift_domain::validate::{
    FieldError, HeaderError, HeaderMap, Value, match_header, validate_record,
};
use tokio::sync::{mpsc, oneshot};

/// Rows per batch sent to the COPY task.
pub const BATCH_ROWS: usize = 2048;
/// Batches in flight between the parser and COPY.
pub const BATCHES_IN_FLIGHT: usize = 4;

/// A valid row and the line it started on.
pub type StagedRow = (i64, Vec<Value>);

/// A problem with the whole file: nothing of it loads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("{0}")]
    Header(#[from] HeaderError),
    #[error("{0}")]
    Csv(#[from] records::FileError),
    #[error("{0}")]
    Dialect(#[from] DialectError),
    #[error("not valid gzip data: {0}")]
    BadCompression(String),
}

/// Reading the object failed in a way a retry may fix (S3 or local I/O).
#[derive(Debug, thiserror::Error)]
#[error("reading the object failed at line {line}: {source}")]
pub struct ReadError {
    pub line: u64,
    pub source: std::io::Error,
}

/// How a parse ended.
#[derive(Debug)]
pub enum ParseEnd {
    Finished(ParseStats),
    File(FileError),
    Read(ReadError),
    /// The COPY side went away (it failed); its error is the one to report.
    Abandoned,
}

#[derive(Debug)]
pub struct ParseStats {
    pub rows_read: u64,
    pub rows_rejected: u64,
    /// `line,column,reason,raw_record` for every rejected record, if any.
    pub rejects: Option<tempfile::NamedTempFile>,
}

/// Where rejected rows are written while parsing: a CSV file on local disk,
/// so a file full of bad rows costs no memory.
struct RejectSpool {
    writer: Option<csv::Writer<std::fs::File>>,
    file: Option<tempfile::NamedTempFile>,
    count: u64,
}

impl RejectSpool {
    fn new() -> Self {
        Self {
            writer: None,
            file: None,
            count: 0,
        }
    }

    fn push(
        &mut self,
        line: u64,
        column: Option<&str>,
        reason: &str,
        raw: &str,
    ) -> std::io::Result<()> {
        if self.writer.is_none() {
            let file = new_reject_file()?;
            let appender = std::fs::OpenOptions::new().append(true).open(file.path())?;
            self.writer = Some(csv::Writer::from_writer(appender));
            self.file = Some(file);
        }
        if let Some(writer) = self.writer.as_mut() {
            writer.write_record([line.to_string().as_str(), column.unwrap_or(""), reason, raw])?;
        }
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<Option<tempfile::NamedTempFile>> {
        if let Some(mut writer) = self.writer.take() {
            writer.flush()?;
        }
        Ok(self.file)
    }
}

/// A new reject report on local disk holding only its header row.
fn new_reject_file() -> std::io::Result<tempfile::NamedTempFile> {
    let file = tempfile::NamedTempFile::new()?;
    let mut writer = csv::Writer::from_writer(file.reopen()?);
    writer.write_record(["line", "column", "reason", "raw_record"])?;
    writer.flush()?;
    Ok(file)
}

fn classify_io(error: std::io::Error, line: u64, gzip: bool) -> ParseEnd {
    if gzip && matches!(error.kind(), std::io::ErrorKind::InvalidData) {
        ParseEnd::File(FileError::BadCompression(error.to_string()))
    } else {
        ParseEnd::Read(ReadError {
            line,
            source: error,
        })
    }
}

fn read_failure(failure: ReadFailure, line: u64, gzip: bool) -> ParseEnd {
    match failure {
        ReadFailure::File(error) => ParseEnd::File(error.into()),
        ReadFailure::Io(io) => classify_io(io, line, gzip),
    }
}

/// Opens the CSV: dialect from `options` (the pack's, then the file's),
/// encoding, delimiter and header, matched against `table`.
fn open<R: Read>(
    input: R,
    table: &'static Table,
    options: &[(String, String)],
    gzip: bool,
) -> Result<(RecordReader<BufReader<R>>, HeaderMap), ParseEnd> {
    let dialect = Dialect::from_options(options.iter().map(|(n, v)| (n, v)))
        .map_err(|e| ParseEnd::File(e.into()))?;
    let columns: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let reader = RecordReader::new(
        BufReader::with_capacity(256 * 1024, input),
        &dialect,
        &columns,
    )
    .map_err(|failure| read_failure(failure, 1, gzip))?;
    let map = match_header(table, reader.header()).map_err(|e| ParseEnd::File(e.into()))?;
    Ok((reader, map))
}

/// Parses `input` as a CSV for `table`. The header verdict arrives on
/// `header_tx` before any row; rows arrive on `rows_tx` in batches.
pub fn parse<R: Read>(
    input: R,
    table: &'static Table,
    options: &[(String, String)],
    gzip: bool,
    header_tx: oneshot::Sender<Result<HeaderMap, FileError>>,
    rows_tx: mpsc::Sender<Vec<StagedRow>>,
) -> ParseEnd {
    let (mut reader, map) = match open(input, table, options, gzip) {
        Ok(opened) => opened,
        Err(end) => {
            if let ParseEnd::File(error) = &end {
                let _ = header_tx.send(Err(error.clone()));
            }
            return end;
        }
    };
    if header_tx.send(Ok(map.clone())).is_err() {
        return ParseEnd::Abandoned;
    }
    let mut spool = RejectSpool::new();
    let mut rows_read = 0u64;
    let mut batch: Vec<StagedRow> = Vec::with_capacity(BATCH_ROWS);
    let mut record = Record::default();
    loop {
        match reader.read(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(failure) => return read_failure(failure, reader.line(), gzip),
        }
        rows_read += 1;
        let line = record.line();
        let verdict = match record.problem() {
            Some(problem) => Err(vec![FieldError {
                line,
                column: map.names.get(problem.field()).cloned(),
                reason: problem.to_string(),
            }]),
            None => {
                let fields: Vec<&[u8]> = record.fields().collect();
                validate_record(&map, &fields, line)
            }
        };
        match verdict {
            Ok(values) => {
                batch.push((i64::try_from(line).unwrap_or(i64::MAX), values));
                if batch.len() == BATCH_ROWS {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                    if rows_tx.blocking_send(full).is_err() {
                        return ParseEnd::Abandoned;
                    }
                }
            }
            Err(errors) => {
                spool.count += 1;
                let raw = record.raw_text();
                for error in errors {
                    if let Err(io) =
                        spool.push(error.line, error.column.as_deref(), &error.reason, &raw)
                    {
                        return ParseEnd::Read(ReadError { line, source: io });
                    }
                }
            }
        }
    }
    if !batch.is_empty() && rows_tx.blocking_send(batch).is_err() {
        return ParseEnd::Abandoned;
    }
    let rows_rejected = spool.count;
    match spool.finish() {
        Ok(rejects) => ParseEnd::Finished(ParseStats {
            rows_read,
            rows_rejected,
            rejects,
        }),
        Err(source) => ParseEnd::Read(ReadError { line: 0, source }),
    }
}

/// Appends rows found invalid after parsing (duplicate keys) to the spool.
pub fn append_rejects(
    stats: &mut ParseStats,
    rows: impl IntoIterator<Item = (u64, Option<String>, String, String)>,
) -> std::io::Result<()> {
    let mut rows = rows.into_iter().peekable();
    if rows.peek().is_none() {
        return Ok(());
    }
    let file = match stats.rejects.take() {
        Some(file) => file,
        None => new_reject_file()?,
    };
    {
        let handle = std::fs::OpenOptions::new().append(true).open(file.path())?;
        let mut writer = csv::Writer::from_writer(handle);
        for (line, column, reason, raw) in rows {
            writer.write_record([
                line.to_string().as_str(),
                column.as_deref().unwrap_or(""),
                &reason,
                &raw,
            ])?;
            stats.rows_rejected += 1;
        }
        writer.flush()?;
    }
    stats.rejects = Some(file);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use starlift_domain::catalog::{Column, ColumnType, LoadMode};

    fn genre() -> &'static Table {
        let column = |name: &str, ty, nullable| Column {
            name: name.into(),
            ty,
            nullable,
            has_default: false,
        };
        Box::leak(Box::new(Table {
            schema: "test".into(),
            name: "genre".into(),
            columns: vec![
                column("genre_id", ColumnType::Integer, false),
                column("name", ColumnType::Text, true),
            ],
            primary_key: vec!["genre_id".into()],
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            mode: LoadMode::Upsert,
            aliases: Vec::new(),
        }))
    }

    fn lines_of(data: &str) -> (Vec<i64>, Vec<String>) {
        let (header_tx, _header_rx) = oneshot::channel();
        let (rows_tx, mut rows_rx) = mpsc::channel(64);
        let end = parse(data.as_bytes(), genre(), &[], false, header_tx, rows_tx);
        let mut lines = Vec::new();
        let mut names = Vec::new();
        while let Ok(batch) = rows_rx.try_recv() {
            for (line, values) in batch {
                lines.push(line);
                names.push(match &values[1] {
                    Value::Text(t) => t.clone(),
                    other => format!("{other:?}"),
                });
            }
        }
        assert!(matches!(end, ParseEnd::Finished(_)));
        (lines, names)
    }

    #[test]
    fn line_numbers_are_physical_lines_for_lf_crlf_blank_lines_and_quoted_newlines() {
        for terminator in ["\n", "\r\n"] {
            let data = [
                "GenreId,Name",
                "1,Rock",
                "2,\"Two",
                "lines\"",
                "",
                "3,\"Quoted\"",
                "4,Last",
            ]
            .join(terminator);
            let (lines, names) = lines_of(&data);
            assert_eq!(lines, vec![2, 3, 6, 7], "terminator {terminator:?}");
            assert_eq!(
                names,
                vec![
                    "Rock".to_string(),
                    format!("Two{terminator}lines"),
                    "Quoted".into(),
                    "Last".into()
                ]
            );
        }
    }
}
