//! The in-process S3 server, exercised through aws-sdk-s3.

use std::time::Instant;

use aws_sdk_s3::config::Credentials;
use aws_sdk_s3::primitives::ByteStream;
use starlift_sandbox::S3Server;

#[tokio::test]
async fn round_trip_through_the_sdk() {
    let started = Instant::now();
    let s3 = S3Server::start().await.unwrap();
    eprintln!("S3 server start: {:?}", started.elapsed());
    let client = s3.client();
    s3.create_bucket("data").await.unwrap();

    // Big enough to arrive in several chunks.
    let body: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    client
        .put_object()
        .bucket("data")
        .key("incoming/Invoice Line.csv")
        .body(ByteStream::from(body.clone()))
        .send()
        .await
        .unwrap();
    client
        .put_object()
        .bucket("data")
        .key("incoming/artist/part-1.csv")
        .body(ByteStream::from_static(b"ArtistId,Name\n1,AC/DC\n"))
        .send()
        .await
        .unwrap();
    client
        .put_object()
        .bucket("data")
        .key("other.txt")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();

    // Stream the body back chunk by chunk.
    let got = client
        .get_object()
        .bucket("data")
        .key("incoming/Invoice Line.csv")
        .send()
        .await
        .unwrap();
    assert_eq!(got.content_length(), Some(body.len() as i64));
    let mut stream = got.body;
    let mut back = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = stream.try_next().await.unwrap() {
        chunks += 1;
        back.extend_from_slice(&chunk);
    }
    assert!(
        back == body,
        "body differs ({} vs {} bytes)",
        back.len(),
        body.len()
    );
    assert!(
        chunks > 1,
        "expected a streamed body, got {chunks} chunk(s)"
    );

    let listed = client
        .list_objects_v2()
        .bucket("data")
        .prefix("incoming/")
        .send()
        .await
        .unwrap();
    let mut keys: Vec<_> = listed.contents().iter().filter_map(|o| o.key()).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["incoming/Invoice Line.csv", "incoming/artist/part-1.csv"]
    );

    let head = client
        .head_object()
        .bucket("data")
        .key("incoming/artist/part-1.csv")
        .send()
        .await
        .unwrap();
    let etag = head.e_tag().unwrap();
    assert!(etag.len() > 2 && etag.starts_with('"'), "etag {etag:?}");
    assert_eq!(head.content_length(), Some(22));

    let missing = client
        .get_object()
        .bucket("data")
        .key("nope")
        .send()
        .await
        .unwrap_err();
    assert!(missing.into_service_error().is_no_such_key());

    // Objects live in the server's directory; it goes away on drop.
    let root = s3.root_dir().to_path_buf();
    assert!(root.join("data/incoming/artist/part-1.csv").is_file());
    let addr = s3.addr();
    drop(client);
    drop(s3);
    assert!(!root.exists(), "{} still exists", root.display());
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "{addr} still accepts connections"
    );
}

#[tokio::test]
async fn a_wrong_secret_is_refused() {
    let s3 = S3Server::start().await.unwrap();
    s3.create_bucket("bucket-b").await.unwrap();
    let good = s3.client();
    let config = good
        .config()
        .to_builder()
        .credentials_provider(Credentials::new(
            s3.access_key_id(),
            "not-the-secret",
            None,
            None,
            "test",
        ))
        .build();
    let bad = aws_sdk_s3::Client::from_conf(config);

    let err = bad
        .put_object()
        .bucket("bucket-b")
        .key("k")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap_err();
    let status = err.raw_response().map(|r| r.status().as_u16());
    assert_eq!(status, Some(403), "{err:?}");
    assert!(
        bad.list_objects_v2()
            .bucket("bucket-b")
            .send()
            .await
            .is_err()
    );

    // Nothing was written; the right key still works.
    let listed = good
        .list_objects_v2()
        .bucket("bucket-b")
        .send()
        .await
        .unwrap();
    assert!(listed.contents().is_empty());
}

#[tokio::test]
async fn default_sdk_checksums_are_accepted() {
    // Clients built from the environment (the functions) use the SDK's
    // default WhenSupported checksums; s3s must accept them too.
    let s3 = S3Server::start().await.unwrap();
    s3.create_bucket("bucket-b").await.unwrap();
    let config = s3
        .client()
        .config()
        .to_builder()
        .request_checksum_calculation(aws_sdk_s3::config::RequestChecksumCalculation::WhenSupported)
        .response_checksum_validation(aws_sdk_s3::config::ResponseChecksumValidation::WhenSupported)
        .build();
    let client = aws_sdk_s3::Client::from_conf(config);
    client
        .put_object()
        .bucket("bucket-b")
        .key("k.csv")
        .body(ByteStream::from_static(b"a,b\n1,2\n"))
        .send()
        .await
        .unwrap();
    let got = client
        .get_object()
        .bucket("bucket-b")
        .key("k.csv")
        .send()
        .await
        .unwrap();
    let bytes = got.body.collect().await.unwrap().into_bytes();
    assert_eq!(&bytes[..], b"a,b\n1,2\n");
}
