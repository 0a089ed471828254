//! SSH and SFTP to the OCS server and to the redistribution servers, with `russh` (pure Rust, on tokio: the same
//! code on Linux, macOS and Windows, no libssh2 or OpenSSL to build, and the SSH agent on all three).
//!
//! Host keys are always checked against known_hosts (`known_hosts`): an unknown server is refused with its
//! fingerprint, and only `trust` — called after the admin compared and accepted that fingerprint — adds it.
//! Logging in tries, in order: the key file given for the server, the SSH agent, the default keys
//! (`~/.ssh/id_ed25519`, `id_ecdsa`, `id_rsa`), then a password. Key passphrases and passwords come from the
//! keyring (`crate::credentials`) or from `OCS_STUDIO_SSH_PASSPHRASE` / `OCS_STUDIO_SSH_PASSWORD`.

pub mod known_hosts;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use russh::client;
use russh::keys::ssh_key::PublicKey;
use russh::keys::{PrivateKeyWithHashAlg, PublicKeyOrCertificate};
use russh::ChannelMsg;
use russh_sftp::client::SftpSession;
use tokio::io::{AsyncRead, AsyncWrite};

pub use known_hosts::HostVerdict;

/// Environment variable that gives an SSH password (instead of the keyring).
pub const PASSWORD_ENV: &str = "OCS_STUDIO_SSH_PASSWORD";
/// Environment variable that gives the passphrase of the SSH key (instead of the keyring).
pub const PASSPHRASE_ENV: &str = "OCS_STUDIO_SSH_PASSPHRASE";

const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

fn default_port() -> u16 {
    22
}

/// An SSH server and the account to use on it. Secrets are never part of it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SshTarget {
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    pub user: String,
    /// A private key file (OpenSSH format). None: the SSH agent, then the default keys, then a kept password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<PathBuf>,
}

impl SshTarget {
    /// Reads `[user@]host[:port]` (IPv6 in brackets: `[::1]:2222`); the user defaults to `default_user`.
    pub fn parse(text: &str, default_user: &str) -> Result<SshTarget, SshError> {
        let bad = |reason: &str| SshError::BadTarget { text: text.to_string(), reason: reason.to_string() };
        let t = text.trim();
        let (user, rest) = match t.rsplit_once('@') {
            Some((u, r)) => (u.to_string(), r),
            None => (default_user.to_string(), t),
        };
        if user.is_empty() {
            return Err(bad("the user name is empty"));
        }
        let (host, port) = if let Some(r) = rest.strip_prefix('[') {
            let (h, after) = r.split_once(']').ok_or_else(|| bad("an opening '[' has no ']'"))?;
            match after.strip_prefix(':') {
                Some(p) => (h.to_string(), Some(p)),
                None if after.is_empty() => (h.to_string(), None),
                None => return Err(bad("unexpected text after ']'")),
            }
        } else if rest.matches(':').count() > 1 {
            (rest.to_string(), None) // a bare IPv6 address
        } else {
            match rest.split_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (rest.to_string(), None),
            }
        };
        if host.is_empty() {
            return Err(bad("the host is empty"));
        }
        if host.chars().any(|c| c.is_whitespace() || c == '/') {
            return Err(bad("the host contains a space or '/'"));
        }
        let port = match port {
            None => 22,
            Some(p) => p.parse::<u16>().ok().filter(|&n| n > 0).ok_or_else(|| bad("the port is not a number from 1 to 65535"))?,
        };
        Ok(SshTarget { host, port, user, key: None })
    }

    /// The keyring account of this server's SSH password.
    pub fn password_account(&self) -> String {
        format!("ssh:{}@{}", self.user, known_hosts::host_name(&self.host, self.port))
    }
}

impl std::fmt::Display for SshTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        write!(f, "{}@{}", self.user, host)?;
        if self.port != 22 {
            write!(f, ":{}", self.port)?;
        }
        Ok(())
    }
}

/// The keyring account of a key file's passphrase.
pub fn passphrase_account(key: &Path) -> String {
    let abs = std::path::absolute(key).unwrap_or_else(|_| key.to_path_buf());
    format!("ssh-key:{}", abs.display())
}

/// What can go wrong with an SSH server. Each message says what, where and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum SshError {
    #[error("'{text}' is not an SSH address ({reason}); write it as user@host or user@host:port, e.g. root@relay1.example.org:22")]
    BadTarget { text: String, reason: String },
    #[error("cannot reach the SSH server {target}: {detail}. Check the host name and port, that sshd runs there, and any firewall in between")]
    Unreachable { target: String, detail: String },
    #[error(
        "{target} is not known yet: its {algorithm} host key has the fingerprint {fingerprint}. Compare it with the server's \
         own (on the server: ssh-keygen -lf /etc/ssh/ssh_host_{short}_key.pub) and accept it only if they are equal"
    )]
    UnknownHost { target: String, host: String, port: u16, algorithm: String, short: String, fingerprint: String },
    #[error(
        "the SSH server {target} presents a host key ({fingerprint}) that differs from the one recorded at line {line} of {}: \
         either the server was reinstalled, or someone is intercepting the connection. Nothing was sent. Check with the \
         server's administrator; if the new key is right, delete that line and accept the new key",
        file.display()
    )]
    HostKeyChanged { target: String, fingerprint: String, file: PathBuf, line: usize },
    #[error("the SSH server {target} presents the host key {fingerprint}, marked @revoked at line {line} of {}: nothing was sent; ask the server's administrator for its new key", file.display())]
    HostKeyRevoked { target: String, fingerprint: String, file: PathBuf, line: usize },
    #[error("the SSH server's key is not the one that was accepted: {fingerprint} was shown, {actual} is presented now. Nothing was trusted; check the server again")]
    FingerprintMismatch { fingerprint: String, actual: String },
    #[error("{target} refused every way of logging in (tried: {tried}). Give the right key file, load the key in the SSH agent, or keep the account's password for it")]
    AuthRefused { target: String, tried: String },
    #[error("the SSH key {} is protected by a passphrase and none is kept: enter it once to keep it in the keyring, or set OCS_STUDIO_SSH_PASSPHRASE", key.display())]
    NoPassphrase { key: PathBuf },
    #[error("the SSH key {} does not open with the kept passphrase: enter it again", key.display())]
    BadPassphrase { key: PathBuf },
    #[error("cannot read the SSH key {}: {detail}. Give an OpenSSH private key file (ssh-keygen -t ed25519 makes one)", key.display())]
    KeyUnreadable { key: PathBuf, detail: String },
    #[error("the system keyring failed ({0}); set OCS_STUDIO_SSH_PASSWORD / OCS_STUDIO_SSH_PASSPHRASE for this run, or unlock the keyring")]
    Keyring(String),
    #[error("{target}: {what} failed: {detail}")]
    Remote { target: String, what: String, detail: String },
    #[error("the connection to {target} was lost during {what} ({detail}); start again: what was copied completely is kept")]
    Lost { target: String, what: String, detail: String },
    #[error("cancelled")]
    Cancelled,
}

impl SshError {
    pub fn code(&self) -> crate::ErrorCode {
        use crate::ErrorCode as C;
        match self {
            SshError::BadTarget { .. } => C::BadTarget,
            SshError::Unreachable { .. } => C::Unreachable,
            SshError::UnknownHost { .. } => C::SshUnknownHost,
            SshError::HostKeyChanged { .. } | SshError::HostKeyRevoked { .. } | SshError::FingerprintMismatch { .. } => C::SshHostKeyChanged,
            SshError::AuthRefused { .. } => C::SshAuth,
            SshError::NoPassphrase { .. } | SshError::BadPassphrase { .. } | SshError::KeyUnreadable { .. } => C::SshKey,
            SshError::Keyring(_) => C::Keyring,
            SshError::Remote { .. } | SshError::Lost { .. } => C::SshRemote,
            SshError::Cancelled => C::Cancelled,
        }
    }
}

/// A server's host key as first seen, for the "do you trust it?" question.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HostKeyInfo {
    pub target: String,
    pub host: String,
    pub port: u16,
    /// `ssh-ed25519`, `ecdsa-sha2-nistp256`, `rsa-sha2-512`…
    pub algorithm: String,
    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fingerprint: String,
    /// Whether the known_hosts files already list it.
    pub known: bool,
    /// The known_hosts file and line of a different key recorded for this server.
    pub changed_at: Option<String>,
}

struct Client {
    host: String,
    port: u16,
    files: Vec<PathBuf>,
    seen: Arc<Mutex<Option<(PublicKey, HostVerdict)>>>,
    /// Only look at the key (for `host_key` / `trust`): never go on.
    probe: bool,
}

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(&mut self, key: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        let key = match key {
            PublicKeyOrCertificate::PublicKey { key, .. } => key.clone(),
            // A host certificate: its key is checked like a plain key (no @cert-authority support).
            PublicKeyOrCertificate::Certificate(c) => PublicKey::from(c.public_key().clone()),
        };
        let verdict = known_hosts::check(&self.host, self.port, &key, &self.files);
        let ok = verdict == HostVerdict::Known && !self.probe;
        *self.seen.lock().unwrap() = Some((key, verdict));
        Ok(ok)
    }
}

fn config() -> Arc<client::Config> {
    use russh::cipher;
    // AES-GCM first: it runs on the CPU's AES instructions, where ChaCha20 (russh's first choice) is computed in
    // software — the cipher is what limits a copy on a fast link.
    let preferred = russh::Preferred {
        cipher: std::borrow::Cow::Borrowed(&[cipher::AES_256_GCM, cipher::AES_128_GCM, cipher::CHACHA20_POLY1305, cipher::AES_256_CTR, cipher::AES_128_CTR]),
        ..russh::Preferred::DEFAULT
    };
    // A silent server is given up after 4 unanswered keepalives (one minute), or OCS_STUDIO_TIMEOUT.
    let t = crate::network_timeout();
    Arc::new(client::Config {
        preferred,
        inactivity_timeout: Some(t.map_or(Duration::from_secs(120), |t| t * 2)),
        keepalive_interval: Some(t.map_or(Duration::from_secs(15), |t| (t / 4).max(Duration::from_secs(1)))),
        keepalive_max: 4,
        nodelay: true,
        // Larger windows keep a fast link busy (the default 2 MiB stalls on high-latency WAN links).
        window_size: 16 << 20,
        ..Default::default()
    })
}

/// An open, authenticated SSH connection.
pub struct SshSession {
    handle: client::Handle<Client>,
    target: SshTarget,
    sftp: tokio::sync::OnceCell<SftpSession>,
    /// How the login succeeded (`key /path`, `agent`, `password`), for reports and logs.
    pub auth: String,
}

async fn open_handle(target: &SshTarget, probe: bool) -> Result<(client::Handle<Client>, Arc<Mutex<Option<(PublicKey, HostVerdict)>>>), (SshError, Option<(PublicKey, HostVerdict)>)> {
    let seen = Arc::new(Mutex::new(None));
    let handler = Client { host: target.host.clone(), port: target.port, files: known_hosts::files(), seen: seen.clone(), probe };
    let addr = (target.host.trim_start_matches('[').trim_end_matches(']').to_string(), target.port);
    let unreachable = |detail: String| SshError::Unreachable { target: target.to_string(), detail };
    let stream = match tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect(addr)).await {
        Err(_) => return Err((unreachable(format!("no answer within {} s", CONNECT_TIMEOUT.as_secs())), None)),
        Ok(Err(e)) => return Err((unreachable(e.to_string()), None)),
        Ok(Ok(s)) => s,
    };
    let _ = stream.set_nodelay(true);
    let res = tokio::time::timeout(CONNECT_TIMEOUT, client::connect_stream(config(), stream, handler)).await;
    let seen_now = seen.lock().unwrap().clone();
    match res {
        Ok(Ok(h)) => Ok((h, seen)),
        Ok(Err(e)) => {
            if let Some((key, verdict)) = &seen_now {
                if *verdict != HostVerdict::Known || probe {
                    return Err((host_key_error(target, key, verdict), seen_now.clone()));
                }
            }
            Err((unreachable(format!("the SSH handshake failed: {e}")), seen_now))
        }
        Err(_) => Err((unreachable(format!("the SSH handshake did not finish within {} s", CONNECT_TIMEOUT.as_secs())), seen_now)),
    }
}

fn host_key_error(target: &SshTarget, key: &PublicKey, verdict: &HostVerdict) -> SshError {
    let fingerprint = known_hosts::fingerprint(key);
    let algorithm = key.algorithm().as_str().to_string();
    match verdict {
        HostVerdict::Changed { file, line } => SshError::HostKeyChanged { target: target.to_string(), fingerprint, file: file.clone(), line: *line },
        HostVerdict::Revoked { file, line } => SshError::HostKeyRevoked { target: target.to_string(), fingerprint, file: file.clone(), line: *line },
        _ => {
            let short = match algorithm.as_str() {
                a if a.contains("ed25519") => "ed25519",
                a if a.starts_with("ecdsa") => "ecdsa",
                _ => "rsa",
            };
            SshError::UnknownHost { target: target.to_string(), host: target.host.clone(), port: target.port, algorithm, short: short.into(), fingerprint }
        }
    }
}

/// The server's host key and what the known_hosts files say of it, without logging in.
pub async fn host_key(target: &SshTarget) -> Result<HostKeyInfo, SshError> {
    let (key, verdict) = match open_handle(target, true).await {
        Ok((h, seen)) => {
            let _ = h.disconnect(russh::Disconnect::ByApplication, "", "en").await;
            let v = seen.lock().unwrap().clone();
            v.ok_or_else(|| SshError::Unreachable { target: target.to_string(), detail: "the server sent no host key".into() })?
        }
        Err((_, Some(seen))) => seen,
        Err((e, None)) => return Err(e),
    };
    Ok(HostKeyInfo {
        target: target.to_string(),
        host: target.host.clone(),
        port: target.port,
        algorithm: key.algorithm().as_str().to_string(),
        fingerprint: known_hosts::fingerprint(&key),
        known: verdict == HostVerdict::Known,
        changed_at: match verdict {
            HostVerdict::Changed { file, line } | HostVerdict::Revoked { file, line } => Some(format!("{}:{line}", file.display())),
            _ => None,
        },
    })
}

/// Records the server's key as trusted, once the admin compared `fingerprint` (as shown by `host_key` or the
/// `UnknownHost` error) with the server's own. The key is fetched again and must still have that fingerprint.
/// A server whose recorded key changed is not overwritten: that line must be removed by hand.
pub async fn trust(target: &SshTarget, fingerprint: &str) -> Result<HostKeyInfo, SshError> {
    let seen = match open_handle(target, true).await {
        Ok((h, seen)) => {
            let _ = h.disconnect(russh::Disconnect::ByApplication, "", "en").await;
            let v = seen.lock().unwrap().clone();
            v
        }
        Err((_, Some(seen))) => Some(seen),
        Err((e, None)) => return Err(e),
    };
    let (key, verdict) = seen.ok_or_else(|| SshError::Unreachable { target: target.to_string(), detail: "the server sent no host key".into() })?;
    let actual = known_hosts::fingerprint(&key);
    let wanted = fingerprint.trim();
    let wanted = if wanted.starts_with("SHA256:") { wanted.to_string() } else { format!("SHA256:{wanted}") };
    if actual != wanted {
        return Err(SshError::FingerprintMismatch { fingerprint: wanted, actual });
    }
    match verdict {
        HostVerdict::Known => {}
        HostVerdict::Unknown => {
            let file = known_hosts::write_file();
            known_hosts::add(&file, &target.host, target.port, &key)
                .map_err(|e| SshError::Remote { target: file.display().to_string(), what: "writing the known_hosts file".into(), detail: e.to_string() })?;
            tracing::info!(target = %target, fingerprint = %actual, file = %file.display(), "host key trusted");
        }
        v => return Err(host_key_error(target, &key, &v)),
    }
    host_key(target).await
}

/// Where a login secret is looked up.
fn secret(account: &str, env: &str) -> Result<Option<String>, SshError> {
    crate::credentials::secret(account, env).map(|o| o.map(|(s, _)| s)).map_err(SshError::Keyring)
}

fn default_keys() -> Vec<PathBuf> {
    let home = std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" });
    let Some(home) = home else { return Vec::new() };
    let dir = PathBuf::from(home).join(".ssh");
    ["id_ed25519", "id_ecdsa", "id_rsa"].iter().map(|n| dir.join(n)).filter(|p| p.is_file()).collect()
}

/// Reads a private key, opening it with the kept passphrase when it has one.
fn load_key(path: &Path, explicit: bool) -> Result<Option<russh::keys::PrivateKey>, SshError> {
    let text = std::fs::read_to_string(path).map_err(|e| SshError::KeyUnreadable { key: path.to_path_buf(), detail: e.to_string() })?;
    let key = russh::keys::ssh_key::PrivateKey::from_openssh(text.trim()).map_err(|e| SshError::KeyUnreadable { key: path.to_path_buf(), detail: e.to_string() })?;
    if !key.is_encrypted() {
        return Ok(Some(key));
    }
    match secret(&passphrase_account(path), PASSPHRASE_ENV)? {
        Some(p) => key.decrypt(p.as_bytes()).map(Some).map_err(|_| SshError::BadPassphrase { key: path.to_path_buf() }),
        None if explicit => Err(SshError::NoPassphrase { key: path.to_path_buf() }),
        None => Ok(None), // a default key with a passphrase nobody kept: skip it, try the next way
    }
}

impl SshSession {
    /// Connects to `target`, checks its host key and logs in.
    pub async fn connect(target: &SshTarget) -> Result<SshSession, SshError> {
        let (mut handle, _) = open_handle(target, false).await.map_err(|(e, _)| e)?;
        let user = target.user.clone();
        let mut tried = Vec::new();
        let lost = |e: russh::Error| SshError::Lost { target: target.to_string(), what: "the login".into(), detail: e.to_string() };
        let rsa_hash = handle.best_supported_rsa_hash().await.ok().flatten().flatten();

        // 1. The key file given for this server.
        if let Some(path) = &target.key {
            let key = load_key(path, true)?.expect("explicit keys give a key or an error");
            let res = handle.authenticate_publickey(&user, PrivateKeyWithHashAlg::new(Arc::new(key), rsa_hash)).await.map_err(lost)?;
            if res.success() {
                return Ok(Self::ready(handle, target, format!("key {}", path.display())));
            }
            tried.push(format!("key {}", path.display()));
        }

        // 2. The SSH agent.
        #[cfg(unix)]
        let agent = russh::keys::agent::client::AgentClient::connect_env().await.ok();
        #[cfg(windows)]
        let agent = russh::keys::agent::client::AgentClient::connect_named_pipe(r"\\.\pipe\openssh-ssh-agent").await.ok();
        if let Some(mut agent) = agent {
            let ids = agent.request_identities().await.unwrap_or_default();
            for id in ids {
                let russh::keys::agent::AgentIdentity::PublicKey { key, .. } = id else { continue };
                let hash = if key.algorithm().is_rsa() { rsa_hash } else { None };
                match handle.authenticate_publickey_with(&user, key, hash, &mut agent).await {
                    Ok(r) if r.success() => return Ok(Self::ready(handle, target, "agent".into())),
                    Ok(_) => {}
                    Err(e) => tracing::debug!(error = %e, "agent signature failed"),
                }
            }
            tried.push("the SSH agent's keys".into());
        }

        // 3. The default keys.
        if target.key.is_none() {
            for path in default_keys() {
                let Some(key) = load_key(&path, false).unwrap_or(None) else { continue };
                let res = handle.authenticate_publickey(&user, PrivateKeyWithHashAlg::new(Arc::new(key), rsa_hash)).await.map_err(lost)?;
                if res.success() {
                    return Ok(Self::ready(handle, target, format!("key {}", path.display())));
                }
                tried.push(format!("key {}", path.display()));
            }
        }

        // 4. A kept password.
        if let Some(pw) = secret(&target.password_account(), PASSWORD_ENV)? {
            let res = handle.authenticate_password(&user, pw).await.map_err(lost)?;
            if res.success() {
                return Ok(Self::ready(handle, target, "password".into()));
            }
            tried.push("the kept password".into());
        }
        let _ = handle.disconnect(russh::Disconnect::ByApplication, "", "en").await;
        if tried.is_empty() {
            tried.push("nothing: no key file, no SSH agent, no default key, no kept password".into());
        }
        Err(SshError::AuthRefused { target: target.to_string(), tried: tried.join(", ") })
    }

    fn ready(handle: client::Handle<Client>, target: &SshTarget, auth: String) -> SshSession {
        tracing::debug!(target = %target, auth, "ssh login");
        SshSession { handle, target: target.clone(), sftp: tokio::sync::OnceCell::new(), auth }
    }

    pub fn target(&self) -> &SshTarget {
        &self.target
    }

    fn lost(&self, what: &str, detail: impl std::fmt::Display) -> SshError {
        SshError::Lost { target: self.target.to_string(), what: what.to_string(), detail: detail.to_string() }
    }

    /// Runs `command` on the server (through the account's shell) and collects its output and exit status.
    pub async fn exec(&self, command: &str) -> Result<ExecOutput, SshError> {
        let mut ch = self.handle.channel_open_session().await.map_err(|e| self.lost("opening a command channel", e))?;
        ch.exec(true, command).await.map_err(|e| self.lost("starting a command", e))?;
        let mut out = ExecOutput::default();
        while let Some(msg) = ch.wait().await {
            match msg {
                ChannelMsg::Data { data } => out.stdout.extend_from_slice(&data),
                ChannelMsg::ExtendedData { data, .. } => out.stderr.extend_from_slice(&data),
                ChannelMsg::ExitStatus { exit_status } => out.status = Some(exit_status),
                _ => {}
            }
        }
        Ok(out)
    }

    /// Runs `command` and fails with its error output unless it exits 0.
    pub async fn run(&self, what: &str, command: &str) -> Result<String, SshError> {
        let out = self.exec(command).await?;
        if out.status != Some(0) {
            let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
            let detail = if err.is_empty() { format!("exit status {:?}", out.status) } else { err };
            return Err(SshError::Remote { target: self.target.to_string(), what: what.to_string(), detail });
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The SFTP session (opened on first use).
    pub async fn sftp(&self) -> Result<&SftpSession, SshError> {
        self.sftp
            .get_or_try_init(|| async {
                let ch = self.handle.channel_open_session().await.map_err(|e| self.lost("opening SFTP", e))?;
                ch.request_subsystem(true, "sftp").await.map_err(|e| self.lost("opening SFTP", e))?;
                let s = SftpSession::new(ch.into_stream())
                    .await
                    .map_err(|e| SshError::Remote { target: self.target.to_string(), what: "starting SFTP".into(), detail: e.to_string() })?;
                s.set_timeout(crate::network_timeout().map_or(60, |t| t.as_secs()));
                Ok(s)
            })
            .await
    }

    /// A TCP connection to `host`:`port` as seen from the server (SSH port forwarding), e.g. the server's database.
    pub async fn forward(&self, host: &str, port: u16) -> Result<impl AsyncRead + AsyncWrite + Unpin + Send + 'static, SshError> {
        let ch = self
            .handle
            .channel_open_direct_tcpip(host, port as u32, "127.0.0.1", 0)
            .await
            .map_err(|e| SshError::Remote { target: self.target.to_string(), what: format!("forwarding to {host}:{port} on the server"), detail: e.to_string() })?;
        Ok(ch.into_stream())
    }

    /// A failed operation on the server: a lost connection (the session closed, or the channel reports it gone or
    /// silent) is `Lost`, which a copy retries; anything else is the server's own refusal, with a hint.
    pub fn remote(&self, what: impl Into<String>, e: impl std::fmt::Display) -> SshError {
        let detail = e.to_string();
        if self.handle.is_closed() || is_connection_loss(&detail) {
            return SshError::Lost { target: self.target.to_string(), what: what.into(), detail };
        }
        let hint = if detail.contains("No space") || detail.contains("quota") {
            " (the server's disk is full: free space there, or choose another folder)"
        } else if detail.contains("Permission denied") || detail.contains("PermissionDenied") {
            " (the SSH user may not write there: give it write access to that folder, e.g. membership of the web server's group)"
        } else {
            ""
        };
        SshError::Remote { target: self.target.to_string(), what: what.into(), detail: format!("{detail}{hint}") }
    }

    pub async fn close(self) {
        if let Some(s) = self.sftp.get() {
            let _ = s.close().await;
        }
        let _ = self.handle.disconnect(russh::Disconnect::ByApplication, "", "en").await;
    }
}

/// Whether an SSH or SFTP error's text says the link itself failed (a closed channel or session, a timeout, an
/// end of stream, a dropped sender), rather than the server refusing the operation.
fn is_connection_loss(detail: &str) -> bool {
    let l = detail.to_ascii_lowercase();
    ["closed", "timeout", "timed out", "eof", "disconnect", "broken pipe", "sender dropped", "senderror", "recverror", "connection reset"].iter().any(|k| l.contains(k))
}

/// What a command printed, and how it ended.
#[derive(Debug, Default, Clone)]
pub struct ExecOutput {
    pub status: Option<u32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// `s` quoted for the remote POSIX shell.
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// What `check` found: the server's key, how the login went, and the folder's state.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CheckOutput {
    pub target: String,
    pub fingerprint: String,
    pub auth: String,
    /// The folder checked (the download directory), when one was given.
    pub dir: Option<String>,
    pub dir_writable: Option<bool>,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub free_bytes: Option<u64>,
}

/// Connects, logs in and checks that `dir` (when given) exists and is writable: the "check connection" of the
/// server screens and `ocs-studio ssh check`.
pub async fn check(target: &SshTarget, dir: Option<&str>) -> Result<CheckOutput, SshError> {
    let key = host_key(target).await?;
    if !key.known {
        // Never log in to an unknown server: the caller asks the admin first.
        return match open_handle(target, false).await {
            Err((e, _)) => Err(e),
            Ok(_) => unreachable!("an unknown key is refused by the handler"),
        };
    }
    let s = SshSession::connect(target).await?;
    let mut out = CheckOutput { target: target.to_string(), fingerprint: key.fingerprint, auth: s.auth.clone(), dir: dir.map(str::to_string), dir_writable: None, free_bytes: None };
    if let Some(d) = dir {
        let q = sh_quote(d);
        let text = s.run("checking the folder", &format!("test -d {q} || {{ echo missing; exit 0; }}; if test -w {q}; then echo writable; else echo readonly; fi; df -Pk {q} | tail -1")).await?;
        if text.starts_with("missing") {
            s.close().await;
            return Err(SshError::Remote { target: target.to_string(), what: format!("checking {d}"), detail: "the folder does not exist: create it, or give the right download folder".into() });
        }
        out.dir_writable = Some(text.starts_with("writable"));
        out.free_bytes = text.lines().nth(1).and_then(|l| l.split_whitespace().nth(3)).and_then(|k| k.parse::<u64>().ok()).map(|k| k * 1024);
    }
    s.close().await;
    Ok(out)
}

/// Keeps the SSH password of `target` in the keyring, after checking that the server accepts it.
pub async fn save_password(target: &SshTarget, password: &str) -> Result<crate::credentials::Store, SshError> {
    let account = target.password_account();
    let store = crate::credentials::save_secret(&account, password).map_err(SshError::Keyring)?;
    // Check it now: a wrong password kept would fail every later copy.
    match SshSession::connect(&SshTarget { key: None, ..target.clone() }).await {
        Ok(s) => {
            s.close().await;
            Ok(store)
        }
        Err(e) => {
            let _ = crate::credentials::forget_secret(&account);
            Err(e)
        }
    }
}

/// Keeps the passphrase of `key` in the keyring, after checking that it opens the key.
pub fn save_passphrase(key: &Path, passphrase: &str) -> Result<crate::credentials::Store, SshError> {
    let text = std::fs::read_to_string(key).map_err(|e| SshError::KeyUnreadable { key: key.to_path_buf(), detail: e.to_string() })?;
    let k = russh::keys::ssh_key::PrivateKey::from_openssh(text.trim()).map_err(|e| SshError::KeyUnreadable { key: key.to_path_buf(), detail: e.to_string() })?;
    if k.is_encrypted() {
        k.decrypt(passphrase.as_bytes()).map_err(|_| SshError::BadPassphrase { key: key.to_path_buf() })?;
    }
    crate::credentials::save_secret(&passphrase_account(key), passphrase).map_err(SshError::Keyring)
}

/// Forgets the kept SSH password of `target` and, when given, the passphrase of its key.
pub fn forget(target: &SshTarget) -> Result<bool, SshError> {
    let mut any = crate::credentials::forget_secret(&target.password_account()).map_err(SshError::Keyring)?;
    if let Some(k) = &target.key {
        any |= crate::credentials::forget_secret(&passphrase_account(k)).map_err(SshError::Keyring)?;
    }
    Ok(any)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_with_ports_ipv6_and_default_user() {
        let t = SshTarget::parse("ocs@relay1.example.org:2222", "root").unwrap();
        assert_eq!((t.user.as_str(), t.host.as_str(), t.port), ("ocs", "relay1.example.org", 2222));
        let t = SshTarget::parse("relay2", "root").unwrap();
        assert_eq!((t.user.as_str(), t.host.as_str(), t.port), ("root", "relay2", 22));
        let t = SshTarget::parse("a@[::1]:2200", "root").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 2200));
        assert_eq!(t.to_string(), "a@[::1]:2200");
        assert_eq!(SshTarget::parse("fe80::1", "u").unwrap().host, "fe80::1");
        for bad in ["", "@host", "u@", "h:0", "h:99999", "h:x", "[::1", "a b"] {
            let e = SshTarget::parse(bad, "root").unwrap_err();
            assert_eq!(e.code(), crate::ErrorCode::BadTarget, "{bad}");
            assert!(e.to_string().contains("user@host"), "{e}");
        }
    }

    /// The texts russh and russh-sftp give for a link that failed, against the server's own refusals: only the
    /// first are retried by a copy.
    #[test]
    fn a_lost_link_is_told_from_a_refusal() {
        for lost in ["sender dropped", "session closed", "Timeout", "I/O: channel closed", "SendError: channel closed", "RecvError: receiving on a closed channel", "unexpected EOF", "Broken pipe (os error 32)", "Connection reset by peer"] {
            assert!(is_connection_loss(lost), "{lost}");
        }
        for refused in ["Permission denied: Permission denied", "No such file: No such file", "Failure: No space left on device", "Failure: Operation unsupported", "no file"] {
            assert!(!is_connection_loss(refused), "{refused}");
        }
    }

    #[test]
    fn quoting_survives_quotes() {
        assert_eq!(sh_quote("/srv/it's here"), r"'/srv/it'\''s here'");
    }
}
