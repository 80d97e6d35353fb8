//! One Parquet file streamed to S3: record batches go through Arrow's
//! Parquet writer into a buffer that is shipped as a multipart part each
//! time it holds [`PART_SIZE`] bytes. Row groups are closed at
//! [`ROW_GROUP_ROWS`] rows or [`ROW_GROUP_BYTES`] of encoded data, whichever
//! comes first, so memory is bounded by one row group plus one part.

use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::Schema;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use crate::LakehouseError;
use crate::upload::{PART_SIZE, Upload};

pub const ROW_GROUP_ROWS: usize = 128 * 1024;
pub const ROW_GROUP_BYTES: usize = 64 * 1024 * 1024;

/// A Parquet file being written.
pub struct ParquetFile<'a> {
    writer: ArrowWriter<Vec<u8>>,
    upload: Upload<'a>,
    rows: u64,
}

impl std::fmt::Debug for ParquetFile<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetFile")
            .field("key", &self.upload.key())
            .field("rows", &self.rows)
            .finish()
    }
}

fn properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_max_row_group_size(ROW_GROUP_ROWS)
        .set_created_by("starlift lakehouse export".to_string())
        .build()
}

impl<'a> ParquetFile<'a> {
    pub fn new(upload: Upload<'a>, schema: Arc<Schema>) -> Result<Self, LakehouseError> {
        let writer =
            ArrowWriter::try_new(Vec::with_capacity(PART_SIZE), schema, Some(properties()))
                .map_err(LakehouseError::parquet(upload.key()))?;
        Ok(Self {
            writer,
            upload,
            rows: 0,
        })
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Writes a batch; ships a part when the buffer is full.
    pub async fn write(&mut self, batch: &RecordBatch) -> Result<(), LakehouseError> {
        self.writer
            .write(batch)
            .map_err(LakehouseError::parquet(self.upload.key()))?;
        self.rows += batch.num_rows() as u64;
        if self.writer.in_progress_size() >= ROW_GROUP_BYTES {
            self.writer
                .flush()
                .map_err(LakehouseError::parquet(self.upload.key()))?;
        }
        // The writer only appends to its buffer and counts what it wrote,
        // so the bytes already there can be taken out.
        if self.writer.inner().len() >= PART_SIZE {
            let part = std::mem::replace(self.writer.inner_mut(), Vec::with_capacity(PART_SIZE));
            self.upload.part(part).await?;
        }
        Ok(())
    }

    /// Closes the file (footer) and completes the upload. Returns (rows,
    /// bytes).
    pub async fn finish(self) -> Result<(u64, u64), LakehouseError> {
        let key = self.upload.key().to_string();
        let rest = match self.writer.into_inner() {
            Ok(rest) => rest,
            Err(error) => {
                self.upload.abort().await;
                return Err(LakehouseError::parquet(&key)(error));
            }
        };
        let bytes = self.upload.finish(rest).await?;
        Ok((self.rows, bytes))
    }

    /// Abandons the file.
    pub async fn abort(self) {
        self.upload.abort().await;
    }
}
