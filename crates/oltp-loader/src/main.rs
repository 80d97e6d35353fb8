#![recursion_limit = "256"]
//! The oltp-loader Lambda binary: builds the clients once (and applies the
//! OLTP migrations), then serves S3 events. All logic lives in the library.

use lambda_runtime::{LambdaEvent, service_fn};
use oltp_loader::{Loader, function_handler};
use starlift_domain::config::{DbAuth, LoaderConfig};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let config = LoaderConfig::from_env()?;
    let aws = aws_config::load_from_env().await;
    let s3 = starlift_domain::s3::client(&aws);
    let iam = (config.oltp.auth == DbAuth::Iam).then(|| aws.clone());
    let loader = Loader::connect(config, s3, iam).await?;
    let loader = &loader;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<serde_json::Value>| async move {
            function_handler(loader, event).await
        },
    ))
    .await
}
