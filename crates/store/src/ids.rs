//! Ids, hashes and timestamps.

use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};
use time::format_description::well_known::Rfc3339;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A new unique id `PREFIX_<12 hex>` (time, process and a counter, hashed).
pub fn new_id(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    let seed = format!("{nanos}:{}:{n}", std::process::id());
    let hash = content_hash(seed.as_bytes());
    format!("{prefix}_{}", &hash[..12])
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn content_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Current time as RFC 3339 UTC with millisecond precision.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now
        .replace_nanosecond(now.nanosecond() / 1_000_000 * 1_000_000)
        .unwrap_or(now);
    now.format(&Rfc3339)
        .unwrap_or_else(|_| now.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_prefixed() {
        let a = new_id("run");
        let b = new_id("run");
        assert_ne!(a, b);
        assert!(a.starts_with("run_") && a.len() == 16);
    }

    #[test]
    fn content_hash_is_sha256_hex() {
        assert_eq!(
            content_hash(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
