//! Host keys: a server is trusted only when its key is listed in a `known_hosts` file, the admin's own
//! (`~/.ssh/known_hosts`, what `ssh` already accepted) or the studio's (`known_hosts` in its settings folder, where
//! the keys the admin accepted in the studio are added). A first contact is never accepted silently: the caller
//! shows the fingerprint and asks, then `trust` writes it.

use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use russh::keys::ssh_key::known_hosts::{HostPatterns, KnownHosts, Marker};
use russh::keys::ssh_key::{HashAlg, PublicKey};

/// What the known_hosts files say of a server's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostVerdict {
    /// Listed with this very key.
    Known,
    /// No line names this host with a key of this type.
    Unknown,
    /// A line names this host with another key of the same type: the server was reinstalled, or someone is in
    /// between.
    Changed { file: PathBuf, line: usize },
    /// The key is marked `@revoked`.
    Revoked { file: PathBuf, line: usize },
}

/// The studio's own known_hosts file (keys accepted in the studio).
pub fn studio_file() -> PathBuf {
    crate::fsx::config_dir().join("known_hosts")
}

/// The files read, in order: the admin's `~/.ssh/known_hosts` (on Windows `%USERPROFILE%\.ssh\known_hosts`), then
/// the studio's. `OCS_STUDIO_KNOWN_HOSTS` replaces both with one file (tests, locked-down setups).
pub fn files() -> Vec<PathBuf> {
    if let Some(f) = std::env::var_os("OCS_STUDIO_KNOWN_HOSTS") {
        return vec![PathBuf::from(f)];
    }
    let home = std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" });
    let mut v: Vec<PathBuf> = home.map(|h| PathBuf::from(h).join(".ssh").join("known_hosts")).into_iter().collect();
    v.push(studio_file());
    v
}

/// Where `trust` writes: the override when set, else the studio's file.
pub fn write_file() -> PathBuf {
    std::env::var_os("OCS_STUDIO_KNOWN_HOSTS").map(PathBuf::from).unwrap_or_else(studio_file)
}

/// How OpenSSH names a host in known_hosts: `host` on port 22, else `[host]:port`.
pub fn host_name(host: &str, port: u16) -> String {
    if port == 22 {
        host.to_string()
    } else {
        format!("[{host}]:{port}")
    }
}

/// OpenSSH's pattern match: `*` any run, `?` one character, case-insensitive.
fn glob(pattern: &str, name: &str) -> bool {
    fn go(p: &[u8], n: &[u8]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), name.as_bytes())
}

fn matches(patterns: &HostPatterns, name: &str) -> bool {
    match patterns {
        HostPatterns::Patterns(list) => {
            let mut hit = false;
            for p in list {
                if let Some(neg) = p.strip_prefix('!') {
                    if glob(neg, name) {
                        return false;
                    }
                } else if glob(p, name) {
                    hit = true;
                }
            }
            hit
        }
        HostPatterns::HashedName { salt, hash } => {
            let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(salt) else { return false };
            mac.update(name.as_bytes());
            mac.verify_slice(hash).is_ok()
        }
    }
}

/// Checks `key` for `host`:`port` against `files` (lines that do not parse are skipped, as OpenSSH does).
pub fn check(host: &str, port: u16, key: &PublicKey, files: &[PathBuf]) -> HostVerdict {
    let name = host_name(host, port);
    let mut changed = None;
    for file in files {
        let Ok(text) = std::fs::read_to_string(file) else { continue };
        match check_in(&name, key, &text, file) {
            HostVerdict::Known => return HostVerdict::Known,
            v @ HostVerdict::Revoked { .. } => return v,
            v @ HostVerdict::Changed { .. } => {
                changed.get_or_insert(v);
            }
            HostVerdict::Unknown => {}
        }
    }
    // A key listed for the host wins over an older line of another key (as OpenSSH, which accepts any listed key).
    changed.unwrap_or(HostVerdict::Unknown)
}

/// `check` on the text of one known_hosts file (`key` in OpenSSH form); `Unknown` when `key` cannot be read.
pub fn check_text(host: &str, port: u16, key: &str, text: &str) -> HostVerdict {
    match PublicKey::from_openssh(key) {
        Ok(k) => check_in(&host_name(host, port), &k, text, Path::new("known_hosts")),
        Err(_) => HostVerdict::Unknown,
    }
}

fn check_in(name: &str, key: &PublicKey, text: &str, file: &Path) -> HostVerdict {
    let mut changed = None;
    let mut known = false;
    // Line numbers for messages: KnownHosts skips blank and comment lines, so count them here.
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let Some(Ok(entry)) = KnownHosts::new(raw).next() else { continue };
        if !matches(entry.host_patterns(), name) {
            continue;
        }
        let same_key = entry.public_key().key_data() == key.key_data();
        match entry.marker() {
            Some(Marker::Revoked) if same_key => return HostVerdict::Revoked { file: file.to_path_buf(), line },
            Some(_) => continue,
            None => {}
        }
        if same_key {
            known = true;
        } else if entry.public_key().algorithm() == key.algorithm() && changed.is_none() {
            changed = Some(HostVerdict::Changed { file: file.to_path_buf(), line });
        }
    }
    if known {
        HostVerdict::Known
    } else {
        changed.unwrap_or(HostVerdict::Unknown)
    }
}

/// The key's SHA-256 fingerprint as OpenSSH prints it (`SHA256:…`).
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// Appends `host`:`port` `key` to `file` (written whole through a temporary file, so a crash never truncates it).
pub fn add(file: &Path, host: &str, port: u16, key: &PublicKey) -> std::io::Result<()> {
    let mut text = std::fs::read_to_string(file).unwrap_or_default();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let mut k = key.clone();
    k.set_comment("");
    let line = k.to_openssh().map_err(std::io::Error::other)?;
    text.push_str(&format!("{} {}\n", host_name(host, port), line.trim()));
    if let Some(dir) = file.parent() {
        crate::fsx::ensure_settings_dir(dir)?;
    }
    crate::fsx::write_atomic(file, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE+u4cDqVgAklwP8m0kIPmBkKFVYUgG7dzTcApf4bXJL";
    const ED2: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHgvHDwNaxvanAMAH5dJqIWPfiE9TQBK35af88i4Tge6";

    fn key(s: &str) -> PublicKey {
        PublicKey::from_openssh(s).unwrap()
    }

    fn file(text: &str) -> (tempfile::TempDir, Vec<PathBuf>) {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("known_hosts");
        std::fs::write(&p, text).unwrap();
        (d, vec![p])
    }

    #[test]
    fn ports_wildcards_negation_and_changed_keys() {
        let (_d, f) = file(&format!("# comment\n\n[relay1]:2222 {ED}\n*.example.org,!bad.example.org {ED}\nold {ED2}\nold {ED}\n"));
        assert_eq!(check("relay1", 2222, &key(ED), &f), HostVerdict::Known);
        assert_eq!(check("relay1", 22, &key(ED), &f), HostVerdict::Unknown, "port 22 is written without brackets");
        assert_eq!(check("a.example.org", 22, &key(ED), &f), HostVerdict::Known);
        assert_eq!(check("bad.example.org", 22, &key(ED), &f), HostVerdict::Unknown);
        assert_eq!(check("relay1", 2222, &key(ED2), &f), HostVerdict::Changed { file: f[0].clone(), line: 3 });
        assert_eq!(check("old", 22, &key(ED), &f), HostVerdict::Known, "one listed key is enough, as for OpenSSH");
    }

    #[test]
    fn hashed_names_and_revoked_keys() {
        // `ssh-keygen -H` form of "[127.0.0.1]:2222", computed with the salt below.
        let salt = [7u8; 20];
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&salt).unwrap();
        mac.update(b"[127.0.0.1]:2222");
        let hash = mac.finalize().into_bytes();
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD;
        let (_d, f) = file(&format!("|1|{}|{} {ED}\n@revoked * {ED2}\n", b64.encode(salt), b64.encode(hash)));
        assert_eq!(check("127.0.0.1", 2222, &key(ED), &f), HostVerdict::Known);
        assert_eq!(check("127.0.0.2", 2222, &key(ED), &f), HostVerdict::Unknown);
        assert!(matches!(check("127.0.0.1", 2222, &key(ED2), &f), HostVerdict::Revoked { line: 2, .. }));
    }

    #[test]
    fn added_keys_are_found_again() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("sub").join("known_hosts");
        add(&p, "::1", 2200, &key(ED)).unwrap();
        add(&p, "relay", 22, &key(ED2)).unwrap();
        let f = vec![p.clone()];
        assert_eq!(check("::1", 2200, &key(ED), &f), HostVerdict::Known);
        assert_eq!(check("relay", 22, &key(ED2), &f), HostVerdict::Known);
        assert!(std::fs::read_to_string(&p).unwrap().starts_with("[::1]:2200 ssh-ed25519 "));
        assert!(fingerprint(&key(ED)).starts_with("SHA256:"));
    }
}
