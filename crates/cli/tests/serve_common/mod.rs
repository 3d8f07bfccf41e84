//! Shared by the CLI tests that read what `skillgate serve` shows: start the
//! real binary on a free loopback port and GET pages over plain HTTP/1.0.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `skillgate serve`; dropping it kills the process.
pub struct Served {
    child: Child,
    /// `127.0.0.1:PORT` the server listens on.
    pub addr: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `skillgate --db DB serve --addr 127.0.0.1:0` in `dir` and waits for
/// the line that names the address it bound.
pub fn serve(dir: &Path, db: &str) -> Served {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("skillgate"))
        .current_dir(dir)
        .env_remove("SKILLGATE_DB")
        .env_remove("SKILLGATE_CONFIG")
        .env_remove("SKILLGATE_BASE_URL")
        .env_remove("SKILLGATE_MODEL")
        .env_remove("SKILLGATE_API_KEY")
        .args(["--db", db, "serve", "--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let addr = loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            let _ = child.kill();
            panic!("skillgate serve ended before it listened:\n{seen}");
        }
        seen.push_str(&line);
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = stderr.read_to_end(&mut sink);
    });
    Served { child, addr }
}

/// `GET path` over HTTP/1.0: (status code, body).
pub fn get(addr: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("GET {path}: no HTTP header end in {text:?}"));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("GET {path}: bad status line in {head:?}"));
    (status, body.to_string())
}

/// `GET path`, asserting 200.
pub fn get_ok(addr: &str, path: &str) -> String {
    let (status, body) = get(addr, path);
    assert_eq!(status, 200, "GET {path}\n{body}");
    body
}
