//! After a committed build: the warehouse as Parquet on S3
//! (`starlift_lakehouse`), when the builder has a bucket to publish to.

use starlift_lakehouse::{LakehouseError, LakehouseReport, Target};

use crate::build::BUILD_LOCK_KEY;
use crate::report::{BuildReport, BuildStatus};
use crate::{BuildError, Builder};

/// Exports what the build (and any earlier build whose export failed)
/// changed. A failure is an error of the invocation, the build staying
/// committed: the retry exports it.
pub(crate) async fn after_build(
    builder: &Builder,
    report: &BuildReport,
) -> Result<Option<LakehouseReport>, BuildError> {
    let Some((s3, bucket)) = builder.publish_target() else {
        return Ok(None);
    };
    if report.status == BuildStatus::Busy {
        return Ok(None);
    }
    let result = {
        let mut olap = builder.olap.get().await?;
        starlift_lakehouse::export(
            &mut olap,
            Target { s3, bucket },
            builder.pack(),
            BUILD_LOCK_KEY,
        )
        .await
    };
    match result {
        Ok(lakehouse) => Ok(Some(lakehouse)),
        Err(source) => {
            if matches!(source, LakehouseError::Database { .. }) {
                builder.olap.discard().await;
            } else {
                // The export's transaction was dropped, its ROLLBACK only
                // queued: a round trip on the connection (get() pings it)
                // makes sure the builder's lock is released before this
                // invocation answers and a retry comes.
                let _ = builder.olap.get().await;
            }
            Err(BuildError::Lakehouse {
                build_id: report.build_id,
                source,
            })
        }
    }
}
