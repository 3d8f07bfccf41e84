//! Ids, hashes and timestamps.

use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};

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

/// Current time as RFC 3339 UTC with exactly three fraction digits
/// (`2026-11-25T21:05:10.070Z`), so stored timestamps sort as text.
pub fn now_rfc3339() -> String {
    format_rfc3339_millis(time::OffsetDateTime::now_utc())
}

/// Formats `t` (converted to UTC) with exactly three fraction digits.
pub fn format_rfc3339_millis(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
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
    fn timestamps_have_fixed_width_and_sort_as_text() {
        let base = time::macros::datetime!(2026-11-25 21:05:10.07 UTC);
        let a = format_rfc3339_millis(base);
        let b = format_rfc3339_millis(base + time::Duration::milliseconds(793));
        assert_eq!(a, "2026-11-25T21:05:10.070Z");
        assert_eq!(b, "2026-11-25T21:05:10.863Z");
        assert!(a < b);
    }

    #[test]
    fn content_hash_is_sha256_hex() {
        assert_eq!(
            content_hash(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
