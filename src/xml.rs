//! The one XML escaping rule of the crate: PHP's `htmlspecialchars(ENT_QUOTES)` table,
//! which is what the legacy OCS console applies once to every `info` value.

/// Escapes `&`, `"`, `'`, `<` and `>` exactly as `htmlspecialchars($v, ENT_QUOTES)` does.
pub fn escape_attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#039;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// A character XML 1.0 forbids anywhere in a document (an agent's parser would die on it).
pub fn is_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// The first character of `value` that XML 1.0 forbids.
pub fn first_forbidden_char(value: &str) -> Option<char> {
    value.chars().find(|&c| is_forbidden(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_htmlspecialchars_ent_quotes() {
        assert_eq!(
            escape_attr(r#"msiexec /i "App Setup.msi" & echo 'x' <y>"#),
            "msiexec /i &quot;App Setup.msi&quot; &amp; echo &#039;x&#039; &lt;y&gt;"
        );
        assert_eq!(escape_attr("été"), "été");
    }

    #[test]
    fn finds_control_characters() {
        assert_eq!(first_forbidden_char("a\u{1}b"), Some('\u{1}'));
        assert_eq!(first_forbidden_char("tab\tand\nnewline"), None);
    }
}
