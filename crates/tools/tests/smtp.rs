//! A real SMTP sink on loopback proves that `send_email` during replay delivers nothing, while
//! the sink itself does receive a message a plain SMTP client sends (positive control).

mod common;

use common::{Setup, trial};
use serde_json::json;
use skillgate_core::ToolMode::{Executed, Surrogate};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Speaks enough SMTP (HELO/EHLO, MAIL, RCPT, DATA, QUIT) to accept messages, and counts them.
async fn smtp_sink() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let delivered = Arc::new(AtomicUsize::new(0));
    let d = delivered.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let d = d.clone();
            tokio::spawn(async move {
                let (r, mut w) = stream.into_split();
                let mut lines = BufReader::new(r).lines();
                let _ = w.write_all(b"220 sink ESMTP\r\n").await;
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    let reply: &[u8] = if in_data {
                        if line == "." {
                            in_data = false;
                            d.fetch_add(1, Ordering::SeqCst);
                            b"250 queued\r\n"
                        } else {
                            continue;
                        }
                    } else {
                        match line.get(..4).map(|v| v.to_ascii_uppercase()).as_deref() {
                            Some("DATA") => {
                                in_data = true;
                                b"354 go ahead\r\n"
                            }
                            Some("QUIT") => {
                                let _ = w.write_all(b"221 bye\r\n").await;
                                break;
                            }
                            _ => b"250 ok\r\n",
                        }
                    };
                    let _ = w.write_all(reply).await;
                }
            });
        }
    });
    (port, delivered)
}

/// A minimal SMTP client: the positive control.
async fn send_direct(port: u16) {
    let stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let (r, mut w) = stream.into_split();
    let mut lines = BufReader::new(r).lines();
    let mut expect = async |code: &str| {
        let l = lines.next_line().await.unwrap().unwrap();
        assert!(l.starts_with(code), "expected {code}, got {l}");
    };
    expect("220").await;
    for (cmd, code) in [
        ("EHLO test\r\n", "250"),
        ("MAIL FROM:<a@example.com>\r\n", "250"),
        ("RCPT TO:<cfo@example.com>\r\n", "250"),
        ("DATA\r\n", "354"),
        ("Subject: Q3 report\r\n\r\nhello\r\n.\r\n", "250"),
        ("QUIT\r\n", "221"),
    ] {
        w.write_all(cmd.as_bytes()).await.unwrap();
        expect(code).await;
    }
}

#[tokio::test]
async fn smtp_sink_receives_a_directly_sent_message() {
    let (port, delivered) = smtp_sink().await;
    send_direct(port).await;
    assert_eq!(delivered.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn send_email_during_replay_delivers_nothing_to_the_smtp_sink() {
    let (port, delivered) = smtp_sink().await;
    let t = trial(Setup::default()).await;
    t.require_sandbox();
    let o = t
        .call(
            "send_email",
            json!({"to": ["cfo@example.com"], "subject": "Q3 report", "body": "hello",
                   "smtp_server": format!("127.0.0.1:{port}")}),
        )
        .await;
    assert_eq!(o.mode, Surrogate, "{o:#?}");
    // The agent may also try to talk SMTP itself from the sandbox.
    let script = format!(
        "exec 3<>/dev/tcp/127.0.0.1/{port} && printf 'HELO x\\r\\nMAIL FROM:<a@b.c>\\r\\nRCPT TO:<c@d.e>\\r\\nDATA\\r\\nhi\\r\\n.\\r\\nQUIT\\r\\n' >&3"
    );
    let o = t.call("run_command", json!({"command": script})).await;
    assert_eq!(o.mode, Executed);
    assert_ne!(o.result["exit_code"], 0, "{o:#?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        delivered.load(Ordering::SeqCst),
        0,
        "a replayed email reached the SMTP sink"
    );
    // Positive control on the same sink: it would have counted a delivery.
    send_direct(port).await;
    assert_eq!(delivered.load(Ordering::SeqCst), 1);
    t.assert_protected_untouched();
}
