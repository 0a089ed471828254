//! The authoring commands: inspect, script, notify-preview, texts, footprint, plan.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ocs_studio::manifest::Located;
use ocs_studio::notify::library;
use ocs_studio::notify::Notification;
use ocs_studio::planner::DownloadCycle;
use ocs_studio::scan::installers::InstallerKind;
use ocs_studio::script::{MsiUi, Script, SUCCESS_CODES};
use ocs_studio::{ByteSize, CancelToken, Project, TargetOs};

use crate::{progress_bar, Failure};

fn print_json<T: serde::Serialize>(v: &T) {
    println!("{}", serde_json::to_string_pretty(v).expect("serializable"));
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
    println!("{} — {} files, {}", an.root.display(), an.file_count, ByteSize(an.total_bytes));
    for i in &an.installers {
        println!("  {} [{}] {}", i.path, i.label, ByteSize(i.size));
        for (k, v) in [
            ("ProductName", &i.msi.product_name),
            ("ProductVersion", &i.msi.product_version),
            ("Manufacturer", &i.msi.manufacturer),
            ("ProductCode", &i.msi.product_code),
            ("UpgradeCode", &i.msi.upgrade_code),
        ] {
            if let Some(v) = v {
                println!("      {k:<15} {v}");
            }
        }
        if let Some(s) = &i.silent_args {
            println!("      silent          {s}");
        }
    }
    println!("entry script:      {}", an.entry_script.as_deref().unwrap_or("none"));
    println!("suggested name:    {}", an.suggested_name.as_deref().unwrap_or("-"));
    println!("suggested command: {}", an.suggested_command.as_deref().unwrap_or("-"));
    for w in &an.warnings {
        println!("warning: {}", w.message);
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
    let analysis = ocs_studio::scan::inspect(&a.folder, &[], &CancelToken::new()).map_err(|e| Failure::from(("source", e)))?;
    let located = Located::resolve(&a.folder, TargetOs::Windows).map_err(|e| Failure::from(("manifest", e)))?;
    let name = a.name.clone().or(analysis.suggested_name.clone()).unwrap_or_else(|| "install".into());
    let need = |what: &str, v: &Option<String>| {
        v.clone().ok_or_else(|| Failure { code: "arguments", message: format!("this template needs --{what}") })
    };
    let mut script = match a.template {
        Some(TemplateArg::MsiInstall) => Script::MsiInstall {
            msi: match &a.msi {
                Some(m) => m.clone(),
                None => single_msi(&analysis)?,
            },
            transforms: a.transforms.clone(),
            properties: parse_properties(&a.properties)?,
            ui: if a.passive { MsiUi::Passive } else { MsiUi::Quiet },
            log: !a.no_log,
        },
        Some(TemplateArg::MsiUninstall) => Script::MsiUninstall {
            product_code: match &a.product_code {
                Some(c) => c.clone(),
                None => analysis.installers.iter().find_map(|i| i.msi.product_code.clone()).ok_or_else(|| Failure {
                    code: "arguments",
                    message: "no MSI in the folder to read the ProductCode from: give --product-code {…}".into(),
                })?,
            },
            ui: if a.passive { MsiUi::Passive } else { MsiUi::Quiet },
        },
        Some(TemplateArg::ExeSilent) => {
            let exe = need("exe", &a.exe)?;
            let known = analysis.installers.iter().find(|i| i.path == exe).and_then(|i| i.silent_args.clone());
            let args = a.args.clone().or(known).ok_or_else(|| Failure {
                code: "arguments",
                message: format!("the silent switches of {exe} are not known: give them with --args (try {exe} /? on a PC)"),
            })?;
            Script::ExeSilent { exe, args }
        }
        Some(TemplateArg::Command) => Script::Command { line: need("line", &a.line)? },
        None => located.manifest.script.clone().or(analysis.suggested_script.clone()).ok_or_else(|| Failure {
            code: "arguments",
            message: "nothing to suggest for this folder (no single MSI nor known installer): choose --template".into(),
        })?,
    };
    // A new version of the MSI under a new name: the kept template follows it when there is no doubt.
    if let Script::MsiInstall { msi, .. } = &mut script {
        if a.msi.is_none() && !a.folder.join(&*msi).is_file() {
            *msi = single_msi(&analysis)?;
        }
    }
    let text = script.render(&name).map_err(|e| Failure::from(("script", e)))?;
    let code_page = a.code_page.unwrap_or(located.manifest.windows.batch_code_page);
    let bytes = code_page.encode_batch(&text).map_err(|e| Failure::from(("script", e)))?;
    let target = a.folder.join("install.bat");
    if a.write {
        if target.exists() && !a.force && located.manifest.script.is_none() {
            return Err(Failure { code: "exists", message: format!("{} exists and was not generated from a template: pass --force to replace it", target.display()) });
        }
        ocs_studio::fsx::write_atomic(&target, &bytes).map_err(|e| Failure::from(("output", e)))?;
        if let Some(file) = &located.file {
            let mut m = located.manifest.clone();
            m.script = Some(script.clone());
            m.windows.batch_code_page = code_page;
            ocs_studio::fsx::write_atomic(file, m.to_toml().as_bytes()).map_err(|e| Failure::from(("output", e)))?;
        }
    }
    if a.json {
        print_json(&serde_json::json!({
            "script": script,
            "install_bat": text,
            "code_page": code_page,
            "written": a.write.then(|| target.clone()),
            "success_codes": SUCCESS_CODES.iter().map(|(c, s, m)| serde_json::json!({"code": c, "status": s, "meaning": m})).collect::<Vec<_>>(),
        }));
    } else {
        print!("{}", text.replace("\r\n", "\n"));
        if a.write {
            eprintln!("wrote {} (code page {code_page}, as cmd.exe reads it on the PCs)", target.display());
        }
        eprintln!("Exit codes the agent counts as success:");
        for (c, s, m) in SUCCESS_CODES {
            eprintln!("  {c:>5}  {s:<26} {m}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn single_msi(a: &ocs_studio::scan::Analysis) -> Result<String, Failure> {
    let msis: Vec<&str> = a.installers.iter().filter(|i| i.kind == InstallerKind::Msi).map(|i| i.path.as_str()).collect();
    match msis.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Err(Failure { code: "arguments", message: "no MSI in the folder: give --msi FILE".into() }),
        many => Err(Failure { code: "arguments", message: format!("several MSIs ({}): choose one with --msi", many.join(", ")) }),
    }
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
    let lib = library::all(&library::default_path()).map_err(|e| Failure::from(("texts", e)))?;
    let mut n = Notification { enabled: true, ..Default::default() };
    if let Some(id) = &a.template {
        let t = lib.iter().find(|t| &t.id == id).ok_or_else(|| Failure { code: "arguments", message: format!("no text \"{id}\" in the library: see ocs-studio texts") })?;
        n.text = t.text.replace("{application}", &a.application);
        n.countdown = t.countdown;
        n.can_abort = t.can_abort;
        n.can_delay = t.can_delay;
    } else if let Some(f) = &a.file {
        n.text = std::fs::read_to_string(f).map_err(|e| Failure { code: "source", message: format!("cannot read {}: {e}", f.display()) })?;
    } else if let Some(t) = &a.text {
        n.text = t.clone();
    } else {
        return Err(Failure { code: "arguments", message: "give the text: --text \"…\", --file FILE or --template ID".into() });
    }
    if n.text.trim().is_empty() {
        return Err(Failure { code: "arguments", message: "the notification text is empty: write the message the user will read (--text \"…\", --file FILE), or start from a ready-made one (--template ID, see ocs-studio texts)".into() });
    }
    let done = a.dialog.apply(&mut n).unwrap_or_default();
    if a.fix {
        n.text = ocs_studio::notify::autofix(&n.text);
    }
    let lints = ocs_studio::notify::lint(&n.text, true);
    let stored = ocs_studio::notify::agent_html(&n.text);
    let html = ocs_studio::notify::preview_html(&n, &done, a.lang == "fr");
    if let Some(out) = &a.out {
        ocs_studio::fsx::write_atomic(out, html.as_bytes()).map_err(|e| Failure::from(("output", e)))?;
    }
    let errors = lints.iter().any(|l| l.level == ocs_studio::notify::Level::Error);
    if a.json {
        print_json(&serde_json::json!({ "ok": !errors, "text": n.text, "agent_html": stored, "lints": lints, "preview_html": html }));
    } else {
        println!("Stored for the agent: {stored}");
        for l in &lints {
            println!("{:?}: {}", l.level, l.message);
        }
        if let Some(out) = &a.out {
            println!("Preview written to {}", out.display());
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
            println!("{:<14} {} {:<6} {}{}", t.id, t.lang, t.when, t.title, if t.builtin { "" } else { "  (yours)" });
        }
        println!("(your texts are kept in {})", path.display());
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

/// Lists the package's files and measures its archive (compressing it without writing anything).
fn measure(source: &Path) -> Result<(ocs_studio::manifest::Manifest, ocs_studio::scan::Analysis, u64), Failure> {
    let l = Located::resolve(source, TargetOs::Windows).map_err(|e| Failure::from(("manifest", e)))?;
    let project = Project { manifest: &l.manifest, base_dir: &l.base_dir, manifest_file: l.file.as_deref() };
    let cancel = crate::cancel_on_ctrl_c();
    let listing = project
        .list(&cancel)
        .map_err(|e| Failure::from(("source", e)))?
        .ok_or_else(|| Failure { code: "source", message: "this manifest packages no folder: nothing to measure".into() })?;
    let analysis = ocs_studio::scan::analyze(&listing, &cancel).map_err(|e| Failure::from(("source", e)))?;
    let (bar, sink) = progress_bar();
    let size = ocs_studio::build::measure(&listing, l.manifest.package.os, None, &sink, &cancel);
    bar.finish_and_clear();
    let size = size.map_err(|e| Failure { code: e.code(), message: e.to_string() })?;
    Ok((l.manifest, analysis, size))
}

pub fn footprint(a: FootprintArgs) -> Result<ExitCode, Failure> {
    let (_, analysis, size) = measure(&a.source)?;
    let f = ocs_studio::footprint::footprint(&analysis, size, ocs_studio::footprint::local_disks());
    if a.json {
        print_json(&f);
        return Ok(ExitCode::SUCCESS);
    }
    println!("archive {}  unpacked {}  install (estimate) {}", ByteSize(f.archive_bytes), ByteSize(f.unzipped_bytes), ByteSize(f.install_estimate_bytes));
    for p in &f.phases {
        println!("  {:<11} {}", p.name, ByteSize(p.bytes));
    }
    println!("peak {}  agent refuses below {}  seed rule {}", ByteSize(f.peak_bytes), ByteSize(f.agent_required_free_bytes), ByteSize(f.seed_rule_bytes));
    println!("{}", f.verdict);
    for adv in &f.advice {
        println!("advice: {adv}");
    }
    for d in &f.local_disks {
        println!("  this computer {:<20} {} free {}", d.mount_point, ByteSize(d.available_bytes), if d.enough { "(enough)" } else { "(not enough)" });
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
    let (m, _, size) = measure(&a.source)?;
    let cycle = DownloadCycle { period_length: a.period_length, cycle_latency_s: a.cycle_latency, frag_latency_s: a.frag_latency, period_latency_s: a.period_latency, bandwidth_mbit_s: a.bandwidth };
    let sizes: Vec<u64> = if a.sizes.is_empty() { [1, 2, 5, 10, 20, 50, 100].iter().map(|n| n * ByteSize::MIB).collect() } else { a.sizes.iter().map(|s| s.0).collect() };
    let priority = a.priority.unwrap_or(m.package.priority);
    let plans: Result<Vec<_>, _> = sizes.iter().map(|&s| ocs_studio::planner::plan(size, s, priority, &cycle)).collect();
    let plans = plans.map_err(|e| Failure::from(("plan", e)))?;
    if a.json {
        print_json(&serde_json::json!({ "archive_bytes": size, "priority": priority, "cycle": cycle, "plans": plans }));
        return Ok(ExitCode::SUCCESS);
    }
    println!("archive {} at priority {priority}", ByteSize(size));
    for p in &plans {
        let mins = p.delivery_seconds / 60.0;
        println!(
            "  {:>8}  {:>5} fragment(s)  ~{:>6.1} min per PC{}",
            ByteSize(p.fragment_size).to_string(),
            p.fragments,
            mins,
            if p.recommended { "  (recommended)" } else { "" }
        );
    }
    Ok(ExitCode::SUCCESS)
}
