#![recursion_limit = "256"]
//! The star-builder Lambda binary: builds the clients once (and applies the
//! OLAP migrations), then serves build and bootstrap events. All logic lives
//! in the library.

use lambda_runtime::{LambdaEvent, service_fn};
use star_builder::{Builder, function_handler};
use starlift_domain::config::BuilderConfig;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let config = BuilderConfig::from_env()?;
    let aws = aws_config::load_from_env().await;
    // The AWS configuration signs RDS IAM tokens (DB_AUTH=iam) and serves the
    // bootstrap (Secrets Manager).
    let s3 = starlift_domain::s3::client(&aws);
    let builder = Builder::new(config, Some(aws))?.with_s3(s3);
    // Migrate at cold start. Failing here must not stop the container: the
    // bootstrap event that creates the database users runs in this function
    // before those users can connect. Builds retry the migrations first.
    if let Err(error) = builder.prepare().await {
        tracing::error!(%error, "cold start: OLAP migrations not applied; the next build retries them");
    }
    let builder = &builder;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<serde_json::Value>| async move {
            function_handler(builder, event).await
        },
    ))
    .await
}
