//! The SSH commands (`ssh check|trust|password|passphrase|forget`) and the redistribution-server commands
//! (`relay add|list|remove|import|check|copy|delete`). Thin callers of `ocs_studio::ssh` and `ocs_studio::relay`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use ocs_studio::relay::{self, CopyRequest, CopyStatus, Relay, RelayDefaults, RelayError};
use ocs_studio::ssh::{self, SshError, SshTarget};
use ocs_studio::ByteSize;

use crate::{cancel_on_ctrl_c, Failure};

fn ssh_fail(e: SshError) -> Failure {
    Failure { code: e.code().as_str(), message: e.to_string() }
}

fn relay_fail(e: RelayError) -> Failure {
    Failure { code: e.code().as_str(), message: e.to_string() }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime")
}

fn default_user() -> String {
    std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "root".into())
}

fn target(text: &str, key: &Option<PathBuf>) -> Result<SshTarget, Failure> {
    let mut t = SshTarget::parse(text, &default_user()).map_err(ssh_fail)?;
    t.key = key.clone();
    Ok(t)
}

fn print_json(v: &impl serde::Serialize) {
    outln!("{}", serde_json::to_string(v).expect("serialisable"));
}

#[derive(clap::Args)]
pub struct SshArgs {
    #[command(subcommand)]
    pub command: SshCommand,
}

#[derive(clap::Subcommand)]
pub enum SshCommand {
    /// Show an SSH server's host key, log in, and check a folder (--dir); a server not known yet is never logged in to:
    /// on a terminal you are asked to compare and accept its fingerprint
    Check(SshCheckArgs),
    /// Accept an SSH server's host key after comparing its fingerprint with the server's own (ssh-keygen -lf on the server)
    Trust(SshTrustArgs),
    /// Keep an SSH account's password in the keyring (asked on the terminal, or one line on stdin with --password-stdin)
    Password(SshSecretArgs),
    /// Keep the passphrase of an SSH key file in the keyring
    Passphrase(SshPassphraseArgs),
    /// Forget the kept SSH password of an account (and the passphrase of --key)
    Forget(SshSecretArgs),
}

impl SshCommand {
    pub fn json(&self) -> bool {
        match self {
            SshCommand::Check(a) => a.json,
            SshCommand::Trust(a) => a.json,
            SshCommand::Password(a) | SshCommand::Forget(a) => a.json,
            SshCommand::Passphrase(a) => a.json,
        }
    }
}

#[derive(clap::Args)]
pub struct SshCheckArgs {
    /// user@host[:port]
    target: String,
    /// Private key file (default: the SSH agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa, then a kept password)
    #[arg(long)]
    key: Option<PathBuf>,
    /// A folder to check on the server (exists, writable, free space), e.g. the download folder
    #[arg(long)]
    dir: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct SshTrustArgs {
    /// user@host[:port]
    target: String,
    /// The fingerprint you compared (SHA256:…); the key is fetched again and must still have it
    #[arg(long)]
    fingerprint: String,
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct SshSecretArgs {
    /// user@host[:port]
    target: String,
    #[arg(long)]
    key: Option<PathBuf>,
    /// Read the secret from standard input (one line) instead of asking on the terminal
    #[arg(long)]
    password_stdin: bool,
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct SshPassphraseArgs {
    /// The private key file
    key: PathBuf,
    #[arg(long)]
    password_stdin: bool,
    #[arg(long)]
    json: bool,
}

fn read_secret(prompt: &str, stdin: bool) -> Result<String, Failure> {
    let s = if stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map_err(|e| Failure { code: "refused", message: format!("cannot read standard input: {e}") })?;
        line.trim_end_matches(['\r', '\n']).to_string()
    } else if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt).map_err(|e| Failure { code: "refused", message: format!("cannot read the terminal: {e}") })?
    } else {
        return Err(Failure { code: "refused", message: "no terminal to ask on: give the secret on standard input with --password-stdin".into() });
    };
    if s.is_empty() {
        return Err(Failure { code: "refused", message: "the secret is empty".into() });
    }
    Ok(s)
}

/// On a terminal, shows an unknown server's fingerprint and asks; true when the admin accepted it.
fn ask_trust(rt: &tokio::runtime::Runtime, t: &SshTarget, json: bool) -> Result<bool, Failure> {
    if json || !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Ok(false);
    }
    let k = rt.block_on(ssh::host_key(t)).map_err(ssh_fail)?;
    if k.known || k.changed_at.is_some() {
        return Ok(false);
    }
    eprintln!("{} is not known yet. Its {} host key has the fingerprint:\n    {}", k.target, k.algorithm, k.fingerprint);
    eprintln!("Compare it with the server's own (on the server: ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub).");
    eprint!("Trust this key? Type yes to accept: ");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).ok();
    if line.trim() != "yes" {
        return Ok(false);
    }
    rt.block_on(ssh::trust(t, &k.fingerprint)).map_err(ssh_fail)?;
    eprintln!("Trusted: {} {}", k.target, k.fingerprint);
    Ok(true)
}

fn with_hint(mut f: Failure, t: &SshTarget) -> Failure {
    if f.code == "ssh_unknown_host" {
        if let Some(fp) = f.message.split_whitespace().find(|w| w.starts_with("SHA256:")) {
            f.message.push_str(&format!(" (then: ocs-studio ssh trust {t} --fingerprint {})", fp.trim_end_matches('.')));
        }
    } else if f.code == "ssh_auth" {
        f.message.push_str(&format!(" (ocs-studio ssh password {t}, or --key FILE)"));
    } else if f.code == "ssh_key" {
        f.message.push_str(" (ocs-studio ssh passphrase KEYFILE)");
    }
    f
}

pub fn ssh_cmd(a: SshArgs) -> Result<ExitCode, Failure> {
    let rt = runtime();
    match a.command {
        SshCommand::Check(a) => {
            let t = target(&a.target, &a.key)?;
            let mut r = rt.block_on(ssh::check(&t, a.dir.as_deref()));
            if matches!(r, Err(SshError::UnknownHost { .. })) && ask_trust(&rt, &t, a.json)? {
                r = rt.block_on(ssh::check(&t, a.dir.as_deref()));
            }
            let c = r.map_err(|e| with_hint(ssh_fail(e), &t))?;
            if a.json {
                print_json(&serde_json::json!({ "ok": true, "check": c }));
            } else {
                outln!("{}: host key {} (known), logged in with {}", c.target, c.fingerprint, c.auth);
                if let (Some(d), Some(w)) = (&c.dir, c.dir_writable) {
                    outln!("  {d}: {}{}", if w { "writable" } else { "NOT writable by this account" }, c.free_bytes.map(|f| format!(", {} free", ByteSize(f))).unwrap_or_default());
                }
            }
            Ok(if c.dir_writable == Some(false) { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        SshCommand::Trust(a) => {
            let t = target(&a.target, &None)?;
            let k = rt.block_on(ssh::trust(&t, &a.fingerprint)).map_err(ssh_fail)?;
            if a.json {
                print_json(&serde_json::json!({ "ok": true, "host_key": k }));
            } else {
                outln!("trusted {} ({} {}), kept in {}", k.target, k.algorithm, k.fingerprint, ssh::known_hosts::write_file().display());
            }
            Ok(ExitCode::SUCCESS)
        }
        SshCommand::Password(a) => {
            let t = target(&a.target, &None)?;
            let pw = read_secret(&format!("SSH password of {t}: "), a.password_stdin)?;
            let store = rt.block_on(ssh::save_password(&t, &pw)).map_err(|e| with_hint(ssh_fail(e), &t))?;
            if a.json {
                print_json(&serde_json::json!({ "ok": true, "target": t.to_string(), "saved_in": store }));
            } else {
                outln!("the password of {t} works and is kept in {}", store.describe());
            }
            Ok(ExitCode::SUCCESS)
        }
        SshCommand::Passphrase(a) => {
            let pw = read_secret(&format!("Passphrase of {}: ", a.key.display()), a.password_stdin)?;
            let store = ssh::save_passphrase(&a.key, &pw).map_err(ssh_fail)?;
            if a.json {
                print_json(&serde_json::json!({ "ok": true, "key": a.key, "saved_in": store }));
            } else {
                outln!("the passphrase opens {} and is kept in {}", a.key.display(), store.describe());
            }
            Ok(ExitCode::SUCCESS)
        }
        SshCommand::Forget(a) => {
            let t = target(&a.target, &a.key)?;
            let removed = ssh::forget(&t).map_err(ssh_fail)?;
            if a.json {
                print_json(&serde_json::json!({ "ok": true, "removed": removed }));
            } else {
                outln!("{}", if removed { format!("forgot the secrets kept for {t}") } else { format!("nothing was kept for {t}") });
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[derive(clap::Args)]
pub struct RelayArgs {
    #[command(subcommand)]
    pub command: RelayCommand,
}

#[derive(clap::Subcommand)]
pub enum RelayCommand {
    /// Keep a redistribution server (or change the one of that name)
    Add(RelayAddArgs),
    /// The kept redistribution servers
    List(JsonArg),
    /// Forget a redistribution server
    Remove(RelayNameArg),
    /// Import servers from a text list, one per line: [name=N] [user@]host[:port] [folder] [address] (or scp's user@host:/folder)
    Import(RelayImportArgs),
    /// Check that each server can be reached, logged in to, and written (all, or --to NAME,…)
    Check(RelaySelectArgs),
    /// Copy a built package to the servers in parallel, verify every copy, report per server
    Copy(RelayCopyArgs),
    /// Remove a package (by its ID) from the servers, then from the console when --server is given
    Delete(RelayDeleteArgs),
}

impl RelayCommand {
    pub fn json(&self) -> bool {
        match self {
            RelayCommand::Add(a) => a.json,
            RelayCommand::List(a) => a.json,
            RelayCommand::Remove(a) => a.json,
            RelayCommand::Import(a) => a.json,
            RelayCommand::Check(a) => a.json,
            RelayCommand::Copy(a) => a.select.json,
            RelayCommand::Delete(a) => a.select.json,
        }
    }
}

#[derive(clap::Args)]
pub struct JsonArg {
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct RelayNameArg {
    name: String,
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct RelayAddArgs {
    /// A short name for reports (letters, digits, . _ -)
    name: String,
    /// user@host[:port] of its SSH server
    ssh: String,
    /// The folder its web server publishes as /download
    #[arg(long, default_value = "/var/www/download")]
    dir: String,
    /// The address agents use for it, host[:port]/path (default: <host>/download)
    #[arg(long)]
    url: Option<String>,
    /// Private key file for it
    #[arg(long)]
    key: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct RelayImportArgs {
    /// The list file (- for standard input)
    file: PathBuf,
    /// User for lines that give none
    #[arg(long, default_value = "root")]
    user: String,
    /// Download folder for lines that give none
    #[arg(long, default_value = "/var/www/download")]
    dir: String,
    /// Private key file for every imported server
    #[arg(long)]
    key: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct RelaySelectArgs {
    /// Only these servers (comma-separated names); default: all kept servers
    #[arg(long, value_delimiter = ',')]
    to: Vec<String>,
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct RelayCopyArgs {
    /// The built package folder (OUT/<ID>)
    package: PathBuf,
    /// The package's ID on the OCS server (what `publish` printed), when the console gave it another one than the folder's
    #[arg(long)]
    id: Option<String>,
    #[command(flatten)]
    select: RelaySelectArgs,
    /// Bandwidth limit per server, e.g. 2MiB (per second)
    #[arg(long)]
    limit: Option<ByteSize>,
    /// Wait for this time of day (HH:MM, local time) before copying; the studio must stay running
    #[arg(long)]
    at: Option<String>,
    /// Print the line that schedules this copy with `at` on a server, instead of copying
    #[arg(long)]
    print_schedule: bool,
}

#[derive(clap::Args)]
pub struct RelayDeleteArgs {
    /// The package's ID on the server (its folder name)
    id: String,
    #[command(flatten)]
    select: RelaySelectArgs,
    /// Also delete it from this console afterwards (only when every server is clean), as the procedure orders
    #[command(flatten)]
    console: crate::server::OptionalServerArgs,
}

pub fn relay_cmd(a: RelayArgs) -> Result<ExitCode, Failure> {
    match a.command {
        RelayCommand::Add(a) => {
            let form = relay::RelayForm { name: a.name, address: a.ssh, key: a.key, download_dir: a.dir, url: a.url.unwrap_or_default() };
            let (r, list) = relay::add_relay(&form, &RelayDefaults::default()).map_err(relay_fail)?;
            if a.json {
                print_json(&serde_json::json!({ "ok": true, "relay": r, "relays": list }));
            } else {
                outln!("kept {}: {} {} (agents: {}); {} server(s) in all", r.name, r.ssh, r.download_dir, r.url, list.len());
            }
            Ok(ExitCode::SUCCESS)
        }
        RelayCommand::List(a) => {
            let list = relay::relays().map_err(relay_fail)?;
            if a.json {
                print_json(&serde_json::json!({ "ok": true, "relays": list }));
            } else if list.is_empty() {
                outln!("no redistribution server kept yet (ocs-studio relay add, or relay import LIST)");
            } else {
                for r in &list {
                    outln!("{:<16} {:<32} {:<28} {}", r.name, r.ssh.to_string(), r.download_dir, r.url);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        RelayCommand::Remove(a) => {
            let list = relay::remove_relay(&a.name).map_err(relay_fail)?;
            if a.json {
                print_json(&serde_json::json!({ "ok": true, "relays": list }));
            } else {
                outln!("forgot {}; {} server(s) left", a.name, list.len());
            }
            Ok(ExitCode::SUCCESS)
        }
        RelayCommand::Import(a) => {
            let text = if a.file.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin()).map_err(|e| Failure { code: "source", message: format!("standard input: {e}") })?
            } else {
                std::fs::read_to_string(&a.file).map_err(|e| Failure { code: "source", message: format!("{}: {e}", a.file.display()) })?
            };
            let d = RelayDefaults { user: a.user, download_dir: a.dir, key: a.key };
            let out = relay::import_list(&text, &d).map_err(relay_fail)?;
            if a.json {
                print_json(&serde_json::json!({ "ok": true, "import": out }));
            } else {
                outln!("{} added, {} updated, {} line(s) not read; {} server(s) in all", out.added.len(), out.updated.len(), out.problems.len(), out.relays.len());
                for p in &out.problems {
                    outln!("  line {}: {} — {}", p.line, p.text, p.reason);
                }
            }
            Ok(if out.problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        RelayCommand::Check(a) => {
            let rt = runtime();
            let list = relay::select(&a.to).map_err(relay_fail)?;
            let mut checks = rt.block_on(relay::check(&list));
            // Unknown servers: ask on a terminal, then check those again.
            let mut asked = false;
            for (c, r) in checks.iter().zip(&list) {
                if c.error_code == Some(ocs_studio::ErrorCode::SshUnknownHost) {
                    asked |= ask_trust(&rt, &r.ssh, a.json)?;
                }
            }
            if asked {
                checks = rt.block_on(relay::check(&list));
            }
            let ok = checks.iter().all(|c| c.ok);
            if a.json {
                print_json(&serde_json::json!({ "ok": ok, "checks": checks }));
            } else {
                for c in &checks {
                    match (&c.check, &c.error) {
                        (Some(k), None) => outln!("{:<16} ok: {} ({}), {}", c.relay, k.auth, k.fingerprint, k.free_bytes.map(|f| format!("{} free", ByteSize(f))).unwrap_or_default()),
                        (_, Some(e)) => outln!("{:<16} FAILED: {e}", c.relay),
                        _ => {}
                    }
                }
            }
            Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        RelayCommand::Copy(a) => {
            let list = relay::select(&a.select.to).map_err(relay_fail)?;
            let req = CopyRequest { package: a.package.clone(), server_id: a.id.clone(), relays: a.select.to.clone(), limit: a.limit.map(|l| l.0), at: a.at.clone() };
            if a.print_schedule {
                let program = std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_else(|_| "ocs-studio".into());
                let line = relay::schedule_line(&req, &program).map_err(relay_fail)?;
                if a.select.json {
                    print_json(&serde_json::json!({ "ok": true, "schedule": line }));
                } else {
                    outln!("{line}");
                }
                return Ok(ExitCode::SUCCESS);
            }
            let cancel = cancel_on_ctrl_c();
            let bars = MultiBars::new(&list, a.select.json);
            let out = runtime().block_on(relay::copy(&req, &list, &|p| bars.report(p), &cancel)).map_err(relay_fail)?;
            bars.finish();
            if a.select.json {
                print_json(&serde_json::json!({ "ok": out.all_ok, "copy": out }));
            } else {
                outln!("package {} ({}) in {:.1} s:", out.package_id, ByteSize(out.bytes), out.ms as f64 / 1000.0);
                for r in &out.results {
                    let what = match r.status {
                        CopyStatus::Copied => format!("copied and verified: {} fragment(s) sent, {} already there, {} try(ies)", r.sent_fragments, r.kept_fragments, r.attempts),
                        CopyStatus::AlreadyThere => "already there, verified".to_string(),
                        CopyStatus::Failed => format!("FAILED after {} try(ies): {}", r.attempts, r.error.as_deref().unwrap_or("")),
                    };
                    outln!("  {:<16} {what}", r.relay);
                }
            }
            Ok(if out.all_ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        RelayCommand::Delete(a) => {
            let list = relay::select(&a.select.to).map_err(relay_fail)?;
            let rt = runtime();
            let results = rt.block_on(relay::delete(&a.id, &list));
            let relays_clean = results.iter().all(|r| r.error.is_none());
            let console = match a.console.spec() {
                Some(spec) if relays_clean => Some(crate::server::delete_on_console(&rt, &spec, &a.id)?),
                _ => None,
            };
            if a.select.json {
                print_json(&serde_json::json!({ "ok": relays_clean, "relays": results, "console": console }));
            } else {
                for r in &results {
                    match &r.error {
                        None => outln!("{:<16} {}", r.relay, if r.removed { "removed" } else { "was not there" }),
                        Some(e) => outln!("{:<16} FAILED: {e}", r.relay),
                    }
                }
                if let Some(c) = &console {
                    outln!("deleted from the console: {c}");
                } else if !relays_clean && a.console.spec().is_some() {
                    outln!("not deleted from the console: remove it from every redistribution server first, then run this again");
                }
            }
            Ok(if relays_clean { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}

/// One progress bar per server.
struct MultiBars {
    bars: Vec<(String, indicatif::ProgressBar)>,
    _multi: Option<indicatif::MultiProgress>,
}

impl MultiBars {
    fn new(list: &[Relay], json: bool) -> MultiBars {
        if json || !std::io::stderr().is_terminal() {
            return MultiBars { bars: Vec::new(), _multi: None };
        }
        let multi = indicatif::MultiProgress::new();
        let style = indicatif::ProgressStyle::with_template("{prefix:>16} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta} {wide_msg}").expect("template").progress_chars("=> ");
        let bars = list
            .iter()
            .map(|r| {
                let b = multi.add(indicatif::ProgressBar::new(0));
                b.set_style(style.clone());
                b.set_prefix(r.name.clone());
                (r.name.clone(), b)
            })
            .collect();
        MultiBars { bars, _multi: Some(multi) }
    }

    fn report(&self, p: ocs_studio::Progress) {
        let Some(name) = &p.current else { return };
        if let Some((_, b)) = self.bars.iter().find(|(n, _)| n == name) {
            b.set_length(p.total);
            b.set_position(p.done);
            if p.stage == ocs_studio::Stage::Done {
                b.set_message("verified");
            }
        } else if let (ocs_studio::Stage::Waiting, Some((_, b))) = (&p.stage, self.bars.first()) {
            b.set_message(format!("waiting until {name} ({} s left)", p.total.saturating_sub(p.done)));
        }
    }

    fn finish(&self) {
        for (_, b) in &self.bars {
            b.finish();
        }
    }
}
