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

/// What a lint is about; the window words each one in its language from the code, `subject` and `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum LintCode {
    /// The notification is on and its text is empty.
    Empty,
    /// A control character (`subject`: "U+0007") cannot be stored.
    ControlChar,
    /// A tag (`subject`) the dialog does not render.
    TagNotAllowed,
    /// A closing tag (`subject`) that closes nothing.
    UnopenedTag,
    /// A tag (`subject`) never closed.
    UnclosedTag,
    /// Double quotes: stored as `&quot;` (handled).
    DoubleQuote,
    /// A ` /word` the agent's dialog would take as its own switch (`subject`): stored as `&#47;` (handled).
    SlashSwitch,
    /// Accents: stored as character references (handled).
    NonAscii,
    /// Line breaks: stored as `<br>` (handled).
    LineBreaks,
    /// `count` characters: the dialog will scroll.
    Long,
    /// Over 8000 characters once stored (`count`).
    TooLong,
}

/// Which text a lint is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum LintField {
    Text,
    DoneText,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Lint {
    pub level: Level,
    pub code: LintCode,
    pub field: LintField,
    /// The tag, character or switch the lint is about.
    pub subject: Option<String>,
    /// The length the lint is about.
    pub count: Option<u32>,
    /// The lint in English (the command line's wording).
    pub message: String,
}

/// The switches of the agent's notification dialog (`OcsNotifyUser.exe`), which a ` /word` in the text would set.
const DIALOG_SWITCHES: &[&str] = &["delay", "nocancel", "reboot", "timeout", "msg", "preinstall", "postinstall"];

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
    let mut push = |level, code, subject: Option<String>, count: Option<usize>, message: String| {
        v.push(Lint { level, code, field: LintField::Text, subject, count: count.map(|c| c.min(u32::MAX as usize) as u32), message })
    };
    if enabled && text.trim().is_empty() {
        push(Level::Error, LintCode::Empty, None, None, "the user will see an empty dialog: write the message, or turn the notification off".into());
    }
    if let Some(c) = crate::xml::first_forbidden_char(text) {
        let u = format!("U+{:04X}", c as u32);
        push(Level::Error, LintCode::ControlChar, Some(u.clone()), None, format!("the control character {u} cannot be stored in info: remove it"));
    }
    let mut open: Vec<String> = Vec::new();
    for (closing, name) in tags(text) {
        if !ALLOWED_TAGS.contains(&name.as_str()) {
            let m = format!("<{name}> is not shown as intended in the agent's dialog (it will be removed by the fix); use <b>, <i>, <br>, <p>, <ul>/<li> or <font>");
            push(Level::Warning, LintCode::TagNotAllowed, Some(name), None, m);
            continue;
        }
        if VOID_TAGS.contains(&name.as_str()) {
            continue;
        }
        if closing {
            if let Some(pos) = open.iter().rposition(|n| *n == name) {
                open.truncate(pos);
            } else {
                push(Level::Warning, LintCode::UnopenedTag, Some(name.clone()), None, format!("</{name}> closes nothing"));
            }
        } else {
            open.push(name);
        }
    }
    for name in open {
        let m = format!("<{name}> is never closed: the rest of the message will be in that style (the fix closes it)");
        push(Level::Warning, LintCode::UnclosedTag, Some(name), None, m);
    }
    if text.contains('"') {
        push(Level::Info, LintCode::DoubleQuote, None, None, "double quotes would cut the message on the PC (it is passed as /MSG=\"…\"): the studio stores them as &quot;, so they are shown".into());
    }
    if let Some(switch) = slash_switch(text) {
        let m = format!("\"/{switch}\" would act as the dialog's own /{switch} switch on the PC (the text is passed on a command line): the studio stores the slash as &#47;, so it is shown as typed");
        push(Level::Info, LintCode::SlashSwitch, Some(format!("/{switch}")), None, m);
    }
    if !text.is_ascii() {
        push(Level::Info, LintCode::NonAscii, None, None, "accents and other non-ASCII characters are stored as HTML character references, shown correctly whatever the PC's code page".into());
    }
    if text.contains('\n') {
        push(Level::Info, LintCode::LineBreaks, None, None, "line breaks are stored as <br>".into());
    }
    let shown = agent_html(text).chars().count();
    let typed = text.chars().count();
    if typed > COMFORTABLE_LENGTH {
        push(Level::Warning, LintCode::Long, None, Some(typed), format!("{typed} characters: the dialog will need scrolling; users read the first lines only"));
    }
    if shown > 8000 {
        push(Level::Error, LintCode::TooLong, None, Some(shown), format!("the stored text is {shown} characters, over 8000: the agent's command line may cut it"));
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

/// The first ` /word` (after a space or at the start) that is one of the dialog's switches, lower-cased.
fn slash_switch(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let mut prev = ' ';
    for (i, c) in lower.char_indices() {
        if c == '/' && prev.is_whitespace() {
            let word: String = lower[i + 1..].chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            if DIALOG_SWITCHES.contains(&word.as_str()) {
                return Some(word);
            }
        }
        prev = c;
    }
    None
}

/// Lints as manifest warnings (for build reports).
pub fn as_warnings(text: &str, enabled: bool) -> Vec<Warning> {
    lint(text, enabled).into_iter().filter(|l| l.level != Level::Info).map(|l| Warning { code: l.code.into(), message: l.message }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_goes_wrong() {
        let l = lint("Fermez \"Outlook\" <b>maintenant\n<script>x</script>", true);
        let codes: Vec<LintCode> = l.iter().map(|l| l.code).collect();
        assert!(codes.contains(&LintCode::TagNotAllowed), "{codes:?}");
        assert!(codes.contains(&LintCode::UnclosedTag), "{codes:?}");
        assert!(codes.contains(&LintCode::DoubleQuote), "{codes:?}");
        let tag = l.iter().find(|l| l.code == LintCode::TagNotAllowed).unwrap();
        assert_eq!(tag.subject.as_deref(), Some("script"), "the window words the lint from its subject");
        assert_eq!(l[0].level, Level::Warning, "most serious first");
        assert_eq!(lint("", true)[0].code, LintCode::Empty);
        assert!(lint("ok <b>fine</b>", true).is_empty());
        let long = lint(&"a".repeat(700), true);
        assert_eq!((long[0].code, long[0].count), (LintCode::Long, Some(700)));
    }

    /// A ` /delay` typed in the text would be one of the dialog's switches on the agent's command line: it is
    /// reported and stored as `&#47;`, so the PC shows it and the dialog's options stay as chosen.
    #[test]
    fn a_dialog_switch_in_the_text_is_reported_and_neutralised() {
        for (text, switch) in [("Cliquez sur Reporter /delay si besoin", "/delay"), ("Redémarrage /REBOOT prévu", "/reboot"), ("x\n/nocancel", "/nocancel")] {
            let l = lint(text, true);
            let s = l.iter().find(|l| l.code == LintCode::SlashSwitch).unwrap_or_else(|| panic!("{text}: {l:?}"));
            assert_eq!(s.subject.as_deref(), Some(switch));
            assert_eq!(s.level, Level::Info);
            let stored = agent_html(text);
            assert!(!stored.to_lowercase().contains(switch), "{stored}");
            assert!(stored.to_lowercase().contains(&format!("&#47;{}", &switch[1..])), "{stored}");
        }
        // Slashes that are no switch are not reported; the closing tags keep theirs.
        assert!(lint("24/7 et/ou http://intranet/aide", true).iter().all(|l| l.code != LintCode::SlashSwitch));
        assert_eq!(agent_html("<b>a/b</b>"), "<b>a&#47;b</b>");
    }

    #[test]
    fn autofix_keeps_meaning_and_removes_danger() {
        assert_eq!(autofix("<b>Attention</b> <script>alert(1)</script><i>bientôt\n\n"), "<b>Attention</b> alert(1)<i>bientôt</i>");
        assert_eq!(autofix("a < b </b> c"), "a < b  c");
        assert!(lint(&autofix("<u>x<b>y"), true).iter().all(|l| l.level == Level::Info));
    }
}
