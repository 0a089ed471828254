//! `ocs-studio`: the command line of OCS Package Studio. It parses, calls the core, and prints
//! (human text by default, one JSON object with --json). It holds no packaging logic of its own.

/// `println!` that ends the program quietly when the reader has gone (`ocs-studio … | head`): a closed pipe is not an
/// error of the studio, and must not print a panic (Rust's `println!` panics on it, on Linux and on Windows).
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout(), $($t)*) {
            crate::stdout_failed(e)
        }
    }};
}

/// `print!`, the same way.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = write!(std::io::stdout(), $($t)*).and_then(|_| std::io::stdout().flush()) {
            crate::stdout_failed(e)
        }
    }};
}

mod authoring;
mod relays;
mod server;

/// The output cannot be written: a reader that closed the pipe ends the program with success (what it wanted is
/// printed); any other failure is reported on stderr with exit code 2.
pub fn stdout_failed(e: std::io::Error) -> ! {
    // Windows reports a closed pipe as ERROR_BROKEN_PIPE (109), ERROR_NO_DATA (232) or ERROR_PIPE_NOT_CONNECTED (233).
    if e.kind() == std::io::ErrorKind::BrokenPipe || matches!(e.raw_os_error(), Some(109 | 232 | 233)) && cfg!(windows) {
        std::process::exit(0);
    }
    eprintln!("error: cannot write the output: {e}");
    std::process::exit(2);
}

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use ocs_studio::digest::DigestAlgo;
use ocs_studio::manifest::{ActionKind, Located, ManifestChanges};
use ocs_studio::notify::DialogChanges;
use ocs_studio::package::{self, InitRequest};
use ocs_studio::verify::VerifyOptions;
use ocs_studio::{BuildOptions, ByteSize, CancelToken, Progress, Project, Severity, Stage, TargetOs};

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
    /// Write a package.toml manifest with the seed procedure's defaults into FOLDER, named after its MSI if it has one
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
    /// Open a package that is on the server as a studio package (files, package.toml, the archive kept as it was), to change and publish as a new version
    Import(server::ImportArgs),
    /// Server groups of redistribution servers (over SSH, in the OCS database): list, create, delete, activate a package
    /// on a group, assign it with the "same subnet" rule
    Group(server::GroupArgs),
    /// SSH servers: check one (host key, login, folder), accept its host key, keep a password or key passphrase
    Ssh(relays::SshArgs),
    /// Redistribution servers: keep their list (add, import), check them, copy a package to all of them, delete it
    Relay(relays::RelayArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum ActionArg {
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
    action: Option<ActionArg>,
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
    /// Build a Windows package even when it needs Zip64 (a file or the archive over 4 GiB, over 65,535 files and
    /// folders): the Windows agent's zip library cannot read Zip64, so use it only for agents known to read it
    #[arg(long)]
    allow_zip64: bool,
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
    pub fn changes(&self) -> DialogChanges {
        DialogChanges { countdown: self.countdown, can_abort: self.can_abort, no_delay: self.no_delay, done_text: self.done_text.clone() }
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
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("OCS_STUDIO_LOG").unwrap_or_else(|_| "warn".into());
    for target in ocs_studio::NEVER_LOGGED {
        filter = filter.add_directive(format!("{target}=off").parse().expect("a valid directive"));
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let forced = matches!(cli.command, Command::Init(_) | Command::Script(_));
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
        Command::Import(a) => (a.server.json, server::import(a)),
        Command::Group(a) => (a.server.json, server::group(a)),
        Command::Ssh(a) => (a.command.json(), relays::ssh_cmd(a)),
        Command::Relay(a) => (a.command.json(), relays::relay_cmd(a)),
    };
    match result {
        Ok(code) => code,
        Err(mut f) => {
            // init and script replace their file with --force; build and publish use --replace.
            if let Some(hint) = if forced && f.code == "exists" { Some("--force") } else { cli_hint(f.code) } {
                f.message.push_str(&format!(" ({hint})"));
            }
            if json {
                outln!("{}", serde_json::json!({ "ok": false, "error": { "code": f.code, "message": f.message } }));
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
        "action_empty" => "--command \"…\" for execute or launch, --path for store",
        "exists" => "another --id, or --replace",
        "windows_paths" => "--keep-bad-names keeps them",
        "zip64" => "--os linux for Linux/macOS agents, or --allow-zip64",
        "no_password" => "ocs-studio login --server URL --user NAME",
        "name_taken" => "--replace publishes it as the replacement",
        "console_digest" => "build with --digest md5 and without --base64, or publish with --direct and --ssh",
        "no_such_package" => "ocs-studio stats --list",
        "tls" => "--ca FILE",
        "insecure_http" => "--allow-http",
        "login_refused" => "ocs-studio login --server URL --user NAME",
        "no_computers" => "--tag TEXT, --name TEXT or --all",
        "no_name" => "--name \"Name Version\" or --manifest FILE",
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
            Stage::Downloading => "downloading",
            Stage::Waiting => "waiting",
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
    Located::resolve(source, os.unwrap_or_default()).map_err(|e| Failure { code: e.code().as_str(), message: e.to_string() })
}

/// The build flags as changes to the manifest (the core applies them and checks the result).
fn changes(a: &BuildArgs) -> ManifestChanges {
    ManifestChanges {
        os: a.os.map(Into::into),
        name: a.name.clone(),
        version: a.pkg_version.clone(),
        priority: a.priority,
        https: a.https,
        action: a.action.map(|k| match k {
            ActionArg::Launch => ActionKind::Launch,
            ActionArg::Execute => ActionKind::Execute,
            ActionArg::Store => ActionKind::Store,
        }),
        command: a.command.clone(),
        path: a.path.clone(),
        fragment_size: a.fragment_size,
        notify_text: a.notify_text.clone(),
        dialog: a.dialog.changes(),
        digest: a.digest.map(|d| match d {
            AlgoArg::Md5 => DigestAlgo::Md5,
            AlgoArg::Sha1 => DigestAlgo::Sha1,
            AlgoArg::Sha256 => DigestAlgo::Sha256,
        }),
        base64: a.base64,
    }
}

fn cmd_build(a: BuildArgs) -> Result<ExitCode, Failure> {
    let Located { manifest: mut m, base_dir: base, file: manifest_file } = locate(&a.source, a.os.map(Into::into))?;
    changes(&a).apply(&mut m).map_err(|e| Failure::from(("arguments", e)))?;
    let cancel = cancel_on_ctrl_c();
    let (bar, sink) = progress_bar();
    let project = Project { manifest: &m, base_dir: &base, manifest_file: manifest_file.as_deref() };
    let opts = BuildOptions { out_dir: a.out.clone(), id: a.id, replace: a.replace, threads: a.threads, keep_bad_names: a.keep_bad_names, allow_zip64: a.allow_zip64 };
    let result = ocs_studio::build(&project, &opts, &sink, &cancel);
    bar.finish_and_clear();
    let r = result.map_err(|e| Failure { code: e.code().as_str(), message: e.to_string() })?;
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&r).expect("report serializes"));
    } else {
        outln!("Built package {} — {}", r.id, ocs_studio::build::describe(&r));
        outln!("  folder      {}", r.dir.display());
        outln!("  action      {}", r.action);
        outln!("  digest      {} {} {}", r.digest_algo, r.digest_encode, if r.digest.is_empty() { "(no files)" } else { &r.digest });
        outln!("  fragments   {} ({})", r.fragments, r.fragment_sizes.iter().map(|s| ByteSize(*s).to_string()).collect::<Vec<_>>().join(", "));
        outln!("  took        {:.1} s", r.duration_ms as f64 / 1000.0);
        for w in &r.warnings {
            outln!("warning: {}", w.message);
        }
        outln!("Check it with: ocs-studio verify {}", r.dir.display());
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
        outln!("{}", serde_json::to_string_pretty(&r).expect("report serializes"));
    } else {
        let status = if r.ok { "OK" } else { "FAILED" };
        outln!(
            "{status}: {} — {} fragment(s), {} archive{}, {} entries",
            r.dir.display(),
            r.fragments,
            ByteSize(r.archive_size),
            r.archive_format.map(|f| format!(" ({f})")).unwrap_or_default(),
            r.entries
        );
        for p in &r.problems {
            let tag = if p.severity == Severity::Error { "error" } else { "warning" };
            outln!("{tag} [{}]: {}\n    fix: {}", p.code, p.message, p.fix);
        }
    }
    Ok(if r.ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn cmd_init(a: InitArgs) -> Result<ExitCode, Failure> {
    let req = InitRequest { folder: a.folder.clone(), os: a.os.map(Into::into).unwrap_or_default(), name: a.name, version: a.pkg_version, replace: a.force };
    let out = package::init(&req, &CancelToken::new()).map_err(|e| Failure { code: e.code().as_str(), message: e.to_string() })?;
    if a.json {
        outln!("{}", serde_json::json!({ "ok": true, "manifest": out.manifest_file, "entry_found": out.entry_found, "manifest_toml": out.manifest.to_toml() }));
    } else {
        outln!("Wrote {} ({})", out.manifest_file.display(), out.manifest.display_name());
        if !out.entry_found {
            outln!("note: {} has no {} at its root yet: add one (ocs-studio script writes it), or edit [action] in the manifest", a.folder.display(), req.os.default_entry());
        }
    }
    Ok(ExitCode::SUCCESS)
}
