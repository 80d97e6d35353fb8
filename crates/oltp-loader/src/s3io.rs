//! S3 reads and writes of one load.

use async_compression::tokio::bufread::GzipDecoder;
use starlift_domain::routing::Compression;
use tokio::io::{AsyncBufRead, BufReader};

use crate::load::ObjectRef;
use crate::{Loader, TransientError};

pub(crate) async fn put_object(
    loader: &Loader,
    bucket: &str,
    key: &str,
    body: aws_sdk_s3::primitives::ByteStream,
    content_type: &str,
) -> Result<(), TransientError> {
    loader
        .s3
        .put_object()
        .bucket(bucket)
        .key(key)
        .content_type(content_type)
        .body(body)
        .send()
        .await
        .map_err(|e| TransientError::S3Write {
            bucket: bucket.to_string(),
            key: key.to_string(),
            reason: aws_sdk_s3::error::DisplayErrorContext(e).to_string(),
        })?;
    Ok(())
}

pub(crate) enum Fetched {
    Body(Box<dyn AsyncBufRead + Send + Unpin>),
    Gone(String),
}

pub(crate) async fn fetch(
    loader: &Loader,
    object: &ObjectRef,
    compression: Compression,
) -> Result<Fetched, TransientError> {
    let mut request = loader
        .s3
        .get_object()
        .bucket(&object.bucket)
        .key(&object.key);
    if let Some(version) = &object.version_id {
        request = request.version_id(version);
    }
    let response = match request.send().await {
        Ok(response) => response,
        Err(error) => {
            if let Some(service) = error.as_service_error()
                && service.is_no_such_key()
            {
                return Ok(Fetched::Gone(
                    "the object was deleted after the event".to_string(),
                ));
            }
            return Err(TransientError::S3Read {
                bucket: object.bucket.clone(),
                key: object.key.clone(),
                reason: aws_sdk_s3::error::DisplayErrorContext(error).to_string(),
            });
        }
    };
    if object.version_id.is_none() && !object.etag.is_empty() {
        let current = response.e_tag().unwrap_or_default().trim_matches('"');
        if current != object.etag {
            return Ok(Fetched::Gone(format!(
                "the object was overwritten after the event (ETag {current}, event {})",
                object.etag
            )));
        }
    }
    let body = response.body.into_async_read();
    Ok(Fetched::Body(match compression {
        Compression::None => Box::new(body),
        Compression::Gzip => {
            let mut decoder = GzipDecoder::new(body);
            decoder.multiple_members(true);
            Box::new(BufReader::with_capacity(256 * 1024, decoder))
        }
    }))
}

/// The object's current version as S3 answers a HEAD request: its ETag
/// (without quotes), version id and size; no event sequencer.
pub(crate) async fn current_version(
    loader: &Loader,
    bucket: &str,
    key: &str,
) -> Result<ObjectRef, TransientError> {
    let head = loader
        .s3
        .head_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| TransientError::S3Read {
            bucket: bucket.to_string(),
            key: key.to_string(),
            reason: aws_sdk_s3::error::DisplayErrorContext(e).to_string(),
        })?;
    Ok(ObjectRef {
        bucket: bucket.to_string(),
        key: key.to_string(),
        etag: head
            .e_tag()
            .unwrap_or_default()
            .trim_matches('"')
            .to_string(),
        version_id: head.version_id().map(str::to_string),
        sequencer: None,
        size: head.content_length(),
    })
}
