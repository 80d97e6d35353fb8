//! The multipart path of the export's uploads, against the sandbox's S3
//! server: an object larger than one part goes up as a multipart upload and
//! reads back byte for byte; a small one is a single PutObject; an aborted
//! upload leaves no object.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use starlift_lakehouse::upload::{PART_SIZE, Upload};
use starlift_sandbox::S3Server;

fn bytes(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

async fn read(s3: &aws_sdk_s3::Client, key: &str) -> Option<Vec<u8>> {
    let object = s3.get_object().bucket("lake").key(key).send().await.ok()?;
    Some(object.body.collect().await.unwrap().into_bytes().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_objects_go_up_in_parts() {
    let server = S3Server::start().await.unwrap();
    server.create_bucket("lake").await.unwrap();
    let s3 = server.client();

    let first = bytes(PART_SIZE + 1024, 1);
    let second = bytes(PART_SIZE, 2);
    let last = bytes(1000, 3);
    let mut upload = Upload::new(&s3, "lake", "big.parquet".into());
    upload.part(first.clone()).await.unwrap();
    upload.part(second.clone()).await.unwrap();
    let size = upload.finish(last.clone()).await.unwrap();
    let expected = [first, second, last].concat();
    assert_eq!(size, expected.len() as u64);
    assert_eq!(read(&s3, "big.parquet").await.unwrap(), expected);

    let small = bytes(10, 4);
    let size = Upload::new(&s3, "lake", "small.parquet".into())
        .finish(small.clone())
        .await
        .unwrap();
    assert_eq!(size, 10);
    assert_eq!(read(&s3, "small.parquet").await.unwrap(), small);

    let mut aborted = Upload::new(&s3, "lake", "aborted.parquet".into());
    aborted.part(bytes(PART_SIZE, 5)).await.unwrap();
    aborted.abort().await;
    assert!(read(&s3, "aborted.parquet").await.is_none());
}
