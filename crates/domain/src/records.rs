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
//!
//! # Size limits
//! A field larger than the dialect's `max_field_size` (quotes included) or
//! a record larger than its `max_record_size` (without its terminator) is
//! rejected ([`RecordProblem::FieldTooLarge`], [`RecordProblem::RecordTooLarge`])
//! with the line it starts on, and the records after it still load. Such a
//! record is never held: the `csv` crate would buffer it whole, so the
//! window it reads from (`RawWindow`) runs the same quote-aware state
//! machine over every byte it hands out and, at the first byte that would
//! take a field or the record past a limit, stops handing out bytes and
//! fails the crate's read with a marker error. The reader then streams past
//! the rest of the record itself, chunk by chunk (a line break inside
//! quotes does not end it; the lines are counted; only its first KiB is
//! kept, for the reject report, as that text plus `… (N bytes)`), and
//! resumes the crate after it with [`csv::Reader::seek_raw`], which resets
//! the crate's parser; the window's seek is a no-op that checks the
//! position. So memory is bounded by the limits (the window, the crate's
//! record and [`Record::raw`] each hold at most one record within them),
//! not by the oversized record. An oversized record whose quote is still
//! open at the end of the input is a [`FileError::UnterminatedQuote`]; an
//! oversized header is a [`FileError::HeaderTooLarge`], found without
//! reading the header to its end.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::HashSet;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::ops::Range;

use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};

use crate::catalog::normalize_name;
use crate::dialect::{ByteSize, Delimiter, Dialect, Encoding};

/// Bytes read from the (decoded) input at a time.
const CHUNK: usize = 64 * 1024;
/// How much of the header line delimiter detection looks at.
const HEADER_PEEK_LIMIT: usize = 1024 * 1024;
/// How much of an oversized record's text its reject report keeps.
const RAW_PREFIX: usize = 1024;
/// The `csv` crate's input buffer.
const CSV_BUFFER: usize = 8 * 1024;

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
    #[error("the header row is too large: {0}")]
    HeaderTooLarge(RecordProblem),
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
    #[error(
        "field {} is larger than max_field_size ({}); raise the pack's or the file's max_field_size option to load it",
        .field + 1,
        ByteSize(*.limit)
    )]
    FieldTooLarge { field: usize, limit: u64 },
    /// `field` is the one being read when the record passed the limit.
    #[error(
        "the record is larger than max_record_size ({}) at field {}; raise the pack's or the file's max_record_size option to load it",
        ByteSize(*.limit),
        .field + 1
    )]
    RecordTooLarge { field: usize, limit: u64 },
}

impl RecordProblem {
    /// The 0-based index of the field the problem is in.
    pub fn field(&self) -> usize {
        match self {
            Self::QuoteInUnquotedField { field, .. }
            | Self::TextAfterClosingQuote { field }
            | Self::MalformedUtf16 { field }
            | Self::FieldTooLarge { field, .. }
            | Self::RecordTooLarge { field, .. } => *field,
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
    /// line terminator: for the reject report. A record over a size limit
    /// has only its first KiB here, followed by `… (N bytes)`.
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
        let limits = Limits {
            field: dialect.max_field_size,
            record: dialect.max_record_size,
        };
        let mut window = RawWindow::new(decoder(dialect.encoding).build(input), limits);
        let delimiter = match dialect.delimiter.byte() {
            Some(byte) => byte,
            None => {
                let line = window.peek_line(dialect.quote, HEADER_PEEK_LIMIT)?;
                detect_delimiter(line, dialect.quote, expected_columns)
            }
        };
        let check = Check {
            delimiter,
            quote: dialect.quote,
        };
        window.check = check;
        // The default terminator, CRLF, ends a record at any of CR, LF, CRLF.
        let csv = csv::ReaderBuilder::new()
            .buffer_capacity(CSV_BUFFER)
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
            check,
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
        match self.read_raw(record)? {
            Raw::End => return Ok(false),
            Raw::Record => {}
            Raw::OverLimit(problem) => {
                self.skip_oversized(record, problem)?;
                return Ok(true);
            }
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
        match self.read_raw(&mut record)? {
            Raw::End => return Err(FileError::Empty.into()),
            Raw::OverLimit(problem) => return Err(FileError::HeaderTooLarge(problem).into()),
            Raw::Record => {}
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
    /// raw bytes; or the size limit the next record passes, before the crate
    /// has buffered more than the limit of it.
    fn read_raw(&mut self, record: &mut Record) -> Result<Raw, ReadFailure> {
        match self.csv.read_byte_record(&mut record.fields) {
            Ok(true) => {}
            Ok(false) => return Ok(Raw::End),
            Err(error) => {
                return match self.csv.get_mut().tripped.take() {
                    Some(problem) => Ok(Raw::OverLimit(problem)),
                    None => Err(csv_failure(error)),
                };
            }
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
        Ok(Raw::Record)
    }

    /// Makes `record` the rejected oversized record the window stopped at:
    /// streams past the rest of it and resumes the `csv` crate after it.
    fn skip_oversized(
        &mut self,
        record: &mut Record,
        problem: RecordProblem,
    ) -> Result<(), ReadFailure> {
        record.fields.clear();
        record.null.clear();
        let window = self.csv.get_mut();
        let (line, size) = window.skip_record(&mut self.lines, &mut record.raw)?;
        let resume = window.position();
        let mut position = csv::Position::new();
        position.set_byte(resume);
        // Resets the crate's parser (it stopped inside the record) and its
        // end-of-input state (the marker error set it).
        self.csv
            .seek_raw(SeekFrom::Start(resume), position)
            .map_err(csv_failure)?;
        record.line = line;
        record.problem = Some(problem);
        record.raw.truncate(utf8_prefix_len(&record.raw));
        record
            .raw
            .extend_from_slice(format!("… ({size} bytes)").as_bytes());
        Ok(())
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

/// What [`RecordReader::read_raw`] found.
#[derive(Debug)]
enum Raw {
    End,
    Record,
    /// The next record passes a size limit; the crate holds part of it.
    OverLimit(RecordProblem),
}

/// The length of `bytes` without a UTF-8 sequence cut off at its end.
fn utf8_prefix_len(bytes: &[u8]) -> usize {
    let len = bytes.len();
    // The last byte that starts a sequence, among the last four.
    for back in 1..=len.min(4) {
        let byte = bytes[len - back];
        if byte & 0xC0 != 0x80 {
            let needed = match byte {
                0x00..=0x7F => 1,
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => return len,
            };
            return if needed > back { len - back } else { len };
        }
    }
    len
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

/// Where [`Check::next`] is within a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    /// Line ends before the record (the rest of a CRLF, empty lines).
    #[default]
    Leading,
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: doubled, or the closing one.
    QuoteInQuoted,
    /// On the record's terminator (its first byte).
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
    /// The state after `byte`. After [`State::Done`] the next record may
    /// start, as after [`State::Leading`].
    fn next(self, state: State, byte: u8) -> State {
        let line_end = byte == b'\r' || byte == b'\n';
        let quote = Some(byte) == self.quote;
        match state {
            State::Leading | State::Done if line_end => State::Leading,
            State::Quoted if quote => State::QuoteInQuoted,
            State::Quoted => State::Quoted,
            _ if line_end => State::Done,
            State::Leading | State::Done | State::FieldStart if quote => State::Quoted,
            State::QuoteInQuoted if quote => State::Quoted,
            _ if byte == self.delimiter => State::FieldStart,
            // A quote in an unquoted field, or text after a closing quote,
            // is text (the crate keeps it; `scan` rejects the record).
            _ => State::Unquoted,
        }
    }

    /// Scans `bytes`, which the `csv` crate consumed for exactly one record
    /// (leading line ends, the record, its terminator's first byte).
    fn scan(self, bytes: &[u8], lines: &mut Lines, scan: &mut Scan) {
        scan.quoted.clear();
        scan.problem = None;
        scan.open_quote = None;
        scan.line = lines.line;
        scan.text = bytes.len()..bytes.len();
        let mut frame = Frame::default();
        let mut open_line = 0;
        for (i, &byte) in bytes.iter().enumerate() {
            let old = frame.state;
            if old != State::Done {
                frame.step(self, byte);
                let new = frame.state;
                if old == State::Leading && new != State::Leading {
                    scan.line = lines.line;
                    scan.text.start = i;
                    scan.quoted.push(false);
                }
                match new {
                    State::Done => scan.text.end = i,
                    State::FieldStart => scan.quoted.push(false),
                    State::Quoted if matches!(old, State::Leading | State::FieldStart) => {
                        if let Some(quoted) = scan.quoted.last_mut() {
                            *quoted = true;
                        }
                        open_line = lines.line;
                    }
                    State::Unquoted if old == State::QuoteInQuoted => {
                        scan.problem
                            .get_or_insert(RecordProblem::TextAfterClosingQuote {
                                field: frame.field,
                            });
                    }
                    State::Unquoted if Some(byte) == self.quote => {
                        scan.problem
                            .get_or_insert(RecordProblem::QuoteInUnquotedField {
                                field: frame.field,
                                quote: char::from(byte),
                            });
                    }
                    _ => {}
                }
            }
            lines.step(byte);
        }
        // The crate ends a record inside quotes only at the end of the input.
        if frame.state == State::Quoted {
            scan.open_quote = Some(open_line);
        }
    }
}

/// A record's progress through [`Check::next`], with its sizes so far.
#[derive(Debug, Clone, Copy, Default)]
struct Frame {
    state: State,
    /// The 0-based index of the field being read.
    field: usize,
    /// The bytes of that field so far, quotes included.
    field_len: u64,
    /// The bytes of the record so far, without leading line ends.
    record_len: u64,
}

impl Frame {
    fn step(&mut self, check: Check, byte: u8) {
        let old = self.state;
        self.state = check.next(old, byte);
        match self.state {
            State::Leading | State::Done => {}
            new => {
                if matches!(old, State::Leading | State::Done) {
                    self.field = 0;
                    self.field_len = 0;
                    self.record_len = 0;
                }
                self.record_len += 1;
                if new == State::FieldStart {
                    self.field += 1;
                    self.field_len = 0;
                } else {
                    self.field_len += 1;
                }
            }
        }
    }
}

/// The dialect's size limits, in bytes.
#[derive(Debug, Clone, Copy)]
struct Limits {
    field: u64,
    record: u64,
}

impl Limits {
    /// The limit `frame` is past, if any.
    fn exceeded(self, frame: &Frame) -> Option<RecordProblem> {
        if matches!(frame.state, State::Leading | State::Done) {
            None
        } else if frame.field_len > self.field {
            Some(RecordProblem::FieldTooLarge {
                field: frame.field,
                limit: self.field,
            })
        } else if frame.record_len > self.record {
            Some(RecordProblem::RecordTooLarge {
                field: frame.field,
                limit: self.record,
            })
        } else {
            None
        }
    }
}

/// The input as the `csv` crate reads it, keeping every byte handed out
/// since the last finished record, so that record's raw bytes can be
/// checked and reported. Holds at most a record plus two chunks: it hands
/// out no byte that takes a record past a size limit (see the module doc).
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
    /// The dialect; the delimiter is set once known.
    check: Check,
    limits: Limits,
    /// Where the bytes handed out so far leave the state machine.
    frame: Frame,
    /// The limit the next byte would pass: reads fail until the record is
    /// skipped.
    tripped: Option<RecordProblem>,
}

impl<R: Read> RawWindow<R> {
    fn new(inner: R, limits: Limits) -> Self {
        Self {
            inner,
            buf: Vec::new(),
            served: 0,
            released: 0,
            base: 0,
            check: Check {
                delimiter: b',',
                quote: Some(b'"'),
            },
            limits,
            frame: Frame::default(),
            tripped: None,
        }
    }

    /// The input offset of the next byte to hand out.
    fn position(&self) -> u64 {
        self.base + self.served as u64
    }

    /// Streams past the record the window stopped in (over a size limit),
    /// from the end of the last finished record to the record's terminator
    /// or the end of the input, counting its lines and keeping the first
    /// [`RAW_PREFIX`] bytes of its text in `raw`; the bytes read are
    /// dropped as it goes. Returns the line it starts on and its size.
    fn skip_record(
        &mut self,
        lines: &mut Lines,
        raw: &mut Vec<u8>,
    ) -> Result<(u64, u64), ReadFailure> {
        raw.clear();
        let check = self.check;
        let mut frame = Frame::default();
        let mut start_line = lines.line;
        let mut open_line = 0;
        let mut pos = self.released;
        loop {
            while let Some(&byte) = self.buf.get(pos) {
                let old = frame.state;
                // Inside a field, only a quote, a delimiter or a line end
                // can change anything: run over the rest at once.
                if old == State::Unquoted || old == State::Quoted {
                    let run = plain_run(&self.buf[pos..], check, old);
                    if run > 0 {
                        let room = RAW_PREFIX.saturating_sub(raw.len()).min(run);
                        raw.extend_from_slice(&self.buf[pos..pos + room]);
                        frame.field_len += run as u64;
                        frame.record_len += run as u64;
                        lines.after_cr = false;
                        pos += run;
                        continue;
                    }
                }
                frame.step(check, byte);
                pos += 1;
                match frame.state {
                    State::Leading => {}
                    State::Done => {
                        lines.step(byte);
                        self.resume_at(pos);
                        return Ok((start_line, frame.record_len));
                    }
                    new => {
                        if old == State::Leading {
                            start_line = lines.line;
                        }
                        if new == State::Quoted && matches!(old, State::Leading | State::FieldStart)
                        {
                            open_line = lines.line;
                        }
                        if raw.len() < RAW_PREFIX {
                            raw.push(byte);
                        }
                    }
                }
                lines.step(byte);
            }
            // All of the buffer is behind: drop it.
            self.resume_at(pos);
            pos = 0;
            if self.fill()? == 0 {
                break;
            }
        }
        if frame.state == State::Quoted {
            return Err(FileError::UnterminatedQuote { line: open_line }.into());
        }
        Ok((start_line, frame.record_len))
    }

    /// Drops `buf[..pos]`, the end of a skipped record: the next byte to
    /// hand out starts a record.
    fn resume_at(&mut self, pos: usize) {
        self.served = pos;
        self.released = pos;
        self.compact();
        self.frame = Frame::default();
        self.tripped = None;
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

/// How many bytes from the start of `bytes` leave `state` (inside an
/// unquoted or a quoted field) as it is: no quote, line end, or (unquoted)
/// delimiter among them.
fn plain_run(bytes: &[u8], check: Check, state: State) -> usize {
    let quote = check.quote.unwrap_or(b'\n');
    let delimiter = if state == State::Quoted {
        b'\n'
    } else {
        check.delimiter
    };
    bytes
        .iter()
        .position(|&b| b == b'\n' || b == b'\r' || b == quote || b == delimiter)
        .unwrap_or(bytes.len())
}

/// The marker error a read over a size limit fails with.
fn over_limit() -> io::Error {
    io::Error::other("the record is over a size limit")
}

impl<R: Read> Read for RawWindow<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.tripped.is_some() {
            return Err(over_limit());
        }
        if self.served == self.buf.len() {
            self.compact();
            if self.fill()? == 0 {
                return Ok(0);
            }
        }
        let end = self.buf.len().min(self.served + out.len());
        let mut n = 0;
        for &byte in &self.buf[self.served..end] {
            let mut next = self.frame;
            next.step(self.check, byte);
            if let Some(problem) = self.limits.exceeded(&next) {
                if n == 0 {
                    self.tripped = Some(problem);
                    return Err(over_limit());
                }
                break;
            }
            self.frame = next;
            n += 1;
        }
        out[..n].copy_from_slice(&self.buf[self.served..self.served + n]);
        self.served += n;
        Ok(n)
    }
}

/// Only where the window is: [`RecordReader::skip_oversized`] resumes the
/// `csv` crate there, after the window skipped a record itself.
impl<R: Read> Seek for RawWindow<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let here = self.position();
        match to {
            SeekFrom::Start(offset) if offset == here => Ok(here),
            SeekFrom::Current(0) => Ok(here),
            _ => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "the record window seeks only to where it is",
            )),
        }
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

    fn problem(line: u64, problem: &RecordProblem) -> (u64, Vec<String>) {
        (line, vec![format!("PROBLEM: {problem}")])
    }

    #[test]
    fn a_field_at_max_field_size_loads_and_one_byte_more_is_rejected() {
        let dialect = with(&[("max_field_size", "10")]);
        // Quotes count: "abcdefgh" is 10 bytes.
        let data = b"id,name\n1,xxxxxxxxxx\n2,xxxxxxxxxxx\n3,\"abcdefgh\"\n4,\"abcdefghi\"\n5,e\n";
        let (_, rows) = read_all(data, &dialect, &ID_NAME).unwrap();
        let over = RecordProblem::FieldTooLarge {
            field: 1,
            limit: 10,
        };
        assert_eq!(
            rows,
            vec![
                row(2, &["1", "xxxxxxxxxx"]),
                problem(3, &over),
                row(4, &["3", "abcdefgh"]),
                problem(5, &over),
                row(6, &["5", "e"]),
            ]
        );
        assert_eq!(
            over.to_string(),
            "field 2 is larger than max_field_size (10 bytes); raise the pack's or the file's max_field_size option to load it"
        );
        let mut reader = RecordReader::new(&data[..], &dialect, &ID_NAME).unwrap();
        let mut record = Record::default();
        assert!(reader.read(&mut record).unwrap());
        assert!(reader.read(&mut record).unwrap());
        assert_eq!(record.problem().map(RecordProblem::field), Some(1));
        assert_eq!(record.raw_text(), "2,xxxxxxxxxxx… (13 bytes)");
        assert_eq!(record.len(), 0);
    }

    #[test]
    fn a_record_over_max_record_size_is_rejected_naming_the_field_it_passed_the_limit_in() {
        let dialect = with(&[("max_record_size", "10")]);
        let data = b"id,name\r\n1,23,45,67\r\n1,23,45,678\r\n2,b\r\n";
        let (_, rows) = read_all(data, &dialect, &ID_NAME).unwrap();
        let over = RecordProblem::RecordTooLarge {
            field: 3,
            limit: 10,
        };
        assert_eq!(
            rows,
            vec![
                row(2, &["1", "23", "45", "67"]),
                problem(3, &over),
                row(4, &["2", "b"]),
            ]
        );
        assert_eq!(
            over.to_string(),
            "the record is larger than max_record_size (10 bytes) at field 4; raise the pack's or the file's max_record_size option to load it"
        );
    }

    #[test]
    fn an_oversized_quoted_field_with_line_breaks_is_skipped_to_its_closing_quote() {
        let dialect = with(&[("max_field_size", "16")]);
        let data = b"id,name\r\n1,ok\r\n2,\"line one\r\nline two, still\r\n\"\"quoted\"\"\rend\"\r\n\r\n3,\"c\r\nd\"\r\n4,e";
        let expected = vec![
            row(2, &["1", "ok"]),
            problem(
                3,
                &RecordProblem::FieldTooLarge {
                    field: 1,
                    limit: 16,
                },
            ),
            row(8, &["3", "c\r\nd"]),
            row(10, &["4", "e"]),
        ];
        let (_, rows) = read_all(data, &dialect, &ID_NAME).unwrap();
        assert_eq!(rows, expected);
        let (_, rows) = read_from(OneByte(&data[..]), &dialect, &ID_NAME).unwrap();
        assert_eq!(rows, expected, "one byte at a time");
        // The reject text keeps the line breaks of what it shows.
        let mut reader = RecordReader::new(&data[..], &dialect, &ID_NAME).unwrap();
        let mut record = Record::default();
        assert!(reader.read(&mut record).unwrap());
        assert!(reader.read(&mut record).unwrap());
        assert_eq!(
            record.raw_text(),
            "2,\"line one\r\nline two, still\r\n\"\"quoted\"\"\rend\"… (45 bytes)"
        );
    }

    #[test]
    fn an_oversized_record_at_the_end_of_the_input_without_a_line_break() {
        let dialect = with(&[("max_field_size", "8")]);
        let data = b"id,name\n1,a\n2,\"long\nquoted text\"";
        let (_, rows) = read_all(data, &dialect, &ID_NAME).unwrap();
        let over = RecordProblem::FieldTooLarge { field: 1, limit: 8 };
        assert_eq!(rows, vec![row(2, &["1", "a"]), problem(3, &over)]);
        let (_, rows) = read_all(b"id,name\n1,a\n2,unquoted text", &dialect, &ID_NAME).unwrap();
        assert_eq!(rows, vec![row(2, &["1", "a"]), problem(3, &over)]);
        // Still open at the end, it would have swallowed the rest of the file.
        let data = b"id,name\n1,a\n2,\"long\nquoted text\n3,c\n";
        let error = read_all(data, &dialect, &ID_NAME).unwrap_err();
        assert!(
            matches!(
                error,
                ReadFailure::File(FileError::UnterminatedQuote { line: 3 })
            ),
            "{error:?}"
        );
    }

    #[test]
    fn an_oversized_header_is_a_file_error() {
        let dialect = with(&[("max_field_size", "4")]);
        let error = read_all(b"id,name_too_long\n1,a\n", &dialect, &ID_NAME).unwrap_err();
        assert!(
            matches!(
                error,
                ReadFailure::File(FileError::HeaderTooLarge(RecordProblem::FieldTooLarge {
                    field: 1,
                    limit: 4
                }))
            ),
            "{error:?}"
        );
        assert!(error.to_string().starts_with(
            "the header row is too large: field 2 is larger than max_field_size (4 bytes)"
        ));
        let dialect = with(&[("max_record_size", "6")]);
        let error = read_all(b"id,name\n1,a\n", &dialect, &ID_NAME).unwrap_err();
        assert!(
            matches!(
                error,
                ReadFailure::File(FileError::HeaderTooLarge(RecordProblem::RecordTooLarge {
                    field: 1,
                    limit: 6
                }))
            ),
            "{error:?}"
        );
    }

    #[test]
    fn the_reject_text_of_an_oversized_record_is_its_first_kib_cut_at_a_character() {
        let dialect = with(&[("max_field_size", "100")]);
        let mut data = String::from("id,name\n12,");
        data.push_str(&"é".repeat(5000));
        data.push_str("\n3,c\n");
        let mut reader = RecordReader::new(data.as_bytes(), &dialect, &ID_NAME).unwrap();
        let mut record = Record::default();
        assert!(reader.read(&mut record).unwrap());
        // "12," and 510 "é" are 1023 bytes: the 511th "é" would end past 1024.
        let expected = format!("12,{}… (10003 bytes)", "é".repeat(510));
        assert_eq!(record.raw_text(), expected);
        assert!(reader.read(&mut record).unwrap());
        assert_eq!((record.line(), record.problem()), (3, None));
    }

    /// A header, a record whose one field is `body` bytes (x's, a line
    /// break every 64 KiB) produced on the fly, then two small records.
    struct Generated {
        head: &'static [u8],
        body_at: u64,
        body: u64,
        tail: &'static [u8],
    }

    const BLOCK_LEN: usize = 64 * 1024;
    static BLOCK: [u8; BLOCK_LEN] = {
        let mut block = [b'x'; BLOCK_LEN];
        block[BLOCK_LEN - 1] = b'\n';
        block
    };

    impl Read for Generated {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let source: &[u8] = if !self.head.is_empty() {
                self.head
            } else if self.body_at < self.body {
                let at = (self.body_at % BLOCK_LEN as u64) as usize;
                let left = self.body - self.body_at;
                &BLOCK[at..BLOCK_LEN.min(at + usize::try_from(left).unwrap_or(usize::MAX))]
            } else {
                self.tail
            };
            let n = out.len().min(source.len());
            out[..n].copy_from_slice(&source[..n]);
            if !self.head.is_empty() {
                self.head = &self.head[n..];
            } else if self.body_at < self.body {
                self.body_at += n as u64;
            } else {
                self.tail = &self.tail[n..];
            }
            Ok(n)
        }
    }

    /// The resident set size of this process, from /proc/self/statm.
    fn resident_bytes() -> u64 {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
        let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
        pages * 4096
    }

    const MEMORY_TEST: &str =
        "records::tests::a_1_gib_field_is_rejected_in_bounded_memory_and_the_records_after_it_load";
    const MEMORY_TEST_CHILD: &str = "STARLIFT_RECORDS_MEMORY_TEST_CHILD";

    /// Runs in a child process of its own (this test binary, only this
    /// test), so other tests' allocations do not count in its resident set.
    #[test]
    fn a_1_gib_field_is_rejected_in_bounded_memory_and_the_records_after_it_load() {
        if std::env::var_os(MEMORY_TEST_CHILD).is_some() {
            return one_gib_field_in_bounded_memory();
        }
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([MEMORY_TEST, "--exact", "--nocapture", "--test-threads", "1"])
            .env(MEMORY_TEST_CHILD, "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        println!("{stdout}");
        assert!(output.status.success(), "{stdout}\n{stderr}");
        assert!(stdout.contains("1 passed"), "{stdout}");
    }

    fn one_gib_field_in_bounded_memory() {
        const GIB: u64 = 1 << 30;
        let dialect = with(&[("max_field_size", "1MiB"), ("max_record_size", "2MiB")]);
        let input = Generated {
            head: b"id,name\n1,\"",
            body_at: 0,
            body: GIB,
            tail: b"\"\n2,b\n3,c\n",
        };
        let before = resident_bytes();
        let started = std::time::Instant::now();
        let mut reader = RecordReader::new(input, &dialect, &ID_NAME).unwrap();
        let mut record = Record::default();
        assert!(reader.read(&mut record).unwrap());
        let grown = resident_bytes().saturating_sub(before);
        let window = reader.csv.get_ref().buf.capacity();
        println!(
            "1 GiB field skipped in {:?}; resident set grew {} KiB; window capacity {} KiB",
            started.elapsed(),
            grown / 1024,
            window / 1024
        );
        assert_eq!(record.line(), 2);
        assert_eq!(
            record.problem(),
            Some(&RecordProblem::FieldTooLarge {
                field: 1,
                limit: 1 << 20
            })
        );
        let raw = record.raw_text();
        assert!(
            raw.ends_with(&format!("… ({} bytes)", GIB + 4)),
            "{raw:.40}"
        );
        assert!(record.raw().len() < RAW_PREFIX + 32);
        assert!(window <= 4 << 20, "window capacity {window}");
        assert!(grown < 64 << 20, "resident set grew {grown} bytes");
        // A line break every 64 KiB inside the quotes: 16 384 lines.
        let lines = GIB / BLOCK_LEN as u64;
        assert!(reader.read(&mut record).unwrap());
        assert_eq!(record.problem(), None);
        assert_eq!(record.line(), 3 + lines);
        assert_eq!(record.fields().map(text).collect::<Vec<_>>(), ["2", "b"]);
        assert!(reader.read(&mut record).unwrap());
        assert_eq!(record.line(), 4 + lines);
        assert!(!reader.read(&mut record).unwrap());
    }
}
