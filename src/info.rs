//! The `info` file: one `<DOWNLOAD …/>` element describing the package, in the console's exact byte layout.
//! Values are XML-escaped once (the legacy console's rule); notification texts are stored as agent-ready HTML.

use crate::digest::{DigestAlgo, DigestEncoding};
use crate::manifest::{Manifest, Protocol};
use crate::notify::agent_html;
use crate::xml::escape_attr;

/// The first line of every `info` file.
pub const XML_DECL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// The attributes in the order the console writes them; `ACTION` stands for PATH | NAME | COMMAND.
pub const ATTRIBUTE_ORDER: [&str; 17] = [
    "ID",
    "PRI",
    "ACT",
    "DIGEST",
    "PROTO",
    "FRAGS",
    "DIGEST_ALGO",
    "DIGEST_ENCODE",
    "ACTION",
    "NOTIFY_USER",
    "NOTIFY_TEXT",
    "NOTIFY_COUNTDOWN",
    "NOTIFY_CAN_ABORT",
    "NOTIFY_CAN_DELAY",
    "NEED_DONE_ACTION",
    "NEED_DONE_ACTION_TEXT",
    "GARDEFOU",
];

/// The values of an `info` file as the agent holds them after XML parsing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Info {
    pub id: String,
    pub pri: String,
    pub act: String,
    pub digest: String,
    pub proto: String,
    pub frags: String,
    pub digest_algo: String,
    pub digest_encode: String,
    /// `PATH`, `NAME` or `COMMAND`.
    pub action_attr: String,
    pub action_value: String,
    pub notify_user: String,
    pub notify_text: String,
    pub notify_countdown: String,
    pub notify_can_abort: String,
    pub notify_can_delay: String,
    pub need_done_action: String,
    pub need_done_action_text: String,
    pub gardefou: String,
}

fn flag(b: bool) -> String {
    if b { "1" } else { "0" }.to_string()
}

impl Info {
    /// The values for a manifest built as package `id` with the given archive digest and fragment count.
    /// A package without fragments gets `DIGEST=""` and `FRAGS="0"`, as the console writes it.
    pub fn for_manifest(m: &Manifest, id: u64, digest: &str, frags: usize) -> Info {
        let n = &m.notification;
        let d = &m.after_install;
        let (attr, value) = m.action.attribute();
        Info {
            id: id.to_string(),
            pri: m.package.priority.to_string(),
            act: m.action.act().to_string(),
            digest: digest.to_string(),
            proto: m.package.protocol.as_info().to_string(),
            frags: frags.to_string(),
            digest_algo: m.digest.algorithm.as_info().to_string(),
            digest_encode: m.digest.encoding.as_info().to_string(),
            action_attr: attr.to_string(),
            action_value: value.to_string(),
            notify_user: flag(n.enabled),
            notify_text: if n.enabled { agent_html(&n.text) } else { String::new() },
            notify_countdown: if n.enabled { n.countdown.to_string() } else { String::new() },
            notify_can_abort: flag(n.enabled && n.can_abort),
            notify_can_delay: flag(n.enabled && n.can_delay),
            need_done_action: flag(d.enabled),
            need_done_action_text: if d.enabled { agent_html(&d.text) } else { String::new() },
            gardefou: "rien".to_string(),
        }
    }

    /// (attribute name, value) in the console's order.
    pub fn attributes(&self) -> Vec<(&str, &str)> {
        vec![
            ("ID", &self.id),
            ("PRI", &self.pri),
            ("ACT", &self.act),
            ("DIGEST", &self.digest),
            ("PROTO", &self.proto),
            ("FRAGS", &self.frags),
            ("DIGEST_ALGO", &self.digest_algo),
            ("DIGEST_ENCODE", &self.digest_encode),
            (self.action_attr.as_str(), &self.action_value),
            ("NOTIFY_USER", &self.notify_user),
            ("NOTIFY_TEXT", &self.notify_text),
            ("NOTIFY_COUNTDOWN", &self.notify_countdown),
            ("NOTIFY_CAN_ABORT", &self.notify_can_abort),
            ("NOTIFY_CAN_DELAY", &self.notify_can_delay),
            ("NEED_DONE_ACTION", &self.need_done_action),
            ("NEED_DONE_ACTION_TEXT", &self.need_done_action_text),
            ("GARDEFOU", &self.gardefou),
        ]
    }

    /// The file's bytes: XML declaration, LF, one `<DOWNLOAD …/>` line, LF. Every attribute is followed by one space.
    pub fn to_xml(&self) -> String {
        let mut s = String::with_capacity(512);
        s.push_str(XML_DECL);
        s.push('\n');
        s.push_str("<DOWNLOAD ");
        for (k, v) in self.attributes() {
            s.push_str(k);
            s.push_str("=\"");
            s.push_str(&escape_attr(v));
            s.push_str("\" ");
        }
        s.push_str("/>\n");
        s
    }

    /// The digest algorithm and encoding, if the agents know them.
    pub fn digest_kind(&self) -> Option<(DigestAlgo, DigestEncoding)> {
        Some((DigestAlgo::from_info(&self.digest_algo)?, DigestEncoding::from_info(&self.digest_encode)?))
    }

    pub fn protocol(&self) -> Option<Protocol> {
        match self.proto.as_str() {
            "HTTP" => Some(Protocol::Http),
            "HTTPS" => Some(Protocol::Https),
            _ => None,
        }
    }
}

/// An `info` file parsed the way an agent parses it: XML well-formedness first, then attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedInfo {
    pub root: String,
    /// Attributes in file order, values unescaped.
    pub attributes: Vec<(String, String)>,
}

impl ParsedInfo {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the info file is not well-formed XML ({0}): the Unix agent's download worker would die on it")]
pub struct InfoParseError(pub String);

/// Parses `info` with a strict XML parser (what XML::Simple does on the Unix agent).
pub fn parse(bytes: &[u8]) -> Result<ParsedInfo, InfoParseError> {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(bytes).map_err(|e| InfoParseError(format!("not UTF-8: {e}")))?;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut found: Option<ParsedInfo> = None;
    let mut depth = 0usize;
    loop {
        let ev = reader.read_event().map_err(|e| InfoParseError(format!("at byte {}: {e}", reader.buffer_position())))?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if depth == 0 {
                    if found.is_some() {
                        return Err(InfoParseError("more than one root element".into()));
                    }
                    let mut attributes = Vec::new();
                    for a in e.attributes() {
                        let a = a.map_err(|e| InfoParseError(e.to_string()))?;
                        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                        if attributes.iter().any(|(k, _): &(String, String)| *k == key) {
                            return Err(InfoParseError(format!("attribute {key} appears twice")));
                        }
                        let value = a.unescape_value().map_err(|e| InfoParseError(format!("attribute {key}: {e}")))?;
                        attributes.push((key, value.into_owned()));
                    }
                    found = Some(ParsedInfo { root: String::from_utf8_lossy(e.name().as_ref()).into_owned(), attributes });
                }
                if matches!(ev, Event::Start(_)) {
                    depth += 1;
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(t) if depth == 0 && !t.iter().all(u8::is_ascii_whitespace) => {
                return Err(InfoParseError("text outside the DOWNLOAD element".into()));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    found.ok_or_else(|| InfoParseError("no DOWNLOAD element".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{Action, TargetOs};
    use crate::notify::{DoneMessage, Notification};
    use std::path::Path;

    fn manifest() -> Manifest {
        let mut m = Manifest::for_folder(Path::new("."), TargetOs::Windows);
        m.package.name = "App".into();
        m
    }

    #[test]
    fn notification_off_writes_console_defaults() {
        let m = manifest();
        let xml = Info::for_manifest(&m, 1700000000, "9e107d9d372bb6826bd81d3542a419d6", 1).to_xml();
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DOWNLOAD ID=\"1700000000\" PRI=\"5\" ACT=\"LAUNCH\" DIGEST=\"9e107d9d372bb6826bd81d3542a419d6\" PROTO=\"HTTP\" FRAGS=\"1\" DIGEST_ALGO=\"MD5\" DIGEST_ENCODE=\"Hexa\" NAME=\"install.bat\" NOTIFY_USER=\"0\" NOTIFY_TEXT=\"\" NOTIFY_COUNTDOWN=\"\" NOTIFY_CAN_ABORT=\"0\" NOTIFY_CAN_DELAY=\"0\" NEED_DONE_ACTION=\"0\" NEED_DONE_ACTION_TEXT=\"\" GARDEFOU=\"rien\" />\n"
        );
    }

    #[test]
    fn reference_example_keeps_quotes_and_html() {
        // Reference §2.5 input, written the studio's way: the command keeps its quotes, the text its HTML.
        let mut m = manifest();
        m.action = Action::Execute { command: r#"msiexec /i "App Setup.msi" /qn"#.into() };
        m.notification = Notification {
            enabled: true,
            text: "L'application \"App\" va être installée.<br>Merci & bonne journée".into(),
            countdown: 60,
            can_abort: true,
            can_delay: false,
        };
        m.after_install = DoneMessage { enabled: true, text: r"Installed in C:\Apps".into() };
        let info = Info::for_manifest(&m, 1717171717, "9e107d9d372bb6826bd81d3542a419d6", 1);
        let xml = info.to_xml();
        assert!(xml.contains(r#" COMMAND="msiexec /i &quot;App Setup.msi&quot; /qn" "#), "{xml}");
        assert!(xml.contains(r#" NOTIFY_TEXT="L&#039;application &amp;quot;App&amp;quot; va &amp;#234;tre install&amp;#233;e.&lt;br&gt;Merci &amp;amp; bonne journ&amp;#233;e" "#), "{xml}");
        assert!(xml.contains(r#" NEED_DONE_ACTION_TEXT="Installed in C:&amp;#92;Apps" "#), "{xml}");
        assert!(xml.ends_with("GARDEFOU=\"rien\" />\n"));

        let parsed = parse(xml.as_bytes()).unwrap();
        assert_eq!(parsed.root, "DOWNLOAD");
        let names: Vec<&str> = parsed.attributes.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names[8], "COMMAND");
        assert_eq!(parsed.get("COMMAND"), Some(r#"msiexec /i "App Setup.msi" /qn"#));
        let text = parsed.get("NOTIFY_TEXT").unwrap();
        assert!(!text.contains('"'), "a raw quote would cut /MSG=\"…\": {text}");
        assert_eq!(text, "L'application &quot;App&quot; va &#234;tre install&#233;e.<br>Merci &amp; bonne journ&#233;e");
    }

    #[test]
    fn parser_rejects_what_the_unix_agent_rejects() {
        assert!(parse(b"<?xml version=\"1.0\"?>\n<DOWNLOAD NOTIFY_TEXT=\"a & b\" />").is_err());
        assert!(parse(b"<DOWNLOAD A=\"1\" A=\"2\" />").is_err());
        assert!(parse(b"").is_err());
    }
}
