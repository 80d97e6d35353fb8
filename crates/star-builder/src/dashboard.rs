//! After each committed build (`dq_failed` included): the pack's dashboard
//! report (`starlift-report`), published to the data bucket as
//! `reports/<dataset>/index.html` (the latest) and
//! `reports/<dataset>/<YYYY-MM-DD>/build-<id>.html` (this build's copy, the
//! build's date in UTC), `Content-Type: text/html`. Without a dashboard or
//! a bucket to publish to, nothing is rendered.

use aws_sdk_s3::primitives::ByteStream;
use serde::Serialize;

use crate::Builder;
use crate::report::{BuildReport, BuildStatus};

/// The `report` entry of the build report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishedReport {
    /// The S3 keys written (latest, then the dated copy).
    pub keys: Vec<String>,
    /// The HTML's size.
    pub bytes: usize,
    /// Charts drawn (KPI tiles aside).
    pub charts: usize,
    /// Rendering and uploading.
    pub milliseconds: u64,
}

/// Why the report was not published (the build is committed regardless).
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Report(#[from] starlift_report::ReportError),
    #[error("cannot connect: {0}")]
    Connect(#[from] starlift_domain::db::DbError),
    #[error("PUT s3://{bucket}/{key}: {reason}")]
    Put {
        bucket: String,
        key: String,
        reason: String,
    },
}

/// The S3 keys of build `build_id`'s report: the latest, then the dated
/// copy.
pub fn report_keys(dataset: &str, build_id: i64, date: chrono::NaiveDate) -> [String; 2] {
    [
        format!("reports/{dataset}/index.html"),
        format!(
            "reports/{dataset}/{}/build-{build_id}.html",
            date.format("%Y-%m-%d")
        ),
    ]
}

/// Renders and publishes the report of the build `report` describes, when
/// the builder has a publish target and the pack a dashboard.
pub(crate) async fn publish(
    builder: &Builder,
    report: &BuildReport,
) -> Result<Option<PublishedReport>, PublishError> {
    let (Some(build_id), Some((s3, bucket))) = (report.build_id, builder.publish_target()) else {
        return Ok(None);
    };
    if report.status == BuildStatus::Busy || builder.pack.dashboard.is_none() {
        return Ok(None);
    }
    let started = std::time::Instant::now();
    let html = {
        let olap = builder.olap.get().await?;
        let oltp = builder.oltp.get().await?;
        starlift_report::generate(&olap, Some(&oltp), &builder.pack, Some(build_id)).await?
    };
    let Some(rendered) = html else {
        return Ok(None);
    };
    let date = report
        .build_time
        .unwrap_or_else(chrono::Utc::now)
        .date_naive();
    let keys = report_keys(builder.pack.name(), build_id, date);
    for key in &keys {
        s3.put_object()
            .bucket(bucket)
            .key(key)
            .content_type("text/html; charset=utf-8")
            .cache_control("no-cache")
            .body(ByteStream::from(rendered.html.clone().into_bytes()))
            .send()
            .await
            .map_err(|e| PublishError::Put {
                bucket: bucket.to_string(),
                key: key.clone(),
                reason: aws_sdk_s3::error::DisplayErrorContext(&e).to_string(),
            })?;
    }
    tracing::info!(keys = ?keys, bytes = rendered.html.len(), charts = rendered.charts, ms = crate::report::elapsed_ms(started), "report published");
    Ok(Some(PublishedReport {
        keys: keys.to_vec(),
        bytes: rendered.html.len(),
        charts: rendered.charts,
        milliseconds: crate::report::elapsed_ms(started),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_the_dataset_the_date_and_the_build() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 7).unwrap_or_default();
        assert_eq!(
            report_keys("chinook", 42, date),
            [
                "reports/chinook/index.html".to_string(),
                "reports/chinook/2026-03-07/build-42.html".to_string()
            ]
        );
    }
}
