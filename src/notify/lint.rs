//! Lint of a notification text as the Windows agent will show it, with safe automatic fixes.

use super::agent_html;
use crate::manifest::Warning;

/// Tags the agent's HTML view renders and that are safe in a notification.
const ALLOWED_TAGS: &[&str] = &[
    "b", "i", "u", "strong", "em", "br", "p", "font", "span", "div", "center", "ul", "ol", "li", "hr", "h1", "h2", "h3",
    "h4", "small", "big",
];
/// Tags that close themselves.
const VOID_TAGS: &[&str] = &["br", "hr"];
/// About what the dialog shows without scrolling.
pub const COMFORTABLE_LENGTH: usize = 600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Handled by the studio; shown so the admin knows.
    Info,
    /// The PC will not show what the admin expects.
    Warning,
    /// The text cannot be stored.
    Error,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Lint {
    pub level: Level,
    pub code: &'static str,
    pub message: String,
}

fn tags(text: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('>') else { break };
        let inner = &after[..end];
        let closing = inner.starts_with('/');
        let name: String = inner
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !name.is_empty() && after.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '/') {
            out.push((closing, name));
        }
        rest = &after[end + 1..];
    }
    out
}

/// What will happen to `text` on the PC, most serious first.
pub fn lint(text: &str, enabled: bool) -> Vec<Lint> {
    let mut v = Vec::new();
    let mut push = |level, code, message: String| v.push(Lint { level, code, message });
    if enabled && text.trim().is_empty() {
        push(Level::Error, "empty", "the user will see an empty dialog: write the message, or turn the notification off".into());
    }
    if let Some(c) = crate::xml::first_forbidden_char(text) {
        push(Level::Error, "control_char", format!("the control character U+{:04X} cannot be stored in info: remove it", c as u32));
    }
    let mut open: Vec<String> = Vec::new();
    for (closing, name) in tags(text) {
        if !ALLOWED_TAGS.contains(&name.as_str()) {
            push(Level::Warning, "tag_not_allowed", format!("<{name}> is not shown as intended in the agent's dialog (it will be removed by the fix); use <b>, <i>, <br>, <p>, <ul>/<li> or <font>"));
            continue;
        }
        if VOID_TAGS.contains(&name.as_str()) {
            continue;
        }
        if closing {
            if let Some(pos) = open.iter().rposition(|n| *n == name) {
                open.truncate(pos);
            } else {
                push(Level::Warning, "unopened_tag", format!("</{name}> closes nothing"));
            }
        } else {
            open.push(name);
        }
    }
    for name in open {
        push(Level::Warning, "unclosed_tag", format!("<{name}> is never closed: the rest of the message will be in that style (the fix closes it)"));
    }
    if text.contains('"') {
        push(Level::Info, "double_quote", "double quotes would cut the message on the PC (it is passed as /MSG=\"…\"): the studio stores them as &quot;, so they are shown".into());
    }
    if !text.is_ascii() {
        push(Level::Info, "non_ascii", "accents and other non-ASCII characters are stored as HTML character references, shown correctly whatever the PC's code page".into());
    }
    if text.contains('\n') {
        push(Level::Info, "line_breaks", "line breaks are stored as <br>".into());
    }
    let shown = agent_html(text).chars().count();
    if text.chars().count() > COMFORTABLE_LENGTH {
        push(Level::Warning, "long", format!("{} characters: the dialog will need scrolling; users read the first lines only", text.chars().count()));
    }
    if shown > 8000 {
        push(Level::Error, "too_long", "the stored text is over 8000 characters: the agent's command line may cut it".into());
    }
    v.sort_by_key(|l| std::cmp::Reverse(l.level as u8));
    v
}

/// Applies the safe fixes: removes tags the dialog does not render, closes unclosed tags, drops control characters,
/// trims trailing blank lines. Quotes, accents and line breaks need no fix: the studio stores them correctly.
pub fn autofix(text: &str) -> String {
    let cleaned: String = text.chars().filter(|&c| !crate::xml::is_forbidden(c) && c != '\r').collect();
    let mut out = String::with_capacity(cleaned.len());
    let mut open: Vec<String> = Vec::new();
    let mut rest = cleaned.as_str();
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('>') {
            Some(end) if after.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '/') => {
                let inner = &after[..end];
                let closing = inner.starts_with('/');
                let name: String = inner.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
                if ALLOWED_TAGS.contains(&name.as_str()) {
                    let keep = if VOID_TAGS.contains(&name.as_str()) {
                        true
                    } else if closing {
                        match open.iter().rposition(|n| *n == name) {
                            Some(pos) => {
                                open.truncate(pos);
                                true
                            }
                            None => false,
                        }
                    } else {
                        open.push(name);
                        true
                    };
                    if keep {
                        out.push('<');
                        out.push_str(inner);
                        out.push('>');
                    }
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    while let Some(name) = open.pop() {
        out.push_str(&format!("</{name}>"));
    }
    out.trim_end().to_string()
}

/// Lints as manifest warnings (for build reports).
pub fn as_warnings(text: &str, enabled: bool) -> Vec<Warning> {
    lint(text, enabled).into_iter().filter(|l| l.level != Level::Info).map(|l| Warning { code: l.code, message: l.message }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_goes_wrong() {
        let l = lint("Fermez \"Outlook\" <b>maintenant\n<script>x</script>", true);
        let codes: Vec<&str> = l.iter().map(|l| l.code).collect();
        assert!(codes.contains(&"tag_not_allowed"), "{codes:?}");
        assert!(codes.contains(&"unclosed_tag"), "{codes:?}");
        assert!(codes.contains(&"double_quote"), "{codes:?}");
        assert_eq!(l[0].level, Level::Warning, "most serious first");
        assert_eq!(lint("", true)[0].code, "empty");
        assert!(lint("ok <b>fine</b>", true).is_empty());
    }

    #[test]
    fn autofix_keeps_meaning_and_removes_danger() {
        assert_eq!(autofix("<b>Attention</b> <script>alert(1)</script><i>bientôt\n\n"), "<b>Attention</b> alert(1)<i>bientôt</i>");
        assert_eq!(autofix("a < b </b> c"), "a < b  c");
        assert!(lint(&autofix("<u>x<b>y"), true).iter().all(|l| l.level == Level::Info));
    }
}
