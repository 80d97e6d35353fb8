//! PostgreSQL's binary COPY format, decoded row by row into Arrow builders.
//!
//! The stream is a header (`PGCOPY\n\xff\r\n\0`, flags, extension), then per
//! row a 16-bit field count and per field a 32-bit length (-1: NULL) and
//! the value in the type's binary send format; a field count of -1 ends it.
//! Chunks may split rows anywhere: [`CopyDecoder::feed`] keeps the tail.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Decimal128Builder, Float32Builder, Float64Builder, Int16Builder,
    Int32Builder, Int64Builder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::Schema;
use bytes::{Buf, BytesMut};

use crate::columns::{Column, Kind, arrow_schema};

const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";
/// Days from 1970-01-01 (Arrow) to 2000-01-01 (PostgreSQL).
const PG_EPOCH_DAYS: i32 = 10_957;
const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;
/// 9999-12-31 and 0001-01-01, for PostgreSQL's `infinity` and `-infinity`.
const MAX_DAYS: i32 = 2_932_896;
const MIN_DAYS: i32 = -719_162;
const MAX_MICROS: i64 = 253_402_300_799_999_999;
const MIN_MICROS: i64 = -62_135_596_800_000_000;

/// A value the decoder cannot place.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

/// One column's builder.
#[derive(Debug)]
enum Builder {
    Bool(BooleanBuilder),
    Int16(Int16Builder),
    Int32(Int32Builder),
    Int64(Int64Builder),
    Float32(Float32Builder),
    Float64(Float64Builder),
    Decimal(Decimal128Builder, u8, i8),
    Utf8(StringBuilder),
    Uuid(StringBuilder),
    Date(Date32Builder),
    Timestamp(TimestampMicrosecondBuilder),
}

impl Builder {
    fn new(kind: Kind) -> Self {
        match kind {
            Kind::Bool => Self::Bool(BooleanBuilder::new()),
            Kind::Int16 => Self::Int16(Int16Builder::new()),
            Kind::Int32 => Self::Int32(Int32Builder::new()),
            Kind::Int64 => Self::Int64(Int64Builder::new()),
            Kind::Float32 => Self::Float32(Float32Builder::new()),
            Kind::Float64 => Self::Float64(Float64Builder::new()),
            Kind::Decimal { precision, scale } => Self::Decimal(
                Decimal128Builder::new()
                    .with_data_type(arrow_schema::DataType::Decimal128(precision, scale)),
                precision,
                scale,
            ),
            Kind::Utf8 => Self::Utf8(StringBuilder::new()),
            Kind::Uuid => Self::Uuid(StringBuilder::new()),
            Kind::Date => Self::Date(Date32Builder::new()),
            Kind::Timestamp => Self::Timestamp(TimestampMicrosecondBuilder::new()),
            Kind::TimestampUtc => {
                Self::Timestamp(TimestampMicrosecondBuilder::new().with_timezone("UTC"))
            }
        }
    }

    fn append_null(&mut self) {
        match self {
            Self::Bool(b) => b.append_null(),
            Self::Int16(b) => b.append_null(),
            Self::Int32(b) => b.append_null(),
            Self::Int64(b) => b.append_null(),
            Self::Float32(b) => b.append_null(),
            Self::Float64(b) => b.append_null(),
            Self::Decimal(b, ..) => b.append_null(),
            Self::Utf8(b) | Self::Uuid(b) => b.append_null(),
            Self::Date(b) => b.append_null(),
            Self::Timestamp(b) => b.append_null(),
        }
    }

    fn append(&mut self, v: &[u8]) -> Result<(), DecodeError> {
        match self {
            Self::Bool(b) => b.append_value(fixed::<1>(v)?[0] != 0),
            Self::Int16(b) => b.append_value(i16::from_be_bytes(fixed(v)?)),
            Self::Int32(b) => b.append_value(i32::from_be_bytes(fixed(v)?)),
            Self::Int64(b) => b.append_value(i64::from_be_bytes(fixed(v)?)),
            Self::Float32(b) => b.append_value(f32::from_be_bytes(fixed(v)?)),
            Self::Float64(b) => b.append_value(f64::from_be_bytes(fixed(v)?)),
            Self::Decimal(b, precision, scale) => {
                let value = numeric(v, *scale)?;
                if value.unsigned_abs() >= 10_u128.pow(u32::from(*precision)) {
                    return Err(DecodeError(format!(
                        "a numeric value does not fit decimal({precision},{scale})"
                    )));
                }
                b.append_value(value);
            }
            Self::Utf8(b) => b.append_value(
                std::str::from_utf8(v).map_err(|e| DecodeError(format!("text: {e}")))?,
            ),
            Self::Uuid(b) => b.append_value(uuid_text(&fixed::<16>(v)?)),
            Self::Date(b) => b.append_value(match i32::from_be_bytes(fixed(v)?) {
                i32::MAX => MAX_DAYS,
                i32::MIN => MIN_DAYS,
                days => days + PG_EPOCH_DAYS,
            }),
            Self::Timestamp(b) => b.append_value(match i64::from_be_bytes(fixed(v)?) {
                i64::MAX => MAX_MICROS,
                i64::MIN => MIN_MICROS,
                micros => micros + PG_EPOCH_MICROS,
            }),
        }
        Ok(())
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Self::Bool(b) => Arc::new(b.finish()),
            Self::Int16(b) => Arc::new(b.finish()),
            Self::Int32(b) => Arc::new(b.finish()),
            Self::Int64(b) => Arc::new(b.finish()),
            Self::Float32(b) => Arc::new(b.finish()),
            Self::Float64(b) => Arc::new(b.finish()),
            Self::Decimal(b, ..) => Arc::new(b.finish()),
            Self::Utf8(b) | Self::Uuid(b) => Arc::new(b.finish()),
            Self::Date(b) => Arc::new(b.finish()),
            Self::Timestamp(b) => Arc::new(b.finish()),
        }
    }
}

fn fixed<const N: usize>(v: &[u8]) -> Result<[u8; N], DecodeError> {
    v.try_into()
        .map_err(|_| DecodeError(format!("a {N}-byte value has {} bytes", v.len())))
}

/// PostgreSQL's binary numeric (base-10000 digits) as an integer scaled by
/// 10^`scale`; exact or an error.
fn numeric(v: &[u8], scale: i8) -> Result<i128, DecodeError> {
    let bad = |what: &str| DecodeError(format!("numeric: {what}"));
    if v.len() < 8 {
        return Err(bad("short header"));
    }
    let ndigits = usize::from(u16::from_be_bytes([v[0], v[1]]));
    let weight = i32::from(i16::from_be_bytes([v[2], v[3]]));
    let sign = u16::from_be_bytes([v[4], v[5]]);
    if v.len() != 8 + 2 * ndigits {
        return Err(bad("length"));
    }
    if sign != 0 && sign != 0x4000 {
        return Err(bad("NaN or infinity has no decimal value"));
    }
    let overflow = || bad("too many digits for a 128-bit decimal");
    let mut acc: i128 = 0;
    for i in 0..ndigits {
        let digit = i128::from(i16::from_be_bytes([v[8 + 2 * i], v[9 + 2 * i]]));
        acc = acc
            .checked_mul(10_000)
            .and_then(|a| a.checked_add(digit))
            .ok_or_else(overflow)?;
    }
    // acc = value * 10^exponent.
    let exponent = 4 * (i32::try_from(ndigits).map_err(|_| overflow())? - 1 - weight);
    let scale = i32::from(scale);
    let value = if ndigits == 0 {
        0
    } else if scale >= exponent {
        let factor = 10_i128
            .checked_pow(u32::try_from(scale - exponent).map_err(|_| overflow())?)
            .ok_or_else(overflow)?;
        acc.checked_mul(factor).ok_or_else(overflow)?
    } else {
        let divisor = 10_i128
            .checked_pow(u32::try_from(exponent - scale).map_err(|_| overflow())?)
            .ok_or_else(overflow)?;
        if acc % divisor != 0 {
            return Err(bad("more decimals than the column's scale"));
        }
        acc / divisor
    };
    Ok(if sign == 0x4000 { -value } else { value })
}

fn uuid_text(b: &[u8; 16]) -> String {
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// A row's partition: (year, month).
pub type Partition = (i32, i32);

/// Decodes one COPY stream. With `partitioned`, each row carries two more
/// int4 fields, its year and month, which are not columns of the file.
#[derive(Debug)]
pub struct CopyDecoder {
    schema: Arc<Schema>,
    builders: Vec<Builder>,
    partitioned: bool,
    buffer: BytesMut,
    header_done: bool,
    ended: bool,
    rows: usize,
    /// The partition of the rows in the builders.
    partition: Option<Partition>,
}

/// What one complete row in the buffer holds, found before decoding it.
enum Next {
    /// Not all of it has arrived.
    Incomplete,
    End,
    Row(Option<Partition>),
}

impl CopyDecoder {
    pub fn new(columns: &[Column], partitioned: bool) -> Self {
        Self {
            schema: arrow_schema(columns),
            builders: columns.iter().map(|c| Builder::new(c.kind)).collect(),
            partitioned,
            buffer: BytesMut::new(),
            header_done: false,
            ended: false,
            rows: 0,
            partition: None,
        }
    }

    /// Rows in the builders (not yet taken by [`CopyDecoder::take_batch`]).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The partition of the rows in the builders.
    pub fn partition(&self) -> Option<Partition> {
        self.partition
    }

    pub fn feed(&mut self, chunk: &[u8]) {
        self.buffer.extend_from_slice(chunk);
    }

    /// Whether the trailer was read.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// Decodes the next complete row into the builders, unless its
    /// partition differs from theirs. `Ok(Step::…)` says what happened.
    pub fn step(&mut self) -> Result<Step, DecodeError> {
        if !self.header_done {
            if self.buffer.len() < SIGNATURE.len() + 8 {
                return Ok(Step::NeedMore);
            }
            if &self.buffer[..SIGNATURE.len()] != SIGNATURE {
                return Err(DecodeError("not a binary COPY stream".into()));
            }
            let extension = read_i32(&self.buffer[SIGNATURE.len() + 4..]);
            let extension = usize::try_from(extension)
                .map_err(|_| DecodeError("bad header extension".into()))?;
            if self.buffer.len() < SIGNATURE.len() + 8 + extension {
                return Ok(Step::NeedMore);
            }
            self.buffer.advance(SIGNATURE.len() + 8 + extension);
            self.header_done = true;
        }
        match self.scan()? {
            Next::Incomplete => Ok(Step::NeedMore),
            Next::End => {
                self.buffer.advance(2);
                self.ended = true;
                Ok(Step::End)
            }
            Next::Row(partition) => {
                if self.rows > 0 && partition != self.partition {
                    return Ok(Step::NewPartition);
                }
                self.partition = partition;
                self.decode_row()?;
                self.rows += 1;
                Ok(Step::Row)
            }
        }
    }

    /// Checks that the buffer holds a whole row and reads its partition.
    fn scan(&self) -> Result<Next, DecodeError> {
        let b = &self.buffer[..];
        if b.len() < 2 {
            return Ok(Next::Incomplete);
        }
        let fields = i16::from_be_bytes([b[0], b[1]]);
        if fields == -1 {
            return Ok(Next::End);
        }
        let expected = self.builders.len() + if self.partitioned { 2 } else { 0 };
        if usize::try_from(fields).ok() != Some(expected) {
            return Err(DecodeError(format!(
                "a row has {fields} fields, expected {expected}"
            )));
        }
        let mut at = 2;
        let mut extra = Vec::with_capacity(2);
        for i in 0..expected {
            if b.len() < at + 4 {
                return Ok(Next::Incomplete);
            }
            let len = read_i32(&b[at..]);
            at += 4;
            let Ok(len) = usize::try_from(len) else {
                if i >= self.builders.len() {
                    extra.push(None);
                }
                continue;
            };
            if b.len() < at + len {
                return Ok(Next::Incomplete);
            }
            if i >= self.builders.len() {
                extra.push(Some(i32::from_be_bytes(fixed(&b[at..at + len])?)));
            }
            at += len;
        }
        Ok(Next::Row(match extra[..] {
            [Some(year), Some(month)] => Some((year, month)),
            [] => None,
            _ => {
                return Err(DecodeError(
                    "a row has no partition date (NULL): it cannot be placed".into(),
                ));
            }
        }))
    }

    /// Appends the (complete) row at the front of the buffer.
    fn decode_row(&mut self) -> Result<(), DecodeError> {
        self.buffer.advance(2);
        let total = self.builders.len() + if self.partitioned { 2 } else { 0 };
        for i in 0..total {
            let len = self.buffer.get_i32();
            let Ok(len) = usize::try_from(len) else {
                if let Some(builder) = self.builders.get_mut(i) {
                    builder.append_null();
                }
                continue;
            };
            let value = self.buffer.split_to(len);
            if let Some(builder) = self.builders.get_mut(i) {
                builder.append(&value).map_err(|e| {
                    DecodeError(format!("column {}: {e}", self.schema.field(i).name()))
                })?;
            }
        }
        Ok(())
    }

    /// The decoded rows as a record batch; the builders start over.
    pub fn take_batch(&mut self) -> Result<RecordBatch, arrow_schema::ArrowError> {
        let arrays = self.builders.iter_mut().map(Builder::finish).collect();
        self.rows = 0;
        RecordBatch::try_new(self.schema.clone(), arrays)
    }
}

/// What [`CopyDecoder::step`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A row was decoded.
    Row,
    /// The next row belongs to another partition: take the batch first.
    NewPartition,
    /// The buffer holds no complete row.
    NeedMore,
    /// The trailer: the stream is complete.
    End,
}

fn read_i32(b: &[u8]) -> i32 {
    i32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric_bytes(weight: i16, negative: bool, digits: &[i16]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&(digits.len() as u16).to_be_bytes());
        v.extend_from_slice(&weight.to_be_bytes());
        v.extend_from_slice(&(if negative { 0x4000_u16 } else { 0 }).to_be_bytes());
        v.extend_from_slice(&2_u16.to_be_bytes());
        for d in digits {
            v.extend_from_slice(&d.to_be_bytes());
        }
        v
    }

    #[test]
    fn numerics_are_exact() {
        // 1234.56 = 1234 | 5600 (weight 0)
        assert_eq!(
            numeric(&numeric_bytes(0, false, &[1234, 5600]), 2).unwrap(),
            123_456
        );
        // -0.99 = 9900 at weight -1
        assert_eq!(numeric(&numeric_bytes(-1, true, &[9900]), 2).unwrap(), -99);
        // 10000 = 1 at weight 1
        assert_eq!(
            numeric(&numeric_bytes(1, false, &[1]), 2).unwrap(),
            1_000_000
        );
        // zero has no digits
        assert_eq!(numeric(&numeric_bytes(0, false, &[]), 2).unwrap(), 0);
        // 0.001 does not fit scale 2
        assert!(numeric(&numeric_bytes(-1, false, &[10]), 2).is_err());
    }

    #[test]
    fn uuids_are_hyphenated() {
        let bytes: [u8; 16] = std::array::from_fn(|i| i as u8);
        assert_eq!(uuid_text(&bytes), "00010203-0405-0607-0809-0a0b0c0d0e0f");
    }
}
