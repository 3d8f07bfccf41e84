use proptest::prelude::*;
use skillgate_runs::{ReaderLimits, RunReader};
use std::io::Cursor;

const GOOD: &str = r#"{"id":"r1","tenant":"t","locale":"en","task":"Summarise notes.md","messages":[{"role":"user","content":"hi"}],"tool_calls":[{"name":"read_file","toolset":"workspace","arguments":{"path":"notes.md"},"result":"x","started_at":"2026-03-01T09:30:00Z"}],"final_answer":"done","accepted":true,"accepted_at":"2026-03-01T10:00:00Z"}"#;

fn read_all(input: &[u8], limits: ReaderLimits) -> Vec<Result<String, String>> {
    RunReader::new(Cursor::new(input.to_vec()), limits)
        .map(|r| r.map(|run| run.id).map_err(|e| e.to_string()))
        .collect()
}

fn good_with_id(id: &str) -> String {
    GOOD.replace(r#""id":"r1""#, &format!(r#""id":"{id}""#))
}

#[test]
fn good_lines_parse_and_blank_lines_are_skipped() {
    let input = format!("{}\n\n{}\n", good_with_id("a"), good_with_id("b"));
    assert_eq!(
        read_all(input.as_bytes(), ReaderLimits::default()),
        vec![Ok("a".into()), Ok("b".into())]
    );
}

#[test]
fn missing_field_names_the_field_and_line() {
    let bad = GOOD.replace(r#""task":"Summarise notes.md","#, "");
    let input = format!("{}\n{}\n", good_with_id("a"), bad);
    let out = read_all(input.as_bytes(), ReaderLimits::default());
    assert_eq!(out[0], Ok("a".into()));
    let err = out[1].clone().unwrap_err();
    assert!(err.starts_with("line 2:"), "{err}");
    assert!(err.contains("missing field `task`"), "{err}");
}

#[test]
fn wrong_type_is_reported_not_panicked() {
    let bad = GOOD.replace(r#""accepted":true"#, r#""accepted":"yes""#);
    let err = read_all(bad.as_bytes(), ReaderLimits::default())[0]
        .clone()
        .unwrap_err();
    assert!(
        err.contains("invalid type: string \"yes\", expected a boolean"),
        "{err}"
    );
}

#[test]
fn non_utf8_line_is_rejected_with_offset_and_neighbours_kept() {
    let mut input = good_with_id("a").into_bytes();
    input.extend_from_slice(b"\n{\"id\":\"\xff\xfe\"}\n");
    input.extend_from_slice(good_with_id("c").as_bytes());
    let out = read_all(&input, ReaderLimits::default());
    assert_eq!(out.len(), 3);
    let err = out[1].clone().unwrap_err();
    assert!(
        err.contains("line 2: not valid UTF-8 (bad byte at offset 7)"),
        "{err}"
    );
    assert_eq!(out[2], Ok("c".into()));
}

#[test]
fn oversized_line_is_skipped_without_losing_the_next_line() {
    let huge = format!(r#"{{"id":"big","task":"{}"}}"#, "x".repeat(5 * 1024 * 1024));
    let input = format!("{huge}\n{}\n", good_with_id("after"));
    let out = read_all(
        input.as_bytes(),
        ReaderLimits {
            max_line_bytes: 1024 * 1024,
        },
    );
    let err = out[0].clone().unwrap_err();
    assert!(err.contains("over the 1048576 byte limit"), "{err}");
    assert_eq!(out[1], Ok("after".into()));
}

#[test]
fn many_megabyte_line_within_limit_is_accepted() {
    let big_answer = "y".repeat(4 * 1024 * 1024);
    let line = GOOD.replace(
        r#""final_answer":"done""#,
        &format!(r#""final_answer":"{big_answer}""#),
    );
    assert_eq!(
        read_all(line.as_bytes(), ReaderLimits::default()),
        vec![Ok("r1".into())]
    );
}

#[test]
fn invalid_json_and_non_objects_are_explained() {
    let out = read_all(b"{not json\n[1,2]\n\"str\"\n", ReaderLimits::default());
    assert!(
        out[0]
            .clone()
            .unwrap_err()
            .contains("line 1: not valid JSON")
    );
    assert!(
        out[1]
            .clone()
            .unwrap_err()
            .contains("line 2: expected a JSON object (one run), found an array")
    );
    assert!(out[2].clone().unwrap_err().contains("found a string"));
}

#[test]
fn bad_timestamp_names_the_field_and_the_fix() {
    let bad = GOOD.replace("2026-03-01T10:00:00Z", "yesterday");
    let err = read_all(bad.as_bytes(), ReaderLimits::default())[0]
        .clone()
        .unwrap_err();
    assert!(
        err.contains("`accepted_at` is 'yesterday', not an RFC 3339 timestamp"),
        "{err}"
    );
}

#[test]
fn empty_id_and_out_of_range_threshold_are_rejected() {
    let bad = good_with_id(" ");
    assert!(
        read_all(bad.as_bytes(), ReaderLimits::default())[0]
            .clone()
            .unwrap_err()
            .contains("`id` is empty")
    );
    let bad = GOOD.replace(
        r#""accepted":true"#,
        r#""accepted":true,"criteria":{"pass_threshold":2}"#,
    );
    assert!(
        read_all(bad.as_bytes(), ReaderLimits::default())[0]
            .clone()
            .unwrap_err()
            .contains("pass_threshold is 2")
    );
}

#[test]
fn crlf_line_endings_and_bom_are_tolerated() {
    let input = format!("\u{feff}{}\r\n{}\r\n", good_with_id("a"), good_with_id("b"));
    assert_eq!(
        read_all(input.as_bytes(), ReaderLimits::default()),
        vec![Ok("a".into()), Ok("b".into())]
    );
}

#[test]
fn last_line_without_newline_is_read() {
    assert_eq!(
        read_all(GOOD.as_bytes(), ReaderLimits::default()),
        vec![Ok("r1".into())]
    );
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_and_line_numbers_increase(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let mut last = 0;
        for item in RunReader::new(Cursor::new(bytes), ReaderLimits { max_line_bytes: 512 }) {
            if let Err(e) = item {
                prop_assert!(e.line > last);
                last = e.line;
            }
        }
    }
}
