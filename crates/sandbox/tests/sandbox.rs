//! The bundle the other crates' tests use.

use std::collections::HashMap;
use std::time::Instant;

use aws_sdk_s3::primitives::ByteStream;
use starlift_sandbox::{BUCKET, Sandbox};

#[tokio::test]
async fn sandbox_env_points_at_working_servers() {
    let started = Instant::now();
    let sandbox = Sandbox::start().await.unwrap();
    eprintln!("sandbox start: {:?}", started.elapsed());

    let env: HashMap<String, String> = sandbox.env().into_iter().collect();
    let mut names: Vec<&str> = env.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "AWS_ACCESS_KEY_ID",
            "AWS_ENDPOINT_URL_S3",
            "AWS_REGION",
            "AWS_SECRET_ACCESS_KEY",
            "DB_AUTH",
            "INCOMING_PREFIX",
            "OLAP_DATABASE_URL",
            "OLTP_DATABASE_URL",
            "REJECTED_PREFIX",
            "S3_FORCE_PATH_STYLE",
        ]
    );
    assert_eq!(env["DB_AUTH"], "password");
    assert_eq!(env["INCOMING_PREFIX"], "incoming/");
    assert_eq!(env["REJECTED_PREFIX"], "rejected/");
    assert_eq!(env["S3_FORCE_PATH_STYLE"], "true");
    assert_eq!(env["AWS_REGION"], "us-east-1");
    assert_eq!(env["OLTP_DATABASE_URL"], sandbox.oltp_url());
    assert_eq!(env["OLAP_DATABASE_URL"], sandbox.olap_url());
    assert_ne!(sandbox.oltp_url(), sandbox.olap_url());
    assert_eq!(env["AWS_ENDPOINT_URL_S3"], sandbox.s3().endpoint_url());
    assert_eq!(sandbox.bucket(), BUCKET);

    let oltp = sandbox.connect_oltp().await.unwrap();
    let olap = sandbox.connect_olap().await.unwrap();
    let db: String = oltp
        .query_one("SELECT current_database()", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(db, "oltp");
    let db: String = olap
        .query_one("SELECT current_database()", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(db, "olap");

    // A client made only from the environment values reaches the bucket.
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .endpoint_url(&env["AWS_ENDPOINT_URL_S3"])
        .force_path_style(true)
        .region(aws_sdk_s3::config::Region::new(env["AWS_REGION"].clone()))
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            &env["AWS_ACCESS_KEY_ID"],
            &env["AWS_SECRET_ACCESS_KEY"],
            None,
            None,
            "env",
        ))
        .build();
    let from_env = aws_sdk_s3::Client::from_conf(config);
    from_env
        .put_object()
        .bucket(sandbox.bucket())
        .key("incoming/Artist.csv")
        .body(ByteStream::from_static(b"ArtistId,Name\n"))
        .send()
        .await
        .unwrap();
    let listed = sandbox
        .s3_client()
        .list_objects_v2()
        .bucket(sandbox.bucket())
        .send()
        .await
        .unwrap();
    assert_eq!(listed.key_count(), Some(1));

    let pg_dir = sandbox.postgres().temp_dir().map(|d| d.to_path_buf());
    let s3_dir = sandbox.s3().root_dir().to_path_buf();
    drop((oltp, olap));
    drop(sandbox);
    assert!(!s3_dir.exists());
    if let Some(dir) = pg_dir {
        assert!(!dir.exists());
    }
}

#[tokio::test]
async fn single_database_sandbox_uses_one_database() {
    let sandbox = Sandbox::start_single_database().await.unwrap();
    assert_eq!(sandbox.oltp_url(), sandbox.olap_url());
    let env: HashMap<String, String> = sandbox.env().into_iter().collect();
    assert_eq!(env["OLTP_DATABASE_URL"], env["OLAP_DATABASE_URL"]);
    let a = sandbox.connect_oltp().await.unwrap();
    a.batch_execute("CREATE TABLE shared (x int)")
        .await
        .unwrap();
    let b = sandbox.connect_olap().await.unwrap();
    b.batch_execute("INSERT INTO shared VALUES (1)")
        .await
        .unwrap();
}
