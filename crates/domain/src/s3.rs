//! The S3 client both functions build once per container.

/// An S3 client from the container's AWS configuration. A local S3 endpoint
/// (`AWS_ENDPOINT_URL_S3`, the sandbox) needs path-style addressing, which
/// `S3_FORCE_PATH_STYLE=true` turns on.
pub fn client(aws: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    let path_style = std::env::var("S3_FORCE_PATH_STYLE").is_ok_and(|v| v == "true" || v == "1");
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(aws)
            .force_path_style(path_style)
            .build(),
    )
}
