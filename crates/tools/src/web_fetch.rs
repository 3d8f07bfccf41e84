//! Live `web_fetch` for hosts the replay policy allow-lists: a bounded HTTP GET
//! made by skillgate itself (never by a sandboxed command), with no redirects
//! followed, a timeout and a size cap.

use std::sync::Once;
use std::time::Duration;

/// Longest body kept, in bytes; the rest is cut with a marker.
pub const MAX_FETCH_BYTES: usize = 1024 * 1024;
/// Time limit of one fetch.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(15);

static TLS_PROVIDER: Once = Once::new();

/// What a live fetch returned.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    /// HTTP status code.
    pub status: u16,
    /// Body as text (lossy UTF-8), at most [`MAX_FETCH_BYTES`].
    pub body: String,
    /// Whether the body was cut.
    pub truncated: bool,
}

/// GETs `url` (http or https only). Redirects are not followed: a 3xx comes
/// back as it is, so a redirect can never lead to a host the policy did not
/// allow. Errors are sentences for the model and the case report.
pub async fn fetch(url: &str) -> Result<Fetched, String> {
    let lower = url.trim().to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err(format!(
            "web_fetch of {url}: only http and https URLs can be fetched"
        ));
    }
    TLS_PROVIDER.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(FETCH_TIMEOUT)
        .build()
        .map_err(|e| format!("web_fetch of {url}: cannot build an HTTP client: {e}"))?;
    let mut response = client
        .get(url.trim())
        .send()
        .await
        .map_err(|e| format!("web_fetch of {url} failed: {e}"))?;
    let status = response.status().as_u16();
    let mut body = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| format!("web_fetch of {url}: reading the body failed: {e}"))?
    {
        let room = MAX_FETCH_BYTES - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            truncated = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Fetched {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
        truncated,
    })
}
