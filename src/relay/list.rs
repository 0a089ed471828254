//! The redistribution servers the admin keeps (`relays.toml` in the settings folder) and the plain text list they
//! are imported from: one server per line, as the shell scripts of the procedure read it.
//!
//! ```text
//! # comments and blank lines are ignored
//! relay-bordeaux.example.org                       # user, folder and address from the defaults
//! ocs@relay-pau.example.org:2222 /srv/www/download relay-pau.example.org/download
//! root@10.1.2.3:/var/www/download                   # scp style: user@host:/folder
//! name=limoges root@10.1.4.5 /var/www/download 10.1.4.5/download
//! ```
//!
//! Fields: an optional `name=…` (default: the host), `[user@]host[:port]` or scp's `[user@]host:/folder`, then
//! optionally the download folder and the address agents use (host/path, no scheme).

use std::path::{Path, PathBuf};

use super::RelayError;
use crate::ssh::SshTarget;

/// A redistribution server: where the studio copies packages (SSH) and where agents fetch them (HTTP/HTTPS).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Relay {
    /// A short name for reports and commands (`relay-pau`).
    pub name: String,
    pub ssh: SshTarget,
    /// The folder the web server publishes as `/download` (packages go to `<folder>/<ID>/`).
    pub download_dir: String,
    /// The address agents use for it, host[:port]/path without scheme, e.g. `relay-pau.example.org/download`.
    pub url: String,
}

/// Defaults for the fields a list line leaves out.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RelayDefaults {
    pub user: String,
    pub download_dir: String,
    /// The SSH key file to use for every imported server (None: agent, default keys, password).
    pub key: Option<PathBuf>,
}

impl Default for RelayDefaults {
    fn default() -> Self {
        // OCS's own default for a redistribution server's document root (config DOWNLOAD_SERVER_DOCROOT).
        RelayDefaults { user: "root".into(), download_dir: "/var/www/download".into(), key: None }
    }
}

/// One line of a list that could not be read.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ListProblem {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub line: usize,
    pub text: String,
    /// What is wrong, for the window's sentence in its language.
    pub code: ListProblemCode,
    /// The part of the line at fault (the address, the folder, the word…), empty when the line lacks something.
    pub part: String,
    /// The whole reason, in English (the command line's message).
    pub reason: String,
}

/// What makes a list line unreadable.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ListProblemCode {
    /// `name=…` and nothing else.
    NoServer,
    /// The SSH address cannot be read.
    Address,
    /// The download folder is not an absolute path.
    Folder,
    /// The agents' address is not host[:port]/path.
    AgentsAddress,
    /// The name has characters a name cannot have.
    Name,
    /// More words than a line holds.
    Extra,
    /// Another line already has that name.
    Duplicate,
}

/// Why a list line was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub code: ListProblemCode,
    pub part: String,
    pub reason: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

/// What an import did.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RelayImportOutput {
    pub added: Vec<Relay>,
    /// Servers already in the list (same name): updated with the line's values.
    pub updated: Vec<String>,
    pub problems: Vec<ListProblem>,
    /// The whole list after the import.
    pub relays: Vec<Relay>,
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 64 || !name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
        return Err(format!("the name '{name}' must be 1 to 64 letters, digits, '.', '_' or '-'"));
    }
    Ok(())
}

/// Checks an agent address (host[:port]/path, no scheme) as the agents use it.
pub fn check_url(url: &str) -> Result<String, String> {
    let u = url.trim().trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/').to_string();
    let host = u.split('/').next().unwrap_or("");
    if host.is_empty() || u.chars().any(char::is_whitespace) {
        return Err(format!("the address '{url}' must be host[:port]/path, e.g. relay1.example.org/download"));
    }
    Ok(u)
}

fn check_dir(dir: &str) -> Result<(), String> {
    if !dir.starts_with('/') || dir.contains('\n') || dir.split('/').any(|p| p == "..") {
        return Err(format!("the download folder '{dir}' must be an absolute path on the server, e.g. /var/www/download"));
    }
    Ok(())
}

impl Relay {
    /// Checks every field; the error names the field and how to fix it.
    pub fn validate(&self) -> Result<(), String> {
        check_name(&self.name)?;
        check_dir(&self.download_dir)?;
        check_url(&self.url)?;
        Ok(())
    }
}

/// The "add a server" form as the admin fills it (the window's, the CLI's `relay add`). Empty name and address
/// for the agents take the list import's defaults: the host, and `<host>/download`.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RelayForm {
    pub name: String,
    /// `[user@]host[:port]` of its SSH server (the default user when none).
    pub address: String,
    pub key: Option<PathBuf>,
    /// Taken as typed: the form starts with the default folder, and an emptied one is refused.
    pub download_dir: String,
    pub url: String,
}

/// The server a form describes, checked (the error names the field and how to fix it).
pub fn relay_from_form(form: &RelayForm, defaults: &RelayDefaults) -> Result<Relay, RelayError> {
    let mut ssh = SshTarget::parse(&form.address, &defaults.user).map_err(|e| RelayError::Address(Box::new(e)))?;
    ssh.key = form.key.clone().filter(|k| !k.as_os_str().is_empty());
    let name = form.name.trim();
    let url = if form.url.trim().is_empty() { default_url(&ssh.host) } else { check_url(&form.url).map_err(RelayError::Invalid)? };
    let r = Relay { name: if name.is_empty() { default_name(&ssh.host) } else { name.to_string() }, download_dir: form.download_dir.trim().to_string(), url, ssh };
    r.validate().map_err(RelayError::Invalid)?;
    Ok(r)
}

/// Adds the server of the form (or changes the one of that name): the server, and the whole list kept.
pub fn add_relay(form: &RelayForm, defaults: &RelayDefaults) -> Result<(Relay, Vec<Relay>), RelayError> {
    let r = relay_from_form(form, defaults)?;
    let list = save_relay(&r)?;
    Ok((r, list))
}

/// The name of a server given none: its host, an IPv6 address's colons as dashes (names are letters, digits,
/// '.', '_' and '-'), at most 64 characters.
fn default_name(host: &str) -> String {
    host.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '-' }).take(64).collect()
}

/// Where agents fetch from a server with no address given: `<host>/download` (an IPv6 host in brackets).
fn default_url(host: &str) -> String {
    if host.contains(':') { format!("[{host}]/download") } else { format!("{host}/download") }
}

/// Reads one line (already stripped of comments); `None` for a blank line.
pub fn parse_line(line: &str, defaults: &RelayDefaults) -> Option<Result<Relay, LineError>> {
    let mut words: Vec<&str> = line.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let mut name = None;
    if let Some(n) = words[0].strip_prefix("name=") {
        name = Some(n.to_string());
        words.remove(0);
    }
    let fail = |code, part: &str, reason: String| LineError { code, part: part.to_string(), reason };
    Some((|| {
        let first = *words.first().ok_or_else(|| fail(ListProblemCode::NoServer, "", "a name but no server".into()))?;
        // scp style: host:/folder
        let (addr, scp_dir) = match first.find(":/") {
            Some(i) if !first.starts_with('[') => (&first[..i], Some(first[i + 1..].to_string())),
            _ => (first, None),
        };
        let mut ssh = SshTarget::parse(addr, &defaults.user).map_err(|e| fail(ListProblemCode::Address, addr, e.to_string()))?;
        ssh.key = defaults.key.clone();
        let mut rest = words[1..].iter();
        let download_dir = match scp_dir {
            Some(d) => d,
            None => rest.next().map(|s| s.to_string()).unwrap_or_else(|| defaults.download_dir.clone()),
        };
        let url = rest.next().map(|s| s.to_string()).unwrap_or_else(|| default_url(&ssh.host));
        if let Some(extra) = rest.next() {
            return Err(fail(ListProblemCode::Extra, extra, format!("unexpected '{extra}': a line is [name=N] [user@]host[:port] [folder] [address]")));
        }
        let url = check_url(&url).map_err(|e| fail(ListProblemCode::AgentsAddress, &url, e))?;
        let name = name.unwrap_or_else(|| default_name(&ssh.host));
        check_name(&name).map_err(|e| fail(ListProblemCode::Name, &name, e))?;
        check_dir(&download_dir).map_err(|e| fail(ListProblemCode::Folder, &download_dir, e))?;
        Ok(Relay { name, ssh, download_dir, url })
    })())
}

/// Reads a whole list: the servers, and the lines that could not be read (with their number and reason).
pub fn parse_list(text: &str, defaults: &RelayDefaults) -> (Vec<Relay>, Vec<ListProblem>) {
    let mut relays: Vec<Relay> = Vec::new();
    let mut problems = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("");
        match parse_line(line, defaults) {
            None => {}
            Some(Ok(r)) => {
                if relays.iter().any(|x| x.name == r.name) {
                    problems.push(ListProblem {
                        line: i + 1,
                        text: raw.trim().to_string(),
                        code: ListProblemCode::Duplicate,
                        reason: format!("the name '{}' is used twice: add name=… to one of the lines", r.name),
                        part: r.name,
                    });
                } else {
                    relays.push(r);
                }
            }
            Some(Err(e)) => problems.push(ListProblem { line: i + 1, text: raw.trim().to_string(), code: e.code, part: e.part, reason: e.reason }),
        }
    }
    (relays, problems)
}

#[derive(Default, serde::Serialize, serde::Deserialize)]
struct File {
    #[serde(default, rename = "relay")]
    relays: Vec<Relay>,
}

fn path() -> PathBuf {
    crate::fsx::config_dir().join("relays.toml")
}

fn load_from(p: &Path) -> Result<Vec<Relay>, RelayError> {
    match std::fs::read_to_string(p) {
        Ok(s) => toml::from_str::<File>(&s).map(|f| f.relays).map_err(|e| RelayError::Settings(format!("{} cannot be read ({e}); fix or delete it", p.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(RelayError::Settings(format!("{}: {e}", p.display()))),
    }
}

fn store(list: &[Relay]) -> Result<(), RelayError> {
    let p = path();
    if let Some(dir) = p.parent() {
        crate::fsx::ensure_settings_dir(dir).map_err(|e| RelayError::Settings(format!("{}: {e}", dir.display())))?;
    }
    let text = toml::to_string(&File { relays: list.to_vec() }).map_err(|e| RelayError::Settings(e.to_string()))?;
    crate::fsx::write_atomic(&p, text.as_bytes()).map_err(|e| RelayError::Settings(format!("{}: {e}", p.display())))
}

/// The kept redistribution servers.
pub fn relays() -> Result<Vec<Relay>, RelayError> {
    load_from(&path())
}

/// Adds `relay`, or replaces the one of the same name.
pub fn save_relay(relay: &Relay) -> Result<Vec<Relay>, RelayError> {
    relay.validate().map_err(RelayError::Invalid)?;
    let mut list = relays()?;
    match list.iter_mut().find(|r| r.name == relay.name) {
        Some(r) => *r = relay.clone(),
        None => list.push(relay.clone()),
    }
    store(&list)?;
    Ok(list)
}

/// Removes the server named `name`.
pub fn remove_relay(name: &str) -> Result<Vec<Relay>, RelayError> {
    let mut list = relays()?;
    let before = list.len();
    list.retain(|r| r.name != name);
    if list.len() == before {
        return Err(RelayError::UnknownRelay { name: name.into(), known: before_names(&list) });
    }
    store(&list)?;
    Ok(list)
}

fn before_names(list: &[Relay]) -> String {
    if list.is_empty() {
        "none is kept yet".into()
    } else {
        list.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// Imports a text list into the kept servers (lines that cannot be read are reported, the others kept).
pub fn import_list(text: &str, defaults: &RelayDefaults) -> Result<RelayImportOutput, RelayError> {
    let (parsed, problems) = parse_list(text, defaults);
    let mut list = relays()?;
    let mut added = Vec::new();
    let mut updated = Vec::new();
    for r in parsed {
        match list.iter_mut().find(|x| x.name == r.name) {
            Some(x) => {
                *x = r.clone();
                updated.push(r.name);
            }
            None => {
                list.push(r.clone());
                added.push(r);
            }
        }
    }
    if !added.is_empty() || !updated.is_empty() {
        store(&list)?;
    }
    Ok(RelayImportOutput { added, updated, problems, relays: list })
}

/// The kept servers named in `names` (all of them when empty), in the list's order.
pub fn select(names: &[String]) -> Result<Vec<Relay>, RelayError> {
    let list = relays()?;
    if list.is_empty() {
        return Err(RelayError::NoRelays);
    }
    if names.is_empty() {
        return Ok(list);
    }
    for n in names {
        if !list.iter().any(|r| &r.name == n) {
            return Err(RelayError::UnknownRelay { name: n.clone(), known: before_names(&list) });
        }
    }
    Ok(list.into_iter().filter(|r| names.contains(&r.name)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_takes_the_host_and_its_download_address_when_left_empty() {
        let d = RelayDefaults::default();
        let form = RelayForm { address: " ocs@relais-pau.example.org:2222 ".into(), download_dir: "/var/www/download".into(), ..Default::default() };
        let r = relay_from_form(&form, &d).unwrap();
        assert_eq!((r.name.as_str(), r.ssh.user.as_str(), r.ssh.port, r.url.as_str()), ("relais-pau.example.org", "ocs", 2222, "relais-pau.example.org/download"));
        let r = relay_from_form(&RelayForm { address: "fd00::5".into(), name: "v6".into(), download_dir: "/srv/dl".into(), url: " dl.example.org/ocs ".into(), key: Some(PathBuf::from("/k")) }, &d).unwrap();
        assert_eq!((r.ssh.user.as_str(), r.url.as_str(), r.ssh.key.as_deref()), ("root", "dl.example.org/ocs", Some(Path::new("/k"))));
        // The agents' address as agents use it: no scheme, no trailing slash (as `relay add --url` always did).
        assert_eq!(relay_from_form(&RelayForm { url: "https://dl.example.org/ocs/".into(), ..form.clone() }, &d).unwrap().url, "dl.example.org/ocs");
        let v6 = relay_from_form(&RelayForm { address: "fd00::5".into(), download_dir: "/d".into(), ..Default::default() }, &d).unwrap();
        assert_eq!((v6.name.as_str(), v6.url.as_str()), ("fd00--5", "[fd00::5]/download"));
        let (listed, problems) = parse_list("[fd00::6]:2200 /d\n", &d);
        assert!(problems.is_empty() && listed[0].name == "fd00--6", "{problems:?}");
        // An unreadable address is the SSH reader's error; an emptied folder is refused, not replaced.
        assert_eq!(relay_from_form(&RelayForm { address: "a@b:99999".into(), ..form.clone() }, &d).unwrap_err().code(), crate::ErrorCode::BadTarget);
        let e = relay_from_form(&RelayForm { download_dir: " ".into(), ..form }, &d).unwrap_err();
        assert!(e.to_string().contains("absolute path"), "{e}");
    }

    #[test]
    fn list_lines_in_every_form() {
        let text = "# relais DRAAF\n\nrelay-a.example.org\nocs@relay-b:2222 /srv/dl relay-b.example.org/download # b\nroot@10.0.0.3:/var/www/download\nname=lim u@[::1]:2200 /d https://[::1]:8443/download/\n";
        let (r, p) = parse_list(text, &RelayDefaults::default());
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(r.len(), 4);
        assert_eq!((r[0].name.as_str(), r[0].ssh.user.as_str(), r[0].ssh.port, r[0].download_dir.as_str(), r[0].url.as_str()), ("relay-a.example.org", "root", 22, "/var/www/download", "relay-a.example.org/download"));
        assert_eq!((r[1].ssh.user.as_str(), r[1].ssh.port, r[1].download_dir.as_str(), r[1].url.as_str()), ("ocs", 2222, "/srv/dl", "relay-b.example.org/download"));
        assert_eq!((r[2].ssh.host.as_str(), r[2].download_dir.as_str(), r[2].url.as_str()), ("10.0.0.3", "/var/www/download", "10.0.0.3/download"));
        assert_eq!((r[3].name.as_str(), r[3].ssh.host.as_str(), r[3].ssh.port, r[3].url.as_str()), ("lim", "::1", 2200, "[::1]:8443/download"));
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let text = "ok.example.org\nu@host:99999\nhost relative/dir\nhost /d addr extra\nok.example.org\nname=bad/name host\n";
        let (r, p) = parse_list(text, &RelayDefaults::default());
        assert_eq!(r.len(), 1);
        let lines: Vec<usize> = p.iter().map(|x| x.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 6], "{p:?}");
        let codes: Vec<ListProblemCode> = p.iter().map(|x| x.code).collect();
        assert_eq!(codes, [ListProblemCode::Address, ListProblemCode::Folder, ListProblemCode::Extra, ListProblemCode::Duplicate, ListProblemCode::Name], "{p:?}");
        assert_eq!((p[0].part.as_str(), p[1].part.as_str(), p[2].part.as_str(), p[4].part.as_str()), ("u@host:99999", "relative/dir", "extra", "bad/name"));
        assert!(p[0].reason.contains("port"), "{}", p[0].reason);
        assert!(p[1].reason.contains("absolute"), "{}", p[1].reason);
        assert!(p[2].reason.contains("extra"), "{}", p[2].reason);
        assert!(p[3].reason.contains("twice"), "{}", p[3].reason);
    }
}
