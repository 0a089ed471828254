//! User notification of a package (Windows agent only): the options, and the text as the agent must receive it.
//! The Windows agent shows `NOTIFY_TEXT` through `OcsNotifyUser.exe /MSG="…"` in an HTML view, so the stored value
//! is HTML in which no literal double quote survives (it would cut the message) — see reference §2.3 and §7.6.

pub mod library;
pub mod lint;
pub mod preview;

pub use lint::{autofix, lint, Level, Lint, LintCode, LintField};
pub use preview::preview_html;

/// The pre-install dialog.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Notification {
    /// Show a message before installing (`NOTIFY_USER`).
    pub enabled: bool,
    /// The message, as the admin writes it: plain text or simple HTML; line breaks are kept.
    pub text: String,
    /// Seconds before the installation starts by itself; 0 waits for the user (seed: 0).
    pub countdown: u32,
    /// Show a Cancel button (seed: no). Cancel reports ERR_ABORTED.
    pub can_abort: bool,
    /// Show a Delay button (seed: yes, except for urgent updates).
    pub can_delay: bool,
}

impl Default for Notification {
    fn default() -> Self {
        Notification { enabled: false, text: String::new(), countdown: 0, can_abort: false, can_delay: true }
    }
}

/// Changes to the dialog's options from outside the manifest (command-line flags): each one given replaces the value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DialogChanges {
    pub countdown: Option<u32>,
    /// Show the Cancel button.
    pub can_abort: bool,
    /// Hide the Delay button.
    pub no_delay: bool,
    /// Show this text after the installation.
    pub done_text: Option<String>,
}

impl DialogChanges {
    /// Applies the changes to `n`, and to `done` when an end-of-installation text is given.
    pub fn apply(&self, n: &mut Notification, done: &mut DoneMessage) {
        if let Some(c) = self.countdown {
            n.countdown = c;
        }
        n.can_abort |= self.can_abort;
        if self.no_delay {
            n.can_delay = false;
        }
        if let Some(t) = &self.done_text {
            *done = DoneMessage { enabled: true, text: t.clone() };
        }
    }
}

/// The message shown after the installation (`NEED_DONE_ACTION`).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DoneMessage {
    pub enabled: bool,
    pub text: String,
}

/// What the Notification screen (and `notify-preview`) asks: the options as typed, the language of the dialog's
/// buttons, and whether to apply the safe fixes first.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PreviewRequest {
    pub notification: Notification,
    pub done: DoneMessage,
    pub french: bool,
    pub autofix: bool,
}

/// The text as it will be stored and shown, its lint, and the dialogs drawn as the PC draws them.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, serde::Serialize)]
pub struct PreviewOutput {
    /// The text after the fixes (the typed text when none was asked).
    pub text: String,
    /// The end-of-installation text after the fixes.
    pub done_text: String,
    /// `NOTIFY_TEXT` as the agent receives it.
    pub agent_html: String,
    /// `NEED_DONE_ACTION_TEXT` as the agent receives it.
    pub done_html: String,
    /// Most serious first; with the end-of-installation text's own, if it has any.
    pub lints: Vec<Lint>,
    /// Both dialogs (those the options turn on) as a self-contained HTML fragment with its style.
    pub preview_html: String,
    /// No lint is an error: the text can be built.
    pub ok: bool,
}

/// One preview, for each keystroke of the Notification screen and for `notify-preview`.
pub fn preview(req: &PreviewRequest) -> PreviewOutput {
    let mut n = req.notification.clone();
    let mut done = req.done.clone();
    if req.autofix {
        n.text = autofix(&n.text);
        done.text = autofix(&done.text);
    }
    let mut lints = lint(&n.text, n.enabled);
    if done.enabled {
        lints.extend(lint(&done.text, true).into_iter().map(|l| Lint { message: format!("end-of-installation text: {}", l.message), field: LintField::DoneText, ..l }));
        lints.sort_by_key(|l| std::cmp::Reverse(l.level as u8));
    }
    let ok = !lints.iter().any(|l| l.level == Level::Error);
    PreviewOutput {
        agent_html: agent_html(&n.text),
        done_html: agent_html(&done.text),
        preview_html: preview_html(&n, &done, req.french),
        text: n.text,
        done_text: done.text,
        lints,
        ok,
    }
}

/// Tags after which a typed line break is already a visual break, so no `<br>` is added for it.
const BREAKING_TAGS: &[&str] = &[
    "br", "p", "/p", "div", "/div", "li", "/li", "ul", "/ul", "ol", "/ol", "hr", "table", "/table", "tr", "/tr",
    "/h1", "/h2", "/h3", "/h4", "/h5", "/h6",
];

/// Turns an admin's text into the HTML value the Windows agent must hold after parsing `info`:
/// line breaks become `<br>`, `"` outside tags becomes `&quot;` (inside tags `'`), stray `&`, `<`, `>` become
/// entities, `\` and every non-ASCII character become numeric references (safe through any code page).
/// Tags the admin typed (`<b>`, `<br>`, `<font …>`) are kept, so the PC renders them.
pub fn agent_html(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim_end();
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut last_tag_breaks = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '<' => {
                if let Some(end) = tag_end(&chars, i) {
                    let tag: String = chars[i..=end].iter().collect();
                    let tag = tag.replace('"', "'").replace('\n', " ");
                    last_tag_breaks = BREAKING_TAGS.contains(&tag_name(&tag).as_str());
                    push_ascii_safe(&mut out, &tag);
                    i = end + 1;
                    continue;
                }
                out.push_str("&lt;");
            }
            '&' => {
                if let Some(len) = entity_len(&chars[i..]) {
                    out.extend(&chars[i..i + len]);
                    i += len;
                    last_tag_breaks = false;
                    continue;
                }
                out.push_str("&amp;");
            }
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // The Windows agent passes the text on a command line (`/MSG="…"`), where ` /delay`, ` /nocancel` or
            // ` /reboot` would act as switches: outside tags a slash is stored as a character reference.
            '/' => out.push_str("&#47;"),
            '\n' => {
                if !last_tag_breaks {
                    out.push_str("<br>");
                }
                last_tag_breaks = false;
                i += 1;
                continue;
            }
            c => push_ascii_safe(&mut out, &c.to_string()),
        }
        last_tag_breaks = false;
        i += 1;
    }
    out
}

fn push_ascii_safe(out: &mut String, s: &str) {
    for c in s.chars() {
        if c == '\\' || !c.is_ascii() {
            out.push_str(&format!("&#{};", c as u32));
        } else {
            out.push(c);
        }
    }
}

/// Index of the `>` closing a tag that starts at `start` (`<b>`, `</p>`, `<br/>`, `<!-- -->`), if it is one.
fn tag_end(chars: &[char], start: usize) -> Option<usize> {
    let next = *chars.get(start + 1)?;
    if !(next.is_ascii_alphabetic() || next == '/' || next == '!') {
        return None;
    }
    chars[start + 1..].iter().position(|&c| c == '>' || c == '<').and_then(|p| {
        let idx = start + 1 + p;
        (chars[idx] == '>').then_some(idx)
    })
}

fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('<')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Length of an HTML character reference starting at `chars[0] == '&'`, if it is one.
fn entity_len(chars: &[char]) -> Option<usize> {
    let semi = chars.iter().take(34).position(|&c| c == ';')?;
    let body: String = chars[1..semi].iter().collect();
    let ok = if let Some(num) = body.strip_prefix('#') {
        if let Some(hex) = num.strip_prefix(['x', 'X']) {
            !hex.is_empty() && hex.len() <= 6 && hex.chars().all(|c| c.is_ascii_hexdigit())
        } else {
            !num.is_empty() && num.len() <= 7 && num.chars().all(|c| c.is_ascii_digit())
        }
    } else {
        body.len() >= 2
            && body.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && body.chars().all(|c| c.is_ascii_alphanumeric())
    };
    ok.then_some(semi + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_newlines_accents_and_tags() {
        let html = agent_html("L'application \"App\" va être installée.\n<b>Merci</b> & bonne journée");
        assert_eq!(
            html,
            "L'application &quot;App&quot; va &#234;tre install&#233;e.<br><b>Merci</b> &amp; bonne journ&#233;e"
        );
        assert!(!html.contains('"'));
    }

    #[test]
    fn keeps_entities_and_tag_attributes_without_double_quotes() {
        assert_eq!(agent_html("&eacute;t&#233; <font color=\"red\">x</font>"), "&eacute;t&#233; <font color='red'>x</font>");
    }

    #[test]
    fn stray_angle_brackets_and_backslashes() {
        assert_eq!(agent_html("a < b > c"), "a &lt; b &gt; c");
        assert_eq!(agent_html(r"C:\Apps"), "C:&#92;Apps");
        assert_eq!(agent_html("<3"), "&lt;3");
    }

    #[test]
    fn no_double_break_after_a_typed_br() {
        assert_eq!(agent_html("one<br>\ntwo\r\nthree\n\n"), "one<br>two<br>three");
        assert_eq!(agent_html("<p>a</p>\n<p>b</p>"), "<p>a</p><p>b</p>");
    }
}
