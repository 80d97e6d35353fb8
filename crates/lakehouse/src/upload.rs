//! One S3 object written in parts as it is produced: a multipart upload
//! once the first part is full, a single PutObject for a small object.
//! Memory stays at one part whatever the object's size.

use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};

use crate::LakehouseError;

/// S3's minimum part size is 5 MiB (the last part aside); 8 MiB parts keep
/// a 1 GiB file at 128 requests.
pub const PART_SIZE: usize = 8 * 1024 * 1024;

/// An object being uploaded.
#[derive(Debug)]
pub struct Upload<'a> {
    s3: &'a Client,
    bucket: &'a str,
    key: String,
    upload_id: Option<String>,
    parts: Vec<CompletedPart>,
    bytes: u64,
}

impl<'a> Upload<'a> {
    pub fn new(s3: &'a Client, bucket: &'a str, key: String) -> Self {
        Self {
            s3,
            bucket,
            key,
            upload_id: None,
            parts: Vec::new(),
            bytes: 0,
        }
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// Uploads `data` as the next part (at least [`PART_SIZE`] bytes unless
    /// it is the last).
    pub async fn part(&mut self, data: Vec<u8>) -> Result<(), LakehouseError> {
        let upload_id = match &self.upload_id {
            Some(id) => id.clone(),
            None => {
                let created = self
                    .s3
                    .create_multipart_upload()
                    .bucket(self.bucket)
                    .key(&self.key)
                    .content_type("application/vnd.apache.parquet")
                    .send()
                    .await
                    .map_err(LakehouseError::s3(format!("start uploading {}", self.key)))?;
                let id = created
                    .upload_id()
                    .ok_or_else(|| LakehouseError::S3 {
                        action: format!("start uploading {}", self.key),
                        message: "no upload id in the response".into(),
                    })?
                    .to_string();
                self.upload_id = Some(id.clone());
                id
            }
        };
        let number = i32::try_from(self.parts.len() + 1).unwrap_or(i32::MAX);
        self.bytes += data.len() as u64;
        let uploaded = self
            .s3
            .upload_part()
            .bucket(self.bucket)
            .key(&self.key)
            .upload_id(upload_id)
            .part_number(number)
            .body(ByteStream::from(data))
            .send()
            .await
            .map_err(LakehouseError::s3(format!(
                "upload part {number} of {}",
                self.key
            )))?;
        self.parts.push(
            CompletedPart::builder()
                .part_number(number)
                .set_e_tag(uploaded.e_tag().map(str::to_string))
                .build(),
        );
        Ok(())
    }

    /// Uploads the rest and completes the object. Returns its size.
    pub async fn finish(mut self, rest: Vec<u8>) -> Result<u64, LakehouseError> {
        let Some(upload_id) = self.upload_id.clone() else {
            let size = rest.len() as u64;
            self.s3
                .put_object()
                .bucket(self.bucket)
                .key(&self.key)
                .content_type("application/vnd.apache.parquet")
                .body(ByteStream::from(rest))
                .send()
                .await
                .map_err(LakehouseError::s3(format!("upload {}", self.key)))?;
            return Ok(size);
        };
        if !rest.is_empty()
            && let Err(error) = self.part(rest).await
        {
            self.abort().await;
            return Err(error);
        }
        let completed = self
            .s3
            .complete_multipart_upload()
            .bucket(self.bucket)
            .key(&self.key)
            .upload_id(upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(std::mem::take(&mut self.parts)))
                    .build(),
            )
            .send()
            .await;
        if let Err(error) = completed {
            let error = LakehouseError::s3(format!("complete {}", self.key))(error);
            self.abort().await;
            return Err(error);
        }
        Ok(self.bytes)
    }

    /// Abandons an unfinished multipart upload (best effort: the bucket's
    /// lifecycle rule removes what this cannot).
    pub async fn abort(self) {
        if let Some(upload_id) = self.upload_id
            && let Err(error) = self
                .s3
                .abort_multipart_upload()
                .bucket(self.bucket)
                .key(&self.key)
                .upload_id(upload_id)
                .send()
                .await
        {
            tracing::warn!(key = self.key, error = %error, "could not abort a multipart upload");
        }
    }
}
