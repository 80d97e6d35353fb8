//! The `sandbox` binary: env file, `ready`, shutdown on stdin close, and the
//! cleanup of what a killed sandbox left behind.

// The helpers below are test code too, outside `#[test]` functions.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

fn spawn_sandbox(env_file: &std::path::Path) -> (Child, BufReader<ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sandbox"))
        .arg("--env-file")
        .arg(env_file)
        .env_remove("SANDBOX_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    (child, stdout)
}

/// Reads `KEY=VALUE` lines up to `ready`.
fn read_env(stdout: &mut BufReader<ChildStdout>) -> HashMap<String, String> {
    let mut env = HashMap::new();
    loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "sandbox exited before `ready`"
        );
        let line = line.trim_end();
        if line == "ready" {
            return env;
        }
        let (k, v) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("not KEY=VALUE: {line:?}"));
        env.insert(k.to_string(), v.to_string());
    }
}

fn port_of(url: &str) -> u16 {
    url.split("127.0.0.1:")
        .nth(1)
        .unwrap()
        .split(['/', '?'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

fn accepts(port: u16) -> bool {
    TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(300)).is_ok()
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "sandbox did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn writes_env_file_says_ready_and_stops_when_stdin_closes() {
    let tmp = tempfile::tempdir().unwrap();
    let env_file = tmp.path().join("sandbox.env");
    let (mut child, mut stdout) = spawn_sandbox(&env_file);
    let env = read_env(&mut stdout);

    let written = std::fs::read_to_string(&env_file).unwrap();
    let from_file: HashMap<String, String> = written
        .lines()
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect();
    assert_eq!(from_file, env);
    assert_eq!(env.len(), 10, "{env:?}");
    let pg_port = port_of(&env["OLTP_DATABASE_URL"]);
    let s3_port = port_of(&env["AWS_ENDPOINT_URL_S3"]);
    assert!(accepts(pg_port) && accepts(s3_port));

    drop(child.stdin.take());
    let status = wait_exit(&mut child);
    assert!(status.success(), "{status}");
    assert!(!env_file.exists(), "the env file outlived the sandbox");
    assert!(!accepts(pg_port), "PostgreSQL still listens on {pg_port}");
    assert!(!accepts(s3_port), "S3 still listens on {s3_port}");
}

#[test]
fn a_killed_sandbox_is_cleaned_up_by_the_next_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut killed, mut stdout) = spawn_sandbox(&tmp.path().join("a.env"));
    let port = port_of(&read_env(&mut stdout)["OLTP_DATABASE_URL"]);
    killed.kill().unwrap(); // SIGKILL: no Drop runs
    killed.wait().unwrap();
    assert!(
        accepts(port),
        "the orphaned cluster should still run until reaped"
    );

    let (mut next, mut stdout) = spawn_sandbox(&tmp.path().join("b.env"));
    read_env(&mut stdout);
    assert!(
        !accepts(port),
        "the orphaned cluster on {port} was not stopped"
    );
    drop(next.stdin.take());
    assert!(wait_exit(&mut next).success());
}
