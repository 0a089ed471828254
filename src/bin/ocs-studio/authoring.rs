//! The authoring commands: inspect, script, notify-preview, texts, footprint, plan.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ocs_studio::notify::library;
use ocs_studio::notify::{DoneMessage, Notification};
use ocs_studio::planner::DownloadCycle;
use ocs_studio::script::{MsiUi, ScriptRequest, TemplateChoice};
use ocs_studio::{ByteSize, CancelToken};

use crate::{progress_bar, Failure};

fn print_json<T: serde::Serialize>(v: &T) {
    outln!("{}", serde_json::to_string_pretty(v).expect("serializable"));
}

#[derive(clap::Args)]
pub struct InspectArgs {
    /// The application folder
    folder: PathBuf,
    /// Print one JSON object instead of text
    #[arg(long)]
    pub json: bool,
}

pub fn inspect(a: InspectArgs) -> Result<ExitCode, Failure> {
    let an = ocs_studio::scan::inspect(&a.folder, &[], &CancelToken::new()).map_err(|e| Failure::from(("source", e)))?;
    if a.json {
        print_json(&an);
        return Ok(ExitCode::SUCCESS);
    }
    outln!("{} — {} files, {}", an.root.display(), an.file_count, ByteSize(an.total_bytes));
    for i in &an.installers {
        outln!("  {} [{}] {}", i.path, i.label, ByteSize(i.size));
        for (k, v) in [
            ("ProductName", &i.msi.product_name),
            ("ProductVersion", &i.msi.product_version),
            ("Manufacturer", &i.msi.manufacturer),
            ("ProductCode", &i.msi.product_code),
            ("UpgradeCode", &i.msi.upgrade_code),
        ] {
            if let Some(v) = v {
                outln!("      {k:<15} {v}");
            }
        }
        if let Some(s) = &i.silent_args {
            outln!("      silent          {s}");
        }
    }
    outln!("entry script:      {}", an.entry_script.as_deref().unwrap_or("none"));
    outln!("suggested name:    {}", an.suggested_name.as_deref().unwrap_or("-"));
    outln!("suggested command: {}", an.suggested_command.as_deref().unwrap_or("-"));
    for w in &an.warnings {
        outln!("warning: {}", w.message);
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum TemplateArg {
    MsiInstall,
    MsiUninstall,
    ExeSilent,
    Command,
}

#[derive(clap::Args)]
pub struct ScriptArgs {
    /// The application folder
    folder: PathBuf,
    /// The template (default: from the manifest's [script], else suggested by the folder's analysis)
    #[arg(long, value_enum)]
    template: Option<TemplateArg>,
    /// MSI file (msi-install)
    #[arg(long)]
    msi: Option<String>,
    /// Transform to apply (repeatable)
    #[arg(long = "transform")]
    transforms: Vec<String>,
    /// MSI public property KEY=VALUE (repeatable)
    #[arg(long = "property")]
    properties: Vec<String>,
    /// Show msiexec's progress bar (/passive) instead of nothing (/qn)
    #[arg(long)]
    passive: bool,
    /// No msiexec log in %TEMP%
    #[arg(long)]
    no_log: bool,
    /// ProductCode to uninstall (msi-uninstall)
    #[arg(long)]
    product_code: Option<String>,
    /// Installer program (exe-silent)
    #[arg(long)]
    exe: Option<String>,
    /// Its silent switches (exe-silent; default: the standard ones of its technology)
    #[arg(long)]
    args: Option<String>,
    /// The command (command)
    #[arg(long)]
    line: Option<String>,
    /// Package name for the comment and the log file name
    #[arg(long)]
    name: Option<String>,
    /// Write FOLDER/install.bat (and keep the template in FOLDER/package.toml if there is one)
    #[arg(long)]
    write: bool,
    /// OEM code page of the PCs, which cmd.exe reads install.bat in: 850 (Western Europe, the default), 437 (US),
    /// 858, 852, 860, 863, 865, 866… (`chcp` on a PC shows it). Default: the manifest's [windows] batch_code_page
    #[arg(long)]
    code_page: Option<ocs_studio::script::CodePage>,
    /// Overwrite an existing install.bat
    #[arg(long)]
    force: bool,
    /// Print one JSON object instead of text
    #[arg(long)]
    pub json: bool,
}

fn parse_properties(list: &[String]) -> Result<BTreeMap<String, String>, Failure> {
    list.iter()
        .map(|p| {
            p.split_once('=').map(|(k, v)| (k.trim().to_string(), v.to_string())).ok_or_else(|| Failure {
                code: "arguments",
                message: format!("--property {p}: write KEY=VALUE, e.g. --property ALLUSERS=1"),
            })
        })
        .collect()
}

pub fn script(a: ScriptArgs) -> Result<ExitCode, Failure> {
    let need = |what: &str, v: &Option<String>| v.clone().ok_or_else(|| Failure { code: "arguments", message: format!("this template needs --{what}") });
    let ui = if a.passive { MsiUi::Passive } else { MsiUi::Quiet };
    let choice = match a.template {
        Some(TemplateArg::MsiInstall) => Some(TemplateChoice::MsiInstall {
            msi: a.msi.clone(),
            transforms: a.transforms.clone(),
            properties: parse_properties(&a.properties)?,
            ui,
            log: !a.no_log,
        }),
        Some(TemplateArg::MsiUninstall) => Some(TemplateChoice::MsiUninstall { product_code: a.product_code.clone(), ui }),
        Some(TemplateArg::ExeSilent) => Some(TemplateChoice::ExeSilent { exe: need("exe", &a.exe)?, args: a.args.clone() }),
        Some(TemplateArg::Command) => Some(TemplateChoice::Command { line: need("line", &a.line)? }),
        None => None,
    };
    let req = ScriptRequest { folder: a.folder.clone(), choice, name: a.name.clone(), code_page: a.code_page };
    let fail = |e: ocs_studio::script::AuthorError| Failure { code: e.code().as_str(), message: e.to_string() };
    let out = ocs_studio::script::generate(&req, &CancelToken::new()).map_err(fail)?;
    let out = if a.write { ocs_studio::script::write(&a.folder, &out, a.force).map_err(fail)? } else { out };
    if a.json {
        print_json(&serde_json::json!({
            "script": out.script,
            "install_bat": out.text,
            "code_page": out.code_page,
            "written": out.written,
            "changes": out.changes,
            "success_codes": out.success_codes,
        }));
    } else {
        out!("{}", out.text.replace("\r\n", "\n"));
        if let Some(target) = &out.written {
            eprintln!("wrote {} (code page {}, as cmd.exe reads it on the PCs)", target.display(), out.code_page);
        }
        eprintln!("Exit codes the agent counts as success:");
        for c in &out.success_codes {
            eprintln!("  {:>5}  {:<26} {}", c.code, c.status, c.meaning);
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct NotifyArgs {
    /// The text (plain text or simple HTML; line breaks are kept)
    #[arg(long, conflicts_with_all = ["file", "template"])]
    text: Option<String>,
    /// Read the text from a file
    #[arg(long, conflicts_with = "template")]
    file: Option<PathBuf>,
    /// Start from a library text (see `ocs-studio texts`)
    #[arg(long)]
    template: Option<String>,
    /// Replaces {application} in library texts
    #[arg(long, default_value = "l'application")]
    application: String,
    #[command(flatten)]
    dialog: crate::DialogArgs,
    /// Language of the dialog's buttons in the preview
    #[arg(long, default_value = "fr", value_parser = ["fr", "en"])]
    lang: String,
    /// Apply the safe automatic fixes before previewing
    #[arg(long)]
    fix: bool,
    /// Write the preview as an HTML page
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print one JSON object instead of text
    #[arg(long)]
    pub json: bool,
}

pub fn notify_preview(a: NotifyArgs) -> Result<ExitCode, Failure> {
    let (mut n, mut done) = (Notification { enabled: true, ..Default::default() }, DoneMessage::default());
    if let Some(id) = &a.template {
        let req = library::UseTextRequest { id: id.clone(), application: a.application.clone(), notification: Notification::default(), done };
        let used = library::use_text(&library::default_path(), &req).map_err(|e| Failure::from(("texts", e)))?;
        (n, done) = (used.notification, used.done);
    } else if let Some(f) = &a.file {
        n.text = std::fs::read_to_string(f).map_err(|e| Failure { code: "source", message: format!("cannot read {}: {e}", f.display()) })?;
    } else if let Some(t) = &a.text {
        n.text = t.clone();
    } else {
        return Err(Failure { code: "arguments", message: "give the text: --text \"…\", --file FILE or --template ID".into() });
    }
    if n.enabled && n.text.trim().is_empty() {
        return Err(Failure { code: "arguments", message: "the notification text is empty: write the message the user will read (--text \"…\", --file FILE), or start from a ready-made one (--template ID, see ocs-studio texts)".into() });
    }
    a.dialog.changes().apply(&mut n, &mut done);
    let p = ocs_studio::notify::preview(&ocs_studio::notify::PreviewRequest { notification: n, done, french: a.lang == "fr", autofix: a.fix });
    if let Some(out) = &a.out {
        ocs_studio::fsx::write_atomic(out, p.preview_html.as_bytes()).map_err(|e| Failure::from(("output", e)))?;
    }
    let errors = !p.ok;
    if a.json {
        print_json(&serde_json::json!({ "ok": p.ok, "text": p.text, "agent_html": p.agent_html, "lints": p.lints, "preview_html": p.preview_html }));
    } else {
        outln!("Stored for the agent: {}", p.agent_html);
        for l in &p.lints {
            outln!("{:?}: {}", l.level, l.message);
        }
        if let Some(out) = &a.out {
            outln!("Preview written to {}", out.display());
        }
    }
    Ok(if errors { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

#[derive(clap::Args)]
pub struct TextsArgs {
    /// Save a text of your own under this id (with --text, --lang, --title, --when)
    #[arg(long)]
    save: Option<String>,
    #[arg(long, requires = "save")]
    text: Option<String>,
    #[arg(long, default_value = "fr", value_parser = ["fr", "en"])]
    lang: String,
    #[arg(long)]
    title: Option<String>,
    #[arg(long, default_value = "before", value_parser = ["before", "after"])]
    when: String,
    /// Print one JSON object instead of text
    #[arg(long)]
    pub json: bool,
}

pub fn texts(a: TextsArgs) -> Result<ExitCode, Failure> {
    let path = library::default_path();
    if let Some(id) = a.save {
        let text = a.text.ok_or_else(|| Failure { code: "arguments", message: "--save needs --text".into() })?;
        let t = library::Template { title: a.title.unwrap_or_else(|| id.clone()), id, lang: a.lang, when: a.when, text, countdown: 0, can_abort: false, can_delay: true, builtin: false };
        library::save(&path, t).map_err(|e| Failure::from(("texts", e)))?;
    }
    let all = library::all(&path).map_err(|e| Failure::from(("texts", e)))?;
    if a.json {
        print_json(&all);
    } else {
        for t in &all {
            outln!("{:<14} {} {:<6} {}{}", t.id, t.lang, t.when, t.title, if t.builtin { "" } else { "  (yours)" });
        }
        outln!("(your texts are kept in {})", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct FootprintArgs {
    /// The application folder or its package.toml
    source: PathBuf,
    /// Print one JSON object instead of text
    #[arg(long)]
    pub json: bool,
}

/// The core's footprint operation for SOURCE, with a progress bar and Ctrl-C.
fn measure(source: &Path, priority: Option<u8>, cycle: Option<DownloadCycle>) -> Result<ocs_studio::footprint::SourceFootprint, Failure> {
    let cancel = crate::cancel_on_ctrl_c();
    let (bar, sink) = progress_bar();
    let req = ocs_studio::footprint::FootprintRequest { source: source.to_path_buf(), os: None, priority, cycle };
    let r = ocs_studio::footprint::for_source(&req, &sink, &cancel);
    bar.finish_and_clear();
    r.map_err(|e| Failure { code: e.code().as_str(), message: e.to_string() })
}

pub fn footprint(a: FootprintArgs) -> Result<ExitCode, Failure> {
    let f = measure(&a.source, None, None)?.footprint;
    if a.json {
        print_json(&f);
        return Ok(ExitCode::SUCCESS);
    }
    outln!("archive {}  unpacked {}  install (estimate) {}", ByteSize(f.archive_bytes), ByteSize(f.unzipped_bytes), ByteSize(f.install_estimate_bytes));
    for p in &f.phases {
        outln!("  {:<11} {}", serde_json::to_value(p.name).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(), ByteSize(p.bytes));
    }
    outln!("peak {}  agent refuses below {}  seed rule {}", ByteSize(f.peak_bytes), ByteSize(f.agent_required_free_bytes), ByteSize(f.seed_rule_bytes));
    outln!("{}", f.verdict());
    for adv in &f.advice {
        outln!("advice: {}", adv.english());
    }
    for d in &f.local_disks {
        outln!("  this computer {:<20} {} free {}", d.mount_point, ByteSize(d.available_bytes), if d.enough { "(enough)" } else { "(not enough)" });
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct PlanArgs {
    /// The application folder or its package.toml
    source: PathBuf,
    /// Fragment sizes to compare (repeatable; default: 1, 2, 5, 10, 20, 50 and 100 MiB)
    #[arg(long = "fragment-size")]
    sizes: Vec<ByteSize>,
    /// Package priority (default: the manifest's)
    #[arg(long)]
    priority: Option<u8>,
    /// Server setting DOWNLOAD_PERIOD_LENGTH
    #[arg(long, default_value_t = DownloadCycle::default().period_length)]
    period_length: u32,
    /// Server setting DOWNLOAD_CYCLE_LATENCY (s)
    #[arg(long, default_value_t = DownloadCycle::default().cycle_latency_s)]
    cycle_latency: u32,
    /// Server setting DOWNLOAD_FRAG_LATENCY (s)
    #[arg(long, default_value_t = DownloadCycle::default().frag_latency_s)]
    frag_latency: u32,
    /// Server setting DOWNLOAD_PERIOD_LATENCY (s)
    #[arg(long, default_value_t = DownloadCycle::default().period_latency_s)]
    period_latency: u32,
    /// Bandwidth one PC gets, in Mbit/s
    #[arg(long, default_value_t = DownloadCycle::default().bandwidth_mbit_s)]
    bandwidth: f64,
    /// Print one JSON object instead of text
    #[arg(long)]
    pub json: bool,
}

pub fn plan(a: PlanArgs) -> Result<ExitCode, Failure> {
    let cycle = DownloadCycle { period_length: a.period_length, cycle_latency_s: a.cycle_latency, frag_latency_s: a.frag_latency, period_latency_s: a.period_latency, bandwidth_mbit_s: a.bandwidth };
    let m = measure(&a.source, a.priority, Some(cycle.clone()))?;
    let (size, priority) = (m.footprint.archive_bytes, m.priority);
    let sizes: Vec<u64> = if a.sizes.is_empty() { [1, 2, 5, 10, 20, 50, 100].iter().map(|n| n * ByteSize::MIB).collect() } else { a.sizes.iter().map(|s| s.0).collect() };
    let plans: Result<Vec<_>, _> = sizes.iter().map(|&s| ocs_studio::planner::plan(size, s, priority, &cycle)).collect();
    let plans = plans.map_err(|e| Failure::from(("plan", e)))?;
    if a.json {
        print_json(&serde_json::json!({ "archive_bytes": size, "priority": priority, "cycle": cycle, "plans": plans }));
        return Ok(ExitCode::SUCCESS);
    }
    outln!("archive {} at priority {priority}", ByteSize(size));
    for p in &plans {
        let mins = p.delivery_seconds / 60.0;
        outln!(
            "  {:>8}  {:>5} fragment(s)  ~{:>6.1} min per PC{}",
            ByteSize(p.fragment_size).to_string(),
            p.fragments,
            mins,
            if p.recommended { "  (recommended)" } else { "" }
        );
    }
    Ok(ExitCode::SUCCESS)
}
