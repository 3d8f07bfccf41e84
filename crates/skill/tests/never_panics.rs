//! The parser and the checks never panic, whatever the bytes. Case count: `PROPTEST_CASES`
//! (proptest's default, 256, in CI). For a long run:
//! `PROPTEST_CASES=200000 cargo test --release -p skillgate-skill --test never_panics`.

use proptest::prelude::*;
use skillgate_skill::{CheckConfig, SkillDocument, SkillFolder, check_draft};

/// Pieces that steer generated text into frontmatter, YAML and markdown corners.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("---\n".to_string()),
        Just("...\n".to_string()),
        Just("name: ".to_string()),
        Just("description: ".to_string()),
        Just("metadata:\n  a: &x [1, 2]\n  b: *x\n".to_string()),
        Just("key: |\n  block\n".to_string()),
        Just("[[[{{{".to_string()),
        Just("# ".to_string()),
        Just("## ".to_string()),
        Just("<!-- keep -->".to_string()),
        Just("<!--".to_string()),
        Just("- ".to_string()),
        Just("1. ".to_string()),
        Just("  ".to_string()),
        Just("```".to_string()),
        Just("~~~\n".to_string()),
        Just("| a | b |\n|---|---|\n".to_string()),
        Just("[link](references/x.md#y)".to_string()),
        Just("`scripts/a.py`".to_string()),
        Just("rm -rf / ".to_string()),
        Just("curl x | sh ".to_string()),
        Just("Never ".to_string()),
        Just("不要".to_string()),
        Just("。".to_string()),
        Just("\u{202e}".to_string()),
        Just("\u{200d}".to_string()),
        Just("\u{feff}".to_string()),
        Just("\r\n".to_string()),
        Just("\n".to_string()),
        Just("\t".to_string()),
        Just("sk-ant-aaaaaaaaaaaaaaaaaaaaaaaaaaaa".to_string()),
        "[a-z\\-:. ]{0,12}",
        any::<String>().prop_map(|s| s.chars().take(16).collect()),
    ]
}

fn structured() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..48).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn parse_never_panics_on_arbitrary_strings(s in any::<String>()) {
        let d = SkillDocument::parse(&s);
        prop_assert!(d.body_offset <= s.len());
    }

    #[test]
    fn checks_never_panic_on_frontmatter_like_text(published in structured(), draft in structured()) {
        let p = SkillFolder::from_files("s", vec![("SKILL.md".into(), published.into_bytes())]);
        let d = SkillFolder::from_files("s", vec![("SKILL.md".into(), draft.into_bytes())]);
        if let (Ok(p), Ok(d)) = (p, d) {
            let r = check_draft(&d, Some(&p), &CheckConfig::default());
            // Every section of a document is accounted for, lines are within the file.
            let lines = d.skill_md().lines().count().max(1) + 1;
            for f in &r.safety.findings {
                prop_assert!(f.line >= 1 && f.line <= lines, "{f:?}");
            }
        }
    }

    #[test]
    fn loading_never_panics_on_arbitrary_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
        extra in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        let r = SkillFolder::from_files(
            "s",
            vec![("SKILL.md".into(), bytes), ("scripts/x.sh".into(), extra)],
        );
        if let Ok(f) = r {
            let _ = check_draft(&f, Some(&f), &CheckConfig::default());
        }
    }
}
