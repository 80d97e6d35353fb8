//! A strict, streaming CSV record reader: the `csv` crate splits fields, and
//! a check over each record's raw bytes catches what the crate would accept
//! silently. Nothing of the input is lost without an error saying so.
//!
//! # Encoding
//! With [`Encoding::Auto`] a byte-order mark decides: a UTF-8 BOM is skipped,
//! UTF-16LE/BE with a BOM (Excel "Unicode text") is transcoded to UTF-8 while
//! streaming, and no BOM means UTF-8. UTF-8 bytes pass through untouched, so
//! invalid UTF-8 in a field stays that field's problem for the validator; a
//! header that is not UTF-8 is a [`FileError::HeaderNotUtf8`].
//!
//! # Line endings
//! Outside quotes each of LF, CRLF and a bare CR ends a record (the `csv`
//! crate's `Terminator::CRLF`), so Unix, Windows and classic Mac / Excel
//! "CSV (Macintosh)" files read the same, and so does a file that mixes
//! them. Inside a quoted field line breaks are data, kept as they are.
//! Empty lines are skipped: they are not records.
//!
//! # Line numbers
//! A record reports the physical line it starts on; the header is line 1.
//! Physical lines are counted the same way (LF, CRLF or a bare CR ends one),
//! including the line breaks inside quoted fields and skipped empty lines.
//!
//! # Delimiter detection
//! With [`Delimiter::Auto`] the header line decides. Each candidate (`,`
//! `;` tab `|`, in that order) splits the header (respecting quotes) and
//! scores the number of fields whose [`normalize_name`] equals one of the
//! expected column names'. The best score wins. When the best score is 0,
//! or several candidates reach it with different splits, the one of them
//! that splits the header into the most fields wins; a remaining tie goes
//! to the earlier candidate. A header that is one matching name splits the
//! same whatever the delimiter, so it reads as comma-separated (give the
//! delimiter if its rows hold commas). Empty lines before the header are
//! skipped; only the header's first MiB is looked at.
//!
//! # Quoting
//! The quote character (configurable, or none) encloses a field; inside it
//! a doubled quote is one quote (RFC 4180). A quote inside an unquoted
//! field, or text between a closing quote and the next delimiter or line
//! end, rejects that record ([`RecordProblem`]) and reading goes on. A
//! quoted field still open at the end of the input would have swallowed the
//! rest of the file: that is a [`FileError::UnterminatedQuote`] naming the
//! line the quote opened on.
//!
//! # NULL
//! An empty field is NULL. An unquoted field equal to one of the dialect's
//! NULL markers comes out empty too; a quoted one keeps its text.
//!
//! Too many or too few fields are passed through: the validator reports
//! them. Memory stays flat: the input is read in chunks and one record is
//! held at a time.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::HashSet;
use std::io::{self, BufRead, BufReader, Read};
use std::ops::Range;

use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};

use crate::catalog::normalize_name;
use crate::dialect::{Delimiter, Dialect, Encoding};

/// Bytes read from the (decoded) input at a time.
const CHUNK: usize = 64 * 1024;
/// How much of the header line delimiter detection looks at.
const HEADER_PEEK_LIMIT: usize = 1024 * 1024;

/// A problem with the whole file: deterministic, so a retry cannot fix it,
/// and nothing of the file may load.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is empty: no header row")]
    Empty,
    #[error(
        "the header row is not UTF-8 text (is this a CSV file? UTF-16 needs a byte-order mark or the encoding option)"
    )]
    HeaderNotUtf8,
    #[error("the header row is malformed: {0}")]
    BadHeader(RecordProblem),
    #[error(
        "unterminated quoted field opened on line {line}: the rest of the file would become one value; nothing was loaded"
    )]
    UnterminatedQuote { line: u64 },
    /// The `csv` crate failed other than on I/O (not expected for byte
    /// records; kept so no failure is mistaken for a retryable one).
    #[error("the CSV parser failed: {0}")]
    Parser(String),
}

/// Why reading stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReadFailure {
    /// The file itself is wrong: report it, do not retry.
    #[error(transparent)]
    File(#[from] FileError),
    /// Reading the input failed (S3, local I/O, decompression): a retry may
    /// fix it.
    #[error("reading the input failed: {0}")]
    Io(#[from] io::Error),
}

/// Why one record is rejected; the records after it still load.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordProblem {
    #[error(
        "quote character {quote:?} inside unquoted field {} (quote the whole field and double the quotes in it)",
        .field + 1
    )]
    QuoteInUnquotedField { field: usize, quote: char },
    #[error(
        "text after the closing quote of field {} (a quote inside a quoted field must be doubled)",
        .field + 1
    )]
    TextAfterClosingQuote { field: usize },
    #[error(
        "field {} is not valid UTF-16 (an unpaired surrogate; a literal U+FFFD is refused too, as the two cannot be told apart)",
        .field + 1
    )]
    MalformedUtf16 { field: usize },
}

impl RecordProblem {
    /// The 0-based index of the field the problem is in.
    pub fn field(&self) -> usize {
        match self {
            Self::QuoteInUnquotedField { field, .. }
            | Self::TextAfterClosingQuote { field }
            | Self::MalformedUtf16 { field } => *field,
        }
    }
}

/// One record: reuse it across [`RecordReader::read`] calls to save
/// allocations.
#[derive(Debug, Clone, Default)]
pub struct Record {
    line: u64,
    fields: csv::ByteRecord,
    /// Per field: an unquoted NULL marker, read as empty.
    null: Vec<bool>,
    raw: Vec<u8>,
    problem: Option<RecordProblem>,
}

impl Record {
    /// The physical line the record starts on (the header is line 1).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The fields, unquoted, with NULL markers as empty fields.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = &[u8]> {
        self.fields.iter().enumerate().map(|(i, field)| {
            if self.null.get(i).copied().unwrap_or(false) {
                &field[..0]
            } else {
                field
            }
        })
    }

    /// Why the record must be rejected, if it must.
    pub fn problem(&self) -> Option<&RecordProblem> {
        self.problem.as_ref()
    }

    /// The record's text as the file has it (after decoding), without its
    /// line terminator: for the reject report.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// [`Record::raw`] as text, invalid UTF-8 replaced.
    pub fn raw_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.raw)
    }
}

/// Reads the records of one CSV input after its header.
#[derive(Debug)]
pub struct RecordReader<R: Read> {
    csv: csv::Reader<RawWindow<DecodeReaderBytes<BufReader<R>, Vec<u8>>>>,
    /// The input is UTF-16: the decoder replaces malformed units with
    /// U+FFFD, which [`RecordReader::read`] refuses.
    utf16: bool,
    header: Vec<String>,
    check: Check,
    null_markers: Vec<Vec<u8>>,
    lines: Lines,
    scan: Scan,
}

impl<R: Read> RecordReader<R> {
    /// Reads the header of `input` in `dialect`; `expected_columns` (the
    /// table's column names) guide delimiter detection.
    pub fn new<S: AsRef<str>>(
        input: R,
        dialect: &Dialect,
        expected_columns: &[S],
    ) -> Result<Self, ReadFailure> {
        let mut input = BufReader::new(input);
        let utf16 = is_utf16(&mut input, dialect.encoding)?;
        let mut window = RawWindow::new(decoder(dialect.encoding).build(input));
        let delimiter = match dialect.delimiter.byte() {
            Some(byte) => byte,
            None => {
                let line = window.peek_line(dialect.quote, HEADER_PEEK_LIMIT)?;
                detect_delimiter(line, dialect.quote, expected_columns)
            }
        };
        // The default terminator, CRLF, ends a record at any of CR, LF, CRLF.
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .quoting(dialect.quote.is_some())
            .quote(dialect.quote.unwrap_or(b'"'))
            .double_quote(true)
            .from_reader(window);
        let mut reader = Self {
            csv,
            utf16,
            header: Vec::new(),
            check: Check {
                delimiter,
                quote: dialect.quote,
            },
            null_markers: dialect
                .null_markers
                .iter()
                .map(|m| m.as_bytes().to_vec())
                .collect(),
            lines: Lines::default(),
            scan: Scan::default(),
        };
        reader.header = reader.read_header()?;
        Ok(reader)
    }

    /// The header's field names as the file spells them.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The delimiter in use (given or detected).
    pub fn delimiter(&self) -> u8 {
        self.check.delimiter
    }

    /// The physical line reading has reached: where an I/O failure happened.
    pub fn line(&self) -> u64 {
        self.lines.line
    }

    /// Reads the next record into `record`; `Ok(false)` at the end.
    pub fn read(&mut self, record: &mut Record) -> Result<bool, ReadFailure> {
        if !self.read_raw(record)? {
            return Ok(false);
        }
        if self.utf16 && record.problem.is_none() {
            record.problem = record
                .fields
                .iter()
                .position(|f| f.windows(3).any(|w| w == REPLACEMENT_CHARACTER))
                .map(|field| RecordProblem::MalformedUtf16 { field });
        }
        self.mark_nulls(record);
        Ok(true)
    }

    fn read_header(&mut self) -> Result<Vec<String>, ReadFailure> {
        let mut record = Record::default();
        if !self.read_raw(&mut record)? {
            return Err(FileError::Empty.into());
        }
        if let Some(problem) = record.problem {
            return Err(FileError::BadHeader(problem).into());
        }
        record
            .fields
            .iter()
            .map(|field| std::str::from_utf8(field).map(str::to_string))
            .collect::<Result<_, _>>()
            .map_err(|_| FileError::HeaderNotUtf8.into())
    }

    /// The next record as the `csv` crate splits it, checked against its
    /// raw bytes.
    fn read_raw(&mut self, record: &mut Record) -> Result<bool, ReadFailure> {
        if !self
            .csv
            .read_byte_record(&mut record.fields)
            .map_err(csv_failure)?
        {
            return Ok(false);
        }
        let end = self.csv.position().byte();
        let bytes = self.csv.get_mut().release(end);
        self.check.scan(bytes, &mut self.lines, &mut self.scan);
        if let Some(line) = self.scan.open_quote {
            return Err(FileError::UnterminatedQuote { line }.into());
        }
        record.line = self.scan.line;
        record.problem = self.scan.problem.take();
        record.raw.clear();
        record
            .raw
            .extend_from_slice(bytes.get(self.scan.text.clone()).unwrap_or_default());
        Ok(true)
    }

    fn mark_nulls(&self, record: &mut Record) {
        record.null.clear();
        for (i, field) in record.fields.iter().enumerate() {
            let quoted = self.scan.quoted.get(i).copied().unwrap_or(false);
            record
                .null
                .push(!quoted && self.null_markers.iter().any(|m| m == field));
        }
    }
}

fn csv_failure(error: csv::Error) -> ReadFailure {
    match error.into_kind() {
        csv::ErrorKind::Io(io) => ReadFailure::Io(io),
        other => FileError::Parser(format!("{other:?}")).into(),
    }
}

/// U+FFFD in UTF-8: what the UTF-16 decoder puts in place of a malformed unit.
const REPLACEMENT_CHARACTER: &[u8] = "\u{fffd}".as_bytes();

/// Whether the input is UTF-16: named so, or (auto) starting with a UTF-16
/// byte-order mark. Peeks without consuming.
fn is_utf16<R: Read>(input: &mut BufReader<R>, encoding: Encoding) -> io::Result<bool> {
    Ok(match encoding {
        Encoding::Utf16Le | Encoding::Utf16Be => true,
        Encoding::Utf8 => false,
        Encoding::Auto => {
            let start = input.fill_buf()?;
            start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF])
        }
    })
}

/// The decoder for `encoding`: UTF-8 always passes through untouched (a
/// BOM skipped), so invalid bytes reach the validator instead of becoming
/// U+FFFD silently.
fn decoder(encoding: Encoding) -> DecodeReaderBytesBuilder {
    let mut builder = DecodeReaderBytesBuilder::new();
    builder.strip_bom(true).utf8_passthru(true);
    match encoding {
        Encoding::Auto => builder.bom_sniffing(true),
        Encoding::Utf8 => builder.bom_sniffing(false),
        Encoding::Utf16Le => builder.encoding(Some(encoding_rs::UTF_16LE)),
        Encoding::Utf16Be => builder.encoding(Some(encoding_rs::UTF_16BE)),
    };
    builder
}

/// The delimiter the header line suggests (the rule is in the module doc).
fn detect_delimiter<S: AsRef<str>>(header: &[u8], quote: Option<u8>, expected: &[S]) -> u8 {
    let expected: HashSet<String> = expected
        .iter()
        .map(|name| normalize_name(name.as_ref()))
        .filter(|name| !name.is_empty())
        .collect();
    // Best score, then most fields, then the earlier candidate: a tie that
    // split the header the same way has equal field counts.
    Delimiter::CANDIDATES
        .iter()
        .filter_map(|d| d.byte())
        .enumerate()
        .max_by_key(|&(order, byte)| {
            let fields = split_header(header, byte, quote);
            let score = fields
                .iter()
                .filter(|f| expected.contains(&normalize_name(f)))
                .count();
            (score, fields.len(), Reverse(order))
        })
        .map_or(b',', |(_, byte)| byte)
}

/// `header` split at `delimiter`, quotes respected.
fn split_header(header: &[u8], delimiter: u8, quote: Option<u8>) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quoting(quote.is_some())
        .quote(quote.unwrap_or(b'"'))
        .from_reader(header);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => record
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect(),
        _ => Vec::new(),
    }
}

/// The physical line counter: LF, CRLF and a bare CR each end a line.
#[derive(Debug, Clone, Copy)]
struct Lines {
    /// The line the next byte is on.
    line: u64,
    /// The previous byte was a CR: an LF now completes the same line end.
    after_cr: bool,
}

impl Default for Lines {
    fn default() -> Self {
        Self {
            line: 1,
            after_cr: false,
        }
    }
}

impl Lines {
    fn step(&mut self, byte: u8) {
        match byte {
            b'\n' if self.after_cr => self.after_cr = false,
            b'\n' => self.line += 1,
            b'\r' => {
                self.line += 1;
                self.after_cr = true;
            }
            _ => self.after_cr = false,
        }
    }
}

/// What [`Check::scan`] found in one record's bytes.
#[derive(Debug, Default)]
struct Scan {
    /// The line the record starts on.
    line: u64,
    /// The record's text within the bytes (no leading line ends, no terminator).
    text: Range<usize>,
    /// Per field: it was quoted.
    quoted: Vec<bool>,
    problem: Option<RecordProblem>,
    /// The line of a quote still open at the end of the input.
    open_quote: Option<u64>,
}

/// Where [`Check::scan`] is within a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Line ends before the record (the rest of a CRLF, empty lines).
    Leading,
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: doubled, or the closing one.
    QuoteInQuoted,
    /// Past the record's terminator.
    Done,
}

/// Checks a record's raw bytes for what the `csv` crate accepts silently,
/// and counts its lines. It follows the crate's own state machine
/// (csv-core's `StartField`/`InField`/`InQuotedField`/`InDoubleEscapedQuote`),
/// so both agree on where fields and records end.
#[derive(Debug, Clone, Copy)]
struct Check {
    delimiter: u8,
    quote: Option<u8>,
}

impl Check {
    /// Scans `bytes`, which the `csv` crate consumed for exactly one record
    /// (leading line ends, the record, its terminator's first byte).
    fn scan(self, bytes: &[u8], lines: &mut Lines, scan: &mut Scan) {
        scan.quoted.clear();
        scan.problem = None;
        scan.open_quote = None;
        scan.line = lines.line;
        scan.text = bytes.len()..bytes.len();
        let mut state = State::Leading;
        let mut open_line = 0;
        for (i, &byte) in bytes.iter().enumerate() {
            let line_end = byte == b'\r' || byte == b'\n';
            if state == State::Leading && !line_end {
                scan.line = lines.line;
                scan.text.start = i;
                scan.quoted.push(false);
                state = State::FieldStart;
            }
            state = match state {
                State::Leading | State::Done => state,
                _ if line_end && state != State::Quoted => {
                    scan.text.end = i;
                    State::Done
                }
                State::FieldStart if Some(byte) == self.quote => {
                    if let Some(quoted) = scan.quoted.last_mut() {
                        *quoted = true;
                    }
                    open_line = lines.line;
                    State::Quoted
                }
                State::Quoted if Some(byte) == self.quote => State::QuoteInQuoted,
                State::Quoted => State::Quoted,
                State::QuoteInQuoted if Some(byte) == self.quote => State::Quoted,
                _ if byte == self.delimiter => {
                    scan.quoted.push(false);
                    State::FieldStart
                }
                State::QuoteInQuoted => {
                    let field = scan.quoted.len().saturating_sub(1);
                    scan.problem
                        .get_or_insert(RecordProblem::TextAfterClosingQuote { field });
                    State::Unquoted
                }
                State::Unquoted if Some(byte) == self.quote => {
                    let field = scan.quoted.len().saturating_sub(1);
                    scan.problem
                        .get_or_insert(RecordProblem::QuoteInUnquotedField {
                            field,
                            quote: char::from(byte),
                        });
                    State::Unquoted
                }
                State::FieldStart | State::Unquoted => State::Unquoted,
            };
            lines.step(byte);
        }
        // The crate ends a record inside quotes only at the end of the input.
        if state == State::Quoted {
            scan.open_quote = Some(open_line);
        }
    }
}

/// The input as the `csv` crate reads it, keeping every byte handed out
/// since the last finished record, so that record's raw bytes can be
/// checked and reported. Holds at most a record plus two chunks.
#[derive(Debug)]
struct RawWindow<R> {
    inner: R,
    buf: Vec<u8>,
    /// `buf[..served]` has been handed to the `csv` crate.
    served: usize,
    /// `buf[..released]` belongs to finished records.
    released: usize,
    /// The input offset of `buf[0]`.
    base: u64,
}

impl<R: Read> RawWindow<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            buf: Vec::new(),
            served: 0,
            released: 0,
            base: 0,
        }
    }

    /// Appends up to a chunk of input to the buffer; `Ok(0)` at the end.
    fn fill(&mut self) -> io::Result<usize> {
        let old = self.buf.len();
        self.buf.resize(old + CHUNK, 0);
        let result = loop {
            match self.inner.read(&mut self.buf[old..]) {
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                other => break other,
            }
        };
        self.buf.truncate(old + result.as_ref().map_or(0, |n| *n));
        result
    }

    /// Drops the bytes of finished records.
    fn compact(&mut self) {
        self.buf.drain(..self.released);
        self.served -= self.released;
        self.base += self.released as u64;
        self.released = 0;
    }

    /// The first line not yet handed out (empty lines skipped, at most
    /// `limit` bytes, without its terminator); line ends inside quotes do
    /// not end it. Nothing is consumed.
    fn peek_line(&mut self, quote: Option<u8>, limit: usize) -> io::Result<&[u8]> {
        let mut start = None;
        let mut in_quotes = false;
        let mut pos = self.served;
        loop {
            while let Some(&byte) = self.buf.get(pos) {
                let line_end = byte == b'\r' || byte == b'\n';
                match start {
                    None if line_end => {}
                    None => {
                        start = Some(pos);
                        in_quotes = Some(byte) == quote;
                    }
                    Some(from) => {
                        if line_end && !in_quotes {
                            return Ok(&self.buf[from..pos]);
                        }
                        if Some(byte) == quote {
                            in_quotes = !in_quotes;
                        }
                        if pos - from >= limit {
                            return Ok(&self.buf[from..pos]);
                        }
                    }
                }
                pos += 1;
            }
            if self.fill()? == 0 {
                return Ok(&self.buf[start.unwrap_or(pos)..]);
            }
        }
    }

    /// Marks the bytes up to input offset `end` as one finished record and
    /// returns them.
    fn release(&mut self, end: u64) -> &[u8] {
        let end = usize::try_from(end.saturating_sub(self.base))
            .unwrap_or(usize::MAX)
            .clamp(self.released, self.served);
        let start = std::mem::replace(&mut self.released, end);
        &self.buf[start..end]
    }
}

impl<R: Read> Read for RawWindow<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.served == self.buf.len() {
            self.compact();
            if self.fill()? == 0 {
                return Ok(0);
            }
        }
        let n = out.len().min(self.buf.len() - self.served);
        out[..n].copy_from_slice(&self.buf[self.served..self.served + n]);
        self.served += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Rows = Vec<(u64, Vec<String>)>;

    fn text(field: &[u8]) -> String {
        String::from_utf8_lossy(field).into_owned()
    }

    fn row(line: u64, fields: &[&str]) -> (u64, Vec<String>) {
        (line, fields.iter().map(|f| f.to_string()).collect())
    }

    /// The header and every record (line, fields); a record with a problem
    /// shows it as its only field.
    fn read_all(
        data: &[u8],
        dialect: &Dialect,
        expected: &[&str],
    ) -> Result<(Vec<String>, Rows), ReadFailure> {
        read_from(data, dialect, expected)
    }

    fn read_from<R: Read>(
        input: R,
        dialect: &Dialect,
        expected: &[&str],
    ) -> Result<(Vec<String>, Rows), ReadFailure> {
        let mut reader = RecordReader::new(input, dialect, expected)?;
        let header = reader.header().to_vec();
        let mut record = Record::default();
        let mut rows = Vec::new();
        while reader.read(&mut record)? {
            let fields = match record.problem() {
                Some(problem) => vec![format!("PROBLEM: {problem}")],
                None => record.fields().map(text).collect(),
            };
            rows.push((record.line(), fields));
        }
        Ok((header, rows))
    }

    fn with(options: &[(&str, &str)]) -> Dialect {
        Dialect::from_options(options.iter().copied()).unwrap()
    }

    const ID_NAME: [&str; 2] = ["id", "name"];

    // Written first: both failed on the naive reader (the csv crate with
    // `Terminator::Any(b'\n')`, as the loader reads today).
    #[test]
    fn an_unterminated_quote_is_a_file_error_naming_the_line_it_opened_on() {
        let data = b"id,name\n1,a\n2,\"b\n3,c\n4,d\n";
        let error = read_all(data, &Dialect::default(), &ID_NAME).unwrap_err();
        assert!(
            matches!(
                error,
                ReadFailure::File(FileError::UnterminatedQuote { line: 3 })
            ),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "unterminated quoted field opened on line 3: the rest of the file would become one value; nothing was loaded"
        );
    }

    #[test]
    fn a_bare_cr_file_reads_every_record_with_its_line() {
        let data = b"id,name\r1,a\r2,\"b\rc\"\r\r3,d\r";
        let (header, rows) = read_all(data, &Dialect::default(), &ID_NAME).unwrap();
        assert_eq!(header, vec!["id", "name"]);
        assert_eq!(
            rows,
            vec![
                row(2, &["1", "a"]),
                row(3, &["2", "b\rc"]),
                row(6, &["3", "d"])
            ]
        );
    }

    #[test]
    fn a_closed_quote_at_the_end_of_the_input_is_fine() {
        let (_, rows) = read_all(b"id,name\n1,\"a\"", &Dialect::default(), &ID_NAME).unwrap();
        assert_eq!(rows, vec![row(2, &["1", "a"])]);
        let error = read_all(b"id,\"name\n1,a\n", &Dialect::default(), &ID_NAME).unwrap_err();
        assert!(matches!(
            error,
            ReadFailure::File(FileError::UnterminatedQuote { line: 1 })
        ));
    }

    #[test]
    fn line_numbers_are_physical_lines_for_lf_and_crlf_with_blank_lines_and_quoted_newlines() {
        for terminator in ["\n", "\r\n"] {
            let data = [
                "id,name",
                "1,Rock",
                "2,\"Two",
                "lines\"",
                "",
                "",
                "3,\"Quoted\"",
                "4,Last",
                "",
            ]
            .join(terminator);
            let (_, rows) = read_all(data.as_bytes(), &Dialect::default(), &ID_NAME).unwrap();
            let two_lines = format!("Two{terminator}lines");
            assert_eq!(
                rows,
                vec![
                    row(2, &["1", "Rock"]),
                    row(3, &["2", &two_lines]),
                    row(7, &["3", "Quoted"]),
                    row(8, &["4", "Last"]),
                ],
                "terminator {terminator:?}"
            );
        }
    }

    #[test]
    fn mixed_line_endings_lose_no_record() {
        let data = b"id,name\r\n1,a\n2,b\r3,c\r\n\n4,d";
        let (_, rows) = read_all(data, &Dialect::default(), &ID_NAME).unwrap();
        assert_eq!(
            rows,
            vec![
                row(2, &["1", "a"]),
                row(3, &["2", "b"]),
                row(4, &["3", "c"]),
                row(6, &["4", "d"]),
            ]
        );
    }

    #[test]
    fn line_numbers_hold_across_chunks_and_one_byte_reads() {
        let mut data = String::from("id,name\r\n");
        for i in 0..20_000 {
            if i % 7 == 0 {
                data.push_str(&format!("{i},\"multi\r\nline\"\r\n"));
            } else {
                data.push_str(&format!("{i},n{i}\r\n"));
            }
        }
        let (_, rows) = read_all(data.as_bytes(), &Dialect::default(), &ID_NAME).unwrap();
        assert_eq!(rows.len(), 20_000);
        let mut line = 2;
        for (i, (got, fields)) in rows.iter().enumerate() {
            assert_eq!(*got, line, "record {i}");
            assert_eq!(fields[0], i.to_string());
            line += if i % 7 == 0 { 2 } else { 1 };
        }

        let small = b"id,name\r\n1,\"a\r\nb\"\r\n\r\n2,\"c\"\"d\"\r3,e\n";
        let (_, rows) = read_from(OneByte(&small[..]), &Dialect::default(), &ID_NAME).unwrap();
        assert_eq!(
            rows,
            vec![
                row(2, &["1", "a\r\nb"]),
                row(5, &["2", "c\"d"]),
                row(6, &["3", "e"])
            ]
        );
    }

    /// Hands out one byte per read, to put every boundary between reads.
    struct OneByte<'a>(&'a [u8]);

    impl Read for OneByte<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let Some((first, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            if out.is_empty() {
                return Ok(0);
            }
            out[0] = *first;
            self.0 = rest;
            Ok(1)
        }
    }

    #[test]
    fn every_delimiter_reads_when_given() {
        for (option, delimiter) in [(",", b','), (";", b';'), ("tab", b'\t'), ("pipe", b'|')] {
            let sep = char::from(delimiter);
            let data = format!("id{sep}name\n1{sep}a b\n");
            let dialect = with(&[("delimiter", option)]);
            let mut reader = RecordReader::new(data.as_bytes(), &dialect, &ID_NAME).unwrap();
            assert_eq!(reader.delimiter(), delimiter);
            assert_eq!(reader.header(), ["id", "name"]);
            let mut record = Record::default();
            assert!(reader.read(&mut record).unwrap());
            assert_eq!(record.fields().map(text).collect::<Vec<_>>(), ["1", "a b"]);
        }
    }

    #[test]
    fn a_wrong_explicit_delimiter_does_not_split() {
        let dialect = with(&[("delimiter", "comma")]);
        let (header, rows) = read_all(b"id;name\n1;a\n", &dialect, &ID_NAME).unwrap();
        assert_eq!(header, ["id;name"]);
        assert_eq!(rows, vec![row(2, &["1;a"])]);
    }

    #[test]
    fn every_delimiter_is_detected_from_the_header() {
        for delimiter in [b',', b';', b'\t', b'|'] {
            let sep = char::from(delimiter);
            let data = format!("Id{sep}\"Name\"\n1{sep}a,b;c|d\n");
            let reader = RecordReader::new(data.as_bytes(), &Dialect::default(), &ID_NAME).unwrap();
            assert_eq!(reader.delimiter(), delimiter, "{sep:?}");
            assert_eq!(reader.header(), ["Id", "Name"]);
        }
    }

    #[test]
    fn detection_matches_normalized_names() {
        let expected = ["customer_number", "customer_name"];
        let data = b"customerNumber;customerName\n1;Smith, John\n";
        let (header, rows) = read_all(data, &Dialect::default(), &expected).unwrap();
        assert_eq!(header, ["customerNumber", "customerName"]);
        assert_eq!(rows, vec![row(2, &["1", "Smith, John"])]);
    }

    #[test]
    fn detection_prefers_matching_names_over_more_fields() {
        // The comma splits into more fields, but only the semicolon matches.
        let data = b"id;name,with,commas\n";
        let reader =
            RecordReader::new(&data[..], &Dialect::default(), &["id", "name,with,commas"]).unwrap();
        assert_eq!(reader.delimiter(), b';');
    }

    #[test]
    fn detection_without_a_match_or_with_a_tie_takes_the_most_fields() {
        let reader = RecordReader::new(&b"a|b|c;d\n"[..], &Dialect::default(), &ID_NAME).unwrap();
        assert_eq!(reader.delimiter(), b'|');
        // One name matches either way, the splits differ: most fields wins.
        let reader =
            RecordReader::new(&b"id;x;y,name\n"[..], &Dialect::default(), &ID_NAME).unwrap();
        assert_eq!(reader.delimiter(), b';');
        let reader = RecordReader::new(&b"id;x,name\n"[..], &Dialect::default(), &ID_NAME).unwrap();
        assert_eq!(reader.delimiter(), b',');
        // A single matching name splits the same whatever the delimiter.
        let (header, rows) =
            read_all(b"name\nSmith; John\n", &Dialect::default(), &["name"]).unwrap();
        assert_eq!(header, ["name"]);
        assert_eq!(rows, vec![row(2, &["Smith; John"])]);
    }

    #[test]
    fn detection_skips_empty_leading_lines_and_respects_quotes() {
        let data = b"\r\n\"id;x\",name\n1,a\n";
        let (header, rows) = read_all(data, &Dialect::default(), &["id;x", "name"]).unwrap();
        assert_eq!(header, ["id;x", "name"]);
        assert_eq!(rows, vec![row(3, &["1", "a"])]);
    }

    #[test]
    fn rfc4180_doubled_quotes() {
        let data = b"id,name\n1,\"say \"\"hi\"\", twice\"\n";
        let (_, rows) = read_all(data, &Dialect::default(), &ID_NAME).unwrap();
        assert_eq!(rows, vec![row(2, &["1", "say \"hi\", twice"])]);
    }

    #[test]
    fn a_single_quote_char_quotes_and_double_quotes_are_text() {
        let dialect = with(&[("quote", "'")]);
        let data = b"id,name\n1,'O''Brien, Pat'\n2,\"x\"\n";
        let (_, rows) = read_all(data, &dialect, &ID_NAME).unwrap();
        assert_eq!(
            rows,
            vec![row(2, &["1", "O'Brien, Pat"]), row(3, &["2", "\"x\""])]
        );
        // With the default quote the same line splits at the comma.
        let (_, rows) = read_all(b"id,name\n1,'a,b'\n", &Dialect::default(), &ID_NAME).unwrap();
        assert_eq!(rows, vec![row(2, &["1", "'a", "b'"])]);
    }

    #[test]
    fn quote_none_reads_quotes_as_text() {
        let dialect = with(&[("quote", "none")]);
        let data = b"id,name\n1,5\" pipe\n2,\"a,b\"\n";
        let (_, rows) = read_all(data, &dialect, &ID_NAME).unwrap();
        assert_eq!(
            rows,
            vec![row(2, &["1", "5\" pipe"]), row(3, &["2", "\"a", "b\""])]
        );
    }

    #[test]
    fn null_markers_read_as_empty_when_unquoted() {
        let dialect = with(&[("null", "NULL"), ("null", "\\N")]);
        let data = b"id,name\nNULL,\\N\n1,\"NULL\"\n2,NULLS\n3,\n";
        let (_, rows) = read_all(data, &dialect, &ID_NAME).unwrap();
        assert_eq!(
            rows,
            vec![
                row(2, &["", ""]),
                row(3, &["1", "NULL"]),
                row(4, &["2", "NULLS"]),
                row(5, &["3", ""]),
            ]
        );
        // Without markers the texts stay.
        let (_, rows) = read_all(b"id,name\nNULL,\\N\n", &Dialect::default(), &ID_NAME).unwrap();
        assert_eq!(rows, vec![row(2, &["NULL", "\\N"])]);
    }

    #[test]
    fn utf8_and_a_utf8_bom() {
        let (header, rows) =
            read_all("id,name\n1,Zoë\n".as_bytes(), &Dialect::default(), &ID_NAME).unwrap();
        assert_eq!(header, ["id", "name"]);
        assert_eq!(rows, vec![row(2, &["1", "Zoë"])]);
        let bom = "\u{feff}id;name\n1;Zoë\n".as_bytes();
        let (header, rows) = read_all(bom, &Dialect::default(), &ID_NAME).unwrap();
        assert_eq!(header, ["id", "name"]);
        assert_eq!(rows, vec![row(2, &["1", "Zoë"])]);
    }

    fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
        std::iter::once(0xfeff)
            .chain(text.encode_utf16())
            .flat_map(|unit| {
                if little_endian {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn utf16_with_a_bom_is_transcoded() {
        for little_endian in [true, false] {
            let data = utf16("id\tname\r\n1\tZoë 😀\r\n2\t\"a\r\nb\"\r\n", little_endian);
            let (header, rows) = read_all(&data, &Dialect::default(), &ID_NAME).unwrap();
            assert_eq!(header, ["id", "name"], "little endian {little_endian}");
            assert_eq!(
                rows,
                vec![row(2, &["1", "Zoë 😀"]), row(3, &["2", "a\r\nb"])]
            );
        }
        // Named explicitly, a BOM-less UTF-16LE file reads too.
        let data = utf16("id,name\n1,a\n", true);
        let (_, rows) = read_all(&data[2..], &with(&[("encoding", "utf-16le")]), &ID_NAME).unwrap();
        assert_eq!(rows, vec![row(2, &["1", "a"])]);
    }

    #[test]
    fn malformed_utf16_rejects_its_record_instead_of_becoming_u_fffd() {
        let mut data = utf16("id,name\n1,a", true);
        data.extend_from_slice(&0xD800u16.to_le_bytes()); // a lone high surrogate
        data.extend(utf16("\n2,b\n", true).into_iter().skip(2));
        let mut reader = RecordReader::new(&data[..], &Dialect::default(), &ID_NAME).unwrap();
        let mut record = Record::default();
        assert!(reader.read(&mut record).unwrap());
        assert_eq!(record.line(), 2);
        assert_eq!(
            record.problem(),
            Some(&RecordProblem::MalformedUtf16 { field: 1 })
        );
        assert!(reader.read(&mut record).unwrap());
        assert_eq!(record.problem(), None, "the next record still loads");
        assert_eq!(record.fields().collect::<Vec<_>>(), [b"2".as_slice(), b"b"]);
    }

    #[test]
    fn a_header_that_is_not_utf8_is_a_file_error() {
        let error = read_all(b"\xffid,name\n1,a\n", &Dialect::default(), &ID_NAME).unwrap_err();
        assert!(matches!(error, ReadFailure::File(FileError::HeaderNotUtf8)));
    }

    #[test]
    fn invalid_utf8_in_a_field_passes_through() {
        let data = b"id,name\n1,caf\xe9\n2,b\n";
        let mut reader = RecordReader::new(&data[..], &Dialect::default(), &ID_NAME).unwrap();
        let mut record = Record::default();
        assert!(reader.read(&mut record).unwrap());
        assert_eq!(record.fields().collect::<Vec<_>>(), [&b"1"[..], b"caf\xe9"]);
        assert!(record.problem().is_none());
        assert!(reader.read(&mut record).unwrap());
        assert_eq!(record.line(), 3);
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_rejects_only_that_record() {
        let data = b"id,name\n1,ab\"c\n2,ok\n";
        let mut reader = RecordReader::new(&data[..], &Dialect::default(), &ID_NAME).unwrap();
        let mut record = Record::default();
        assert!(reader.read(&mut record).unwrap());
        assert_eq!(record.line(), 2);
        assert_eq!(
            record.problem(),
            Some(&RecordProblem::QuoteInUnquotedField {
                field: 1,
                quote: '"'
            })
        );
        assert_eq!(
            record.problem().unwrap().to_string(),
            "quote character '\"' inside unquoted field 2 (quote the whole field and double the quotes in it)"
        );
        assert_eq!(record.raw_text(), "1,ab\"c");
        assert!(reader.read(&mut record).unwrap());
        assert_eq!((record.line(), record.problem()), (3, None));
        assert_eq!(record.fields().map(text).collect::<Vec<_>>(), ["2", "ok"]);
    }

    #[test]
    fn text_after_a_closing_quote_rejects_only_that_record() {
        let data = b"id,name\r\n1,\"ab\"c\r\n2,\"ok\"\r\n";
        let (_, rows) = read_all(data, &Dialect::default(), &ID_NAME).unwrap();
        assert_eq!(
            rows,
            vec![
                row(
                    2,
                    &[
                        "PROBLEM: text after the closing quote of field 2 (a quote inside a quoted field must be doubled)"
                    ]
                ),
                row(3, &["2", "ok"]),
            ]
        );
        let mut reader = RecordReader::new(&data[..], &Dialect::default(), &ID_NAME).unwrap();
        let mut record = Record::default();
        assert!(reader.read(&mut record).unwrap());
        assert_eq!(record.raw(), b"1,\"ab\"c");
        assert_eq!(record.problem().map(RecordProblem::field), Some(1));
    }

    #[test]
    fn a_malformed_header_is_a_file_error() {
        let error = read_all(b"id,na\"me\n1,a\n", &Dialect::default(), &ID_NAME).unwrap_err();
        assert!(
            matches!(error, ReadFailure::File(FileError::BadHeader(_))),
            "{error:?}"
        );
    }

    #[test]
    fn too_many_and_too_few_fields_pass_through() {
        let data = b"id,name\n1,a,extra\n2\n";
        let (_, rows) = read_all(data, &Dialect::default(), &ID_NAME).unwrap();
        assert_eq!(rows, vec![row(2, &["1", "a", "extra"]), row(3, &["2"])]);
    }

    #[test]
    fn an_empty_input_has_no_header() {
        for data in [&b""[..], b"\n\r\n\r"] {
            let error = read_all(data, &Dialect::default(), &ID_NAME).unwrap_err();
            assert!(matches!(error, ReadFailure::File(FileError::Empty)));
        }
    }

    #[test]
    fn an_input_failure_is_an_io_error() {
        #[derive(Debug)]
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("connection reset"))
            }
        }
        let error = RecordReader::new(Failing, &Dialect::default(), &ID_NAME).unwrap_err();
        assert!(matches!(error, ReadFailure::Io(_)), "{error:?}");
    }

    #[test]
    fn the_window_stays_small() {
        let mut data = String::from("id,name\n");
        for i in 0..100_000 {
            data.push_str(&format!("{i},some name\n"));
        }
        let mut reader = RecordReader::new(data.as_bytes(), &Dialect::default(), &ID_NAME).unwrap();
        let mut record = Record::default();
        let mut count = 0;
        while reader.read(&mut record).unwrap() {
            count += 1;
            assert!(reader.csv.get_ref().buf.len() <= 3 * CHUNK);
        }
        assert_eq!((count, record.line()), (100_000, 100_001));
    }
}
