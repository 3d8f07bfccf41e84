//! A tiny glob matcher for tool and toolset names: `*` matches any run of
//! characters (also none), `?` exactly one; everything else matches itself.

/// Whether `pattern` contains a wildcard (`*` or `?`).
pub(crate) fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// Whether `text` matches `pattern` in full (case-sensitive).
pub(crate) fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative matcher with single backtrack point: linear in practice.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && p[pi] == t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_matches_any_run_including_empty() {
        assert!(matches("send_*", "send_email"));
        assert!(matches("send_*", "send_"));
        assert!(matches("*_email", "delete_email"));
        assert!(matches("*delete*", "batch_delete_emails"));
        assert!(matches("*", ""));
        assert!(!matches("send_*", "resend_email"));
        assert!(!matches("*_email", "delete_emails"));
    }

    #[test]
    fn question_mark_matches_exactly_one_char() {
        assert!(matches("get_?", "get_x"));
        assert!(!matches("get_?", "get_"));
        assert!(!matches("get_?", "get_xy"));
    }

    #[test]
    fn literal_pattern_needs_exact_equality() {
        assert!(matches("send_email", "send_email"));
        assert!(!matches("send_email", "Send_email"));
        assert!(!is_glob("send_email"));
        assert!(is_glob("send_*"));
    }

    #[test]
    fn backtracking_handles_repeated_prefixes() {
        assert!(matches("a*ab", "aaaab"));
        assert!(matches("*a*b*c", "xxaxxbxxc"));
        assert!(!matches("*a*b*c", "xxaxxcxxb"));
        assert!(matches("删除*", "删除邮件"));
    }
}
