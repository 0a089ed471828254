//! `ocs-studio`: the command line of OCS Package Studio. It parses, calls the core, and prints
//! (human text by default, one JSON object with --json). It holds no packaging logic of its own.

mod authoring;
mod server;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use ocs_studio::digest::{DigestAlgo, DigestEncoding};
use ocs_studio::manifest::{Located, Manifest, Protocol, MANIFEST_FILE};
use ocs_studio::notify::{DoneMessage, Notification};
use ocs_studio::verify::VerifyOptions;
use ocs_studio::{Action, BuildOptions, ByteSize, CancelToken, Progress, Project, Severity, Stage, TargetOs};

#[derive(Parser)]
#[command(
    name = "ocs-studio",
    version,
    about = "Author, build, verify, publish and deploy OCS Inventory NG packages",
    long_about = None,
    after_help = "Exit codes: 0 done; 1 the check ran and found errors (verify, notify-preview); 2 the command could not do its work \
(bad input, unreachable server, refused publish…), with `error: …` on stderr (or {\"ok\": false, \"error\": …} with --json)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build a package (OUT/<ID>/info + OUT/<ID>/<ID>-1..N) from a folder or a package.toml manifest
    Build(BuildArgs),
    /// Check a built package folder the way the agents will (info, fragments, digest, archive); exit code 1 when it is not OK
    Verify(VerifyArgs),
    /// Write a package.toml manifest with the seed procedure's defaults into FOLDER
    Init(InitArgs),
    /// Analyse a folder: files, installers (MSI properties, EXE technologies), warnings, suggested name and command
    Inspect(authoring::InspectArgs),
    /// Write install.bat from a template (MSI install/uninstall, EXE silent, command)
    Script(authoring::ScriptArgs),
    /// Lint a notification text and preview the dialogs as the PC will show them; exit code 1 when a lint is an error
    NotifyPreview(authoring::NotifyArgs),
    /// List the ready-made notification texts, or save your own
    Texts(authoring::TextsArgs),
    /// Disk space a PC needs for the package, against the agent's 3× rule and the seed's 5× rule
    Footprint(authoring::FootprintArgs),
    /// Compare fragment sizes: count and delivery time per PC from the agents' download cycle
    Plan(authoring::PlanArgs),
    /// Check a console password and save it in the system keyring
    Login(server::LoginArgs),
    /// Forget the saved password of a console user
    Logout(server::LogoutArgs),
    /// Publish a package to the OCS console, check what the server serves, activate it; prints the server's package id
    Publish(server::PublishArgs),
    /// Assign a published package to computers by TAG (contains ALPHA by default) or name, in rings
    Deploy(server::DeployArgs),
    /// Per-state counts and computers of a published package, each state explained (or --list the packages)
    Stats(server::StatsArgs),
    /// Delete a package from the server: assignments, activation, files and console entry
    Delete(server::DeleteArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum ActionKind {
    Launch,
    Execute,
    Store,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OsArg {
    Windows,
    Linux,
    Macos,
}

impl From<OsArg> for TargetOs {
    fn from(o: OsArg) -> Self {
        match o {
            OsArg::Windows => TargetOs::Windows,
            OsArg::Linux => TargetOs::Linux,
            OsArg::Macos => TargetOs::Macos,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum AlgoArg {
    Md5,
    Sha1,
    Sha256,
}

#[derive(clap::Args)]
struct BuildArgs {
    /// The application folder (its package.toml is used if present) or a manifest file
    source: PathBuf,
    /// Folder that receives the package folder <ID>/
    #[arg(long, short)]
    out: PathBuf,
    /// Target agents: windows (zip + install.bat) or linux/macos (tar.gz + install.sh)
    #[arg(long, value_enum)]
    os: Option<OsArg>,
    /// Package ID (default: the current Unix time, as the console does)
    #[arg(long)]
    id: Option<u64>,
    /// Package name shown in the console
    #[arg(long)]
    name: Option<String>,
    /// Version appended to the name
    #[arg(long = "version")]
    pkg_version: Option<String>,
    /// 1 (first) to 9 (last); 0 is refused
    #[arg(long)]
    priority: Option<u8>,
    /// What the agent does: launch a file of the package, execute a command, or store the files
    #[arg(long, value_enum)]
    action: Option<ActionKind>,
    /// The command (execute) or the file to launch with its arguments (launch)
    #[arg(long)]
    command: Option<String>,
    /// The folder the files are stored to (store)
    #[arg(long)]
    path: Option<String>,
    /// Largest fragment, e.g. 5MiB (the seed recommends 5 to 10 MiB)
    #[arg(long)]
    fragment_size: Option<ByteSize>,
    /// Show this text to the user before installing (turns the notification on)
    #[arg(long)]
    notify_text: Option<String>,
    #[command(flatten)]
    dialog: DialogArgs,
    /// Fragments over HTTPS instead of HTTP (info is always fetched over HTTPS)
    #[arg(long)]
    https: bool,
    /// Digest algorithm (MD5 is what every agent accepts)
    #[arg(long, value_enum)]
    digest: Option<AlgoArg>,
    /// Base64 digest instead of hexadecimal (not recommended)
    #[arg(long)]
    base64: bool,
    /// Replace OUT/<ID> if it exists
    #[arg(long)]
    replace: bool,
    /// Compression threads, 1 to 256 (default: all cores)
    #[arg(long, value_parser = threads_arg)]
    threads: Option<usize>,
    /// Build a Windows package even with paths a PC cannot unzip (reserved names like con.txt, names differing
    /// only by case, paths too long once extracted); they are refused by default, each named
    #[arg(long)]
    keep_bad_names: bool,
    /// Print one JSON object instead of text
    #[arg(long)]
    json: bool,
}

/// The dialog options `build` and `notify-preview` share.
#[derive(clap::Args)]
pub struct DialogArgs {
    /// Seconds before the installation starts by itself, 0 to 9999 (0: wait for the user)
    #[arg(long, value_parser = countdown_arg, allow_negative_numbers = true)]
    countdown: Option<u32>,
    /// Let the user cancel the installation
    #[arg(long)]
    can_abort: bool,
    /// Do not let the user delay the installation
    #[arg(long)]
    no_delay: bool,
    /// Show this text after the installation
    #[arg(long)]
    done_text: Option<String>,
}

impl DialogArgs {
    /// Applies the flags to `n`; returns the end-of-installation message when one was given.
    pub fn apply(&self, n: &mut Notification) -> Option<DoneMessage> {
        if let Some(c) = self.countdown {
            n.countdown = c;
        }
        n.can_abort |= self.can_abort;
        if self.no_delay {
            n.can_delay = false;
        }
        self.done_text.as_ref().map(|t| DoneMessage { enabled: true, text: t.clone() })
    }
}

#[derive(clap::Args)]
struct VerifyArgs {
    /// The package folder, OUT/<ID>
    dir: PathBuf,
    /// Check for these agents only (default: both Windows and Unix rules)
    #[arg(long, value_enum)]
    os: Option<OsArg>,
    /// Print one JSON object instead of text
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct InitArgs {
    /// The application folder
    folder: PathBuf,
    #[arg(long)]
    name: Option<String>,
    #[arg(long = "version")]
    pkg_version: Option<String>,
    #[arg(long, value_enum)]
    os: Option<OsArg>,
    /// Overwrite an existing package.toml
    #[arg(long)]
    force: bool,
    /// Print one JSON object instead of text
    #[arg(long)]
    json: bool,
}

/// `s` as one word for the shell the admin uses (POSIX single quotes; double quotes on Windows).
fn shell_quote(s: &str) -> String {
    if cfg!(windows) {
        format!("\"{s}\"")
    } else if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+:=@".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn threads_arg(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=256).contains(&n) => Ok(n),
        _ => Err(format!("'{s}' is not a thread count: give a whole number from 1 to 256, or leave --threads out to use every core")),
    }
}

fn countdown_arg(s: &str) -> Result<u32, String> {
    match s.trim().parse::<i64>() {
        Ok(n) if (0..=9999).contains(&n) => Ok(n as u32),
        Ok(n) if n < 0 => Err(format!("{n} is negative: the countdown is a number of seconds from 0 (wait for the user) to 9999")),
        _ => Err(format!("'{s}' is not a countdown: give the seconds before the installation starts by itself, from 0 (wait for the user) to 9999")),
    }
}

/// An error as the CLI prints it: stable code + actionable message.
pub struct Failure {
    pub code: &'static str,
    pub message: String,
}

impl<E: std::fmt::Display> From<(&'static str, E)> for Failure {
    fn from((code, e): (&'static str, E)) -> Self {
        Failure { code, message: e.to_string() }
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("OCS_STUDIO_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let (json, result) = match cli.command {
        Command::Build(a) => (a.json, cmd_build(a)),
        Command::Verify(a) => (a.json, cmd_verify(a)),
        Command::Init(a) => (a.json, cmd_init(a)),
        Command::Inspect(a) => (a.json, authoring::inspect(a)),
        Command::Script(a) => (a.json, authoring::script(a)),
        Command::NotifyPreview(a) => (a.json, authoring::notify_preview(a)),
        Command::Texts(a) => (a.json, authoring::texts(a)),
        Command::Footprint(a) => (a.json, authoring::footprint(a)),
        Command::Plan(a) => (a.json, authoring::plan(a)),
        Command::Login(a) => (a.server.json, server::login(a)),
        Command::Logout(a) => (a.server.json, server::logout(a)),
        Command::Publish(a) => (a.server.json, server::publish(a)),
        Command::Deploy(a) => (a.server.json, server::deploy(a)),
        Command::Stats(a) => (a.server.json, server::stats(a)),
        Command::Delete(a) => (a.server.json, server::delete(a)),
    };
    match result {
        Ok(code) => code,
        Err(mut f) => {
            if let Some(hint) = cli_hint(f.code) {
                f.message.push_str(&format!(" ({hint})"));
            }
            if json {
                println!("{}", serde_json::json!({ "ok": false, "error": { "code": f.code, "message": f.message } }));
            } else {
                eprintln!("error: {}", f.message);
            }
            ExitCode::from(2)
        }
    }
}

/// How to act on an error from the command line: the core's messages name the action, the CLI its flag.
fn cli_hint(code: &str) -> Option<&'static str> {
    Some(match code {
        "launch_file_missing" => "--action execute --command \"…\"",
        "exists" => "another --id, or --replace",
        "windows_paths" => "--keep-bad-names keeps them",
        "no_password" => "ocs-studio login --server URL --user NAME",
        "name_taken" => "--replace publishes it as the replacement",
        "no_such_package" => "ocs-studio stats --list",
        "tls" => "--ca FILE",
        _ => return None,
    })
}

pub fn cancel_on_ctrl_c() -> CancelToken {
    let token = CancelToken::new();
    let t = token.clone();
    let _ = ctrlc::set_handler(move || t.cancel());
    token
}

pub fn progress_bar() -> (ProgressBar, impl Fn(Progress) + Send + Sync) {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{prefix:>12} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta} {wide_msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    let b = bar.clone();
    let sink = move |p: Progress| {
        let prefix = match p.stage {
            Stage::Scanning => "scanning",
            Stage::Compressing => "compressing",
            Stage::Fragmenting => "fragmenting",
            Stage::Verifying => "verifying",
            Stage::Checking => "checking",
            Stage::Uploading => "uploading",
            Stage::Activating => "activating",
            Stage::Done => "done",
        };
        b.set_prefix(prefix);
        b.set_length(p.total);
        b.set_position(p.done);
        if let Some(c) = p.current {
            b.set_message(c);
        }
    };
    (bar, sink)
}

/// Resolves SOURCE: a manifest file, a folder's package.toml, or defaults for a bare folder.
pub fn locate(source: &Path, os: Option<TargetOs>) -> Result<Located, Failure> {
    Located::resolve(source, os.unwrap_or_default()).map_err(|e| {
        let code = if matches!(e, ocs_studio::manifest::ManifestError::SourceMissing(_) | ocs_studio::manifest::ManifestError::NotAManifest(_)) { "source" } else { "manifest" };
        Failure::from((code, e))
    })
}

fn apply_overrides(m: &mut Manifest, a: &BuildArgs) -> Result<(), Failure> {
    let bad = |message: String| Failure { code: "arguments", message };
    if let Some(os) = a.os {
        m.set_os(os.into());
    }
    if let Some(n) = &a.name {
        m.package.name = n.clone();
    }
    if let Some(v) = &a.pkg_version {
        m.package.version = v.clone();
    }
    if let Some(p) = a.priority {
        m.package.priority = p;
    }
    if a.https {
        m.package.protocol = Protocol::Https;
    }
    let kind = a.action.or(if a.path.is_some() { Some(ActionKind::Store) } else { None });
    m.action = match (kind, &m.action) {
        (Some(ActionKind::Launch), current) | (None, current @ Action::Launch { .. }) => Action::Launch {
            file: a.command.clone().or_else(|| match current {
                Action::Launch { file } => Some(file.clone()),
                _ => None,
            }).unwrap_or_else(|| m.package.os.default_entry().into()),
        },
        (Some(ActionKind::Execute), current) | (None, current @ Action::Execute { .. }) => Action::Execute {
            command: match (&a.command, current) {
                (Some(c), _) => c.clone(),
                (None, Action::Execute { command }) => command.clone(),
                _ => return Err(bad("--action execute needs --command \"…\" (e.g. --command \"msiexec /i app.msi /qn\")".into())),
            },
        },
        (Some(ActionKind::Store), current) | (None, current @ Action::Store { .. }) => {
            if a.command.is_some() && kind.is_some() {
                return Err(bad("--command does not apply to --action store: give the target folder with --path".into()));
            }
            Action::Store {
                path: match (&a.path, current) {
                    (Some(p), _) => p.clone(),
                    (None, Action::Store { path }) => path.clone(),
                    _ => return Err(bad("--action store needs --path (e.g. --path \"C:\\Apps\\Tool\")".into())),
                },
            }
        }
    };
    if let Some(s) = a.fragment_size {
        m.fragments.size = s;
    }
    if let Some(t) = &a.notify_text {
        m.notification.enabled = true;
        m.notification.text = t.clone();
    }
    if let Some(done) = a.dialog.apply(&mut m.notification) {
        m.after_install = done;
    }
    if let Some(d) = a.digest {
        m.digest.algorithm = match d {
            AlgoArg::Md5 => DigestAlgo::Md5,
            AlgoArg::Sha1 => DigestAlgo::Sha1,
            AlgoArg::Sha256 => DigestAlgo::Sha256,
        };
    }
    if a.base64 {
        m.digest.encoding = DigestEncoding::Base64;
    }
    Ok(())
}

fn cmd_build(a: BuildArgs) -> Result<ExitCode, Failure> {
    let Located { manifest: mut m, base_dir: base, file: manifest_file } = locate(&a.source, a.os.map(Into::into))?;
    apply_overrides(&mut m, &a)?;
    let cancel = cancel_on_ctrl_c();
    let (bar, sink) = progress_bar();
    let project = Project { manifest: &m, base_dir: &base, manifest_file: manifest_file.as_deref() };
    let opts = BuildOptions { out_dir: a.out.clone(), id: a.id, replace: a.replace, threads: a.threads, keep_bad_names: a.keep_bad_names };
    let result = ocs_studio::build(&project, &opts, &sink, &cancel);
    bar.finish_and_clear();
    let r = result.map_err(|e| Failure { code: e.code().as_str(), message: e.to_string() })?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&r).expect("report serializes"));
    } else {
        println!("Built package {} — {}", r.id, ocs_studio::build::describe(&r));
        println!("  folder      {}", r.dir.display());
        println!("  action      {}", r.action);
        println!("  digest      {} {} {}", r.digest_algo, r.digest_encode, if r.digest.is_empty() { "(no files)" } else { &r.digest });
        println!("  fragments   {} ({})", r.fragments, r.fragment_sizes.iter().map(|s| ByteSize(*s).to_string()).collect::<Vec<_>>().join(", "));
        println!("  took        {:.1} s", r.duration_ms as f64 / 1000.0);
        for w in &r.warnings {
            println!("warning: {}", w.message);
        }
        println!("Check it with: ocs-studio verify {}", r.dir.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_verify(a: VerifyArgs) -> Result<ExitCode, Failure> {
    if !a.dir.is_dir() {
        let what = if a.dir.exists() { "is not a folder" } else { "does not exist" };
        return Err(Failure { code: "source", message: format!("{} {what}: give the package folder OUT/<ID> written by ocs-studio build (it holds info and the fragments)", a.dir.display()) });
    }
    let cancel = cancel_on_ctrl_c();
    let (bar, sink) = progress_bar();
    let opts = VerifyOptions { os: a.os.map(Into::into) };
    let r = ocs_studio::verify(&a.dir, &opts, &sink, &cancel);
    bar.finish_and_clear();
    let r = r.map_err(|e| Failure::from(("verify", e)))?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&r).expect("report serializes"));
    } else {
        let status = if r.ok { "OK" } else { "FAILED" };
        println!(
            "{status}: {} — {} fragment(s), {} archive{}, {} entries",
            r.dir.display(),
            r.fragments,
            ByteSize(r.archive_size),
            r.archive_format.map(|f| format!(" ({f})")).unwrap_or_default(),
            r.entries
        );
        for p in &r.problems {
            let tag = if p.severity == Severity::Error { "error" } else { "warning" };
            println!("{tag} [{}]: {}\n    fix: {}", p.code, p.message, p.fix);
        }
    }
    Ok(if r.ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn cmd_init(a: InitArgs) -> Result<ExitCode, Failure> {
    if !a.folder.is_dir() {
        return Err(Failure { code: "source", message: format!("{} is not a folder: give the application folder", a.folder.display()) });
    }
    let path = a.folder.join(MANIFEST_FILE);
    if path.exists() && !a.force {
        return Err(Failure { code: "exists", message: format!("{} already exists: edit it, or pass --force to start again from defaults", path.display()) });
    }
    let os: TargetOs = a.os.map(Into::into).unwrap_or_default();
    let mut m = Manifest::for_folder(&a.folder, os);
    if let Some(n) = a.name {
        m.package.name = n;
    }
    if let Some(v) = a.pkg_version {
        m.package.version = v;
    }
    if let Some(src) = m.source.as_mut() {
        src.exclude = vec![".git".into(), "Thumbs.db".into(), "desktop.ini".into(), ".DS_Store".into()];
    }
    let abs = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
    let text = format!(
        "# OCS Package Studio manifest. Build it with:\n#   ocs-studio build {} --out packages\n# Paths are relative to this file. Priority 1 (first) … 9 (last), never 0.\n\n{}",
        shell_quote(&abs.to_string_lossy()),
        m.to_toml()
    );
    ocs_studio::fsx::write_atomic(&path, text.as_bytes()).map_err(|e| Failure { code: "output", message: format!("cannot write {}: {e}", path.display()) })?;
    let entry = os.default_entry();
    let has_entry = a.folder.join(entry).is_file();
    if a.json {
        println!("{}", serde_json::json!({ "ok": true, "manifest": path, "entry_found": has_entry, "manifest_toml": m.to_toml() }));
    } else {
        println!("Wrote {}", path.display());
        if !has_entry {
            println!("note: {} has no {entry} at its root yet: add one, or edit [action] in the manifest", a.folder.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
