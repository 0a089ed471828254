//! Publishing a built package through the console: checks that can fail early (offline verification, upload
//! limit, name already used), the console's build form with every value exactly as the local `info` holds it,
//! the fragment size the admin chose, a read-back of what the server serves, then activation. Any failure after
//! the package exists on the server deletes it again, so nothing half-made stays there.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::console::{form_fields, BuildFlow, Page, UploadLimit};
use super::stats::{activations, delete, package_list, same_name, stats};
use super::{deploy, Console, OcsError};
use crate::digest::Hasher;
use crate::info::{self, ParsedInfo};
use crate::manifest::TargetOs;
use crate::progress::{CancelToken, Progress, ProgressSink, Stage};
use crate::xml::escape_attr;
use crate::ByteSize;

/// Debian's `upload_max_filesize` for the console (its Apache configuration sets 100m).
pub const DEFAULT_UPLOAD_LIMIT: u64 = 100 << 20;
const MIB: u64 = 1 << 20;

/// What to publish as, and where agents will fetch it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PublishOptions {
    /// The package name the console shows (the studio uses "Name Version").
    pub name: String,
    pub description: String,
    pub os: TargetOs,
    /// The fragment size the admin chose, in bytes (the manifest's); `None`: deduced from the package.
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub fragment_size: Option<u64>,
    /// HTTPS server address agents fetch `info` from (host/path, no scheme), default `<console host>/download`.
    pub info_location: Option<String>,
    /// File server address for the fragments, default the same as `info_location`.
    pub fragment_location: Option<String>,
    /// Publish even if a different package of that name exists: the new one takes over its computers and the old
    /// one is deleted.
    pub replace: bool,
    /// Publish over SSH (the server's SSH settings are needed) even when the console would take the upload. Without
    /// it, the studio publishes over SSH only a package above the console's upload limit.
    #[serde(default)]
    pub direct: bool,
}

/// The steps of a publication, in order (the progress reports carry them as `current`).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PublishStepKind {
    Verify,
    UploadLimit,
    Existing,
    FragmentSetting,
    Upload,
    /// Direct publishing: the files copied over SSH, the rows written in one transaction.
    DirectCopy,
    Collision,
    CheckServed,
    Activate,
    Replace,
}

impl PublishStepKind {
    pub const ALL: [PublishStepKind; 10] = [
        PublishStepKind::Verify,
        PublishStepKind::UploadLimit,
        PublishStepKind::Existing,
        PublishStepKind::FragmentSetting,
        PublishStepKind::Upload,
        PublishStepKind::DirectCopy,
        PublishStepKind::Collision,
        PublishStepKind::CheckServed,
        PublishStepKind::Activate,
        PublishStepKind::Replace,
    ];

    /// The step as a sentence ends it: "publishing stopped while …".
    pub fn doing(self) -> &'static str {
        match self {
            PublishStepKind::Verify => "verifying the package",
            PublishStepKind::UploadLimit => "reading the console's upload limit",
            PublishStepKind::Existing => "looking for a package of the same name on the server",
            PublishStepKind::FragmentSetting => "setting the console's fragment size",
            PublishStepKind::Upload => "uploading the package to the console",
            PublishStepKind::DirectCopy => "copying the package to the server over SSH",
            PublishStepKind::Collision => "checking that the new package ID is this package's",
            PublishStepKind::CheckServed => "checking that the server serves the package as agents will fetch it",
            PublishStepKind::Activate => "activating the package",
            PublishStepKind::Replace => "moving the replaced package's computers to the new one",
        }
    }

    /// The step as the progress reports and the JSON name it (`upload-limit`…).
    pub fn as_str(self) -> &'static str {
        match self {
            PublishStepKind::Verify => "verify",
            PublishStepKind::UploadLimit => "upload-limit",
            PublishStepKind::Existing => "existing",
            PublishStepKind::FragmentSetting => "fragment-setting",
            PublishStepKind::Upload => "upload",
            PublishStepKind::DirectCopy => "direct-copy",
            PublishStepKind::Collision => "collision",
            PublishStepKind::CheckServed => "check-served",
            PublishStepKind::Activate => "activate",
            PublishStepKind::Replace => "replace",
        }
    }
}

/// What a step found or did, with its figures; the window words it in its language, the CLI in English.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepDetail {
    /// The package passed the offline verification.
    Verified {
        #[cfg_attr(feature = "specta", specta(type = u32))]
        fragments: usize,
        #[cfg_attr(feature = "specta", specta(type = u32))]
        bytes: u64,
        digest: String,
    },
    /// The archive fits the console's upload limit (`measured`: read from the console, else assumed).
    WithinUploadLimit {
        #[cfg_attr(feature = "specta", specta(type = u32))]
        bytes: u64,
        #[cfg_attr(feature = "specta", specta(type = u32))]
        limit: u64,
        measured: bool,
    },
    /// The archive is above the console's upload limit: the studio publishes it directly over SSH.
    OverUploadLimit {
        #[cfg_attr(feature = "specta", specta(type = u32))]
        bytes: u64,
        #[cfg_attr(feature = "specta", specta(type = u32))]
        limit: u64,
        measured: bool,
    },
    /// The files were copied over SSH into the server's download folder, checked there, and the console's rows
    /// written (committed once the server serves the package).
    DirectCopied {
        server_id: String,
        #[cfg_attr(feature = "specta", specta(type = u32))]
        bytes: u64,
        target: String,
        download_dir: String,
        #[cfg_attr(feature = "specta", specta(type = u32))]
        ms: u64,
    },
    /// The same package was already there: nothing is sent.
    AlreadyPublished { server_id: String },
    /// A package of that name exists and will be replaced.
    Replaces { server_id: String },
    /// No package has that name yet.
    NameFree,
    /// The console's global fragment setting used for this upload.
    FragmentRatio {
        #[cfg_attr(feature = "specta", specta(type = u32))]
        mib: u64,
    },
    /// Uploaded; the console created the package.
    Uploaded {
        #[cfg_attr(feature = "specta", specta(type = u32))]
        bytes: u64,
        server_id: String,
    },
    /// Another upload took the same id in the same second: uploading again.
    IdTaken { server_id: String },
    /// The download server serves exactly the local `info`, and the fragments match the digest.
    Served { info_url: String },
    /// Activated with these locations.
    Activated { enable_id: String, info_loc: String, pack_loc: String },
    /// The replaced package's computers were moved over, then it was deleted.
    Replaced {
        #[cfg_attr(feature = "specta", specta(type = u32))]
        moved: usize,
        old: String,
    },
}

impl StepDetail {
    /// The detail in English (the CLI's words, and the logs').
    pub fn english(&self) -> String {
        match self {
            StepDetail::Verified { fragments, bytes, digest } => format!("{fragments} fragment(s), {}, digest {digest}", ByteSize(*bytes)),
            StepDetail::WithinUploadLimit { bytes, limit, measured } => {
                format!("{} ≤ {}{}", ByteSize(*bytes), ByteSize(*limit), if *measured { "" } else { " (assumed)" })
            }
            StepDetail::OverUploadLimit { bytes, limit, measured } => {
                format!("{} > {}{}: publishing directly over SSH", ByteSize(*bytes), ByteSize(*limit), if *measured { "" } else { " (assumed)" })
            }
            StepDetail::DirectCopied { server_id, bytes, target, download_dir, ms } => {
                format!("{} copied to {target}:{download_dir}/{server_id} and checked there in {:.1} s; rows written in one transaction", ByteSize(*bytes), *ms as f64 / 1000.0)
            }
            StepDetail::AlreadyPublished { server_id } => format!("already published as {server_id}"),
            StepDetail::Replaces { server_id } => format!("replaces {server_id}"),
            StepDetail::NameFree => "name is free".into(),
            StepDetail::FragmentRatio { mib } => format!("{mib} MiB"),
            StepDetail::Uploaded { bytes, server_id } => format!("{} sent; the console created package {server_id}", ByteSize(*bytes)),
            StepDetail::IdTaken { server_id } => format!("another upload took package id {server_id} in the same second; uploading again"),
            StepDetail::Served { info_url } => format!("{info_url} equals the local info; fragments match the digest"),
            StepDetail::Activated { enable_id, info_loc, pack_loc } => format!("activation {enable_id} (https://{info_loc}, {pack_loc})"),
            StepDetail::Replaced { moved, old } => format!("{moved} computer(s) moved from {old}, which was deleted"),
        }
    }
}

/// The options a built package folder publishes with by default: the name, description and fragment size its
/// build kept beside it (`OUT/<ID>.package.toml`), its target OS (from the kept manifest, else from the archive's
/// first bytes), the console's default locations. `name` is empty when the folder was not built by the studio.
pub fn default_options(dir: &Path) -> PublishOptions {
    let kept = crate::manifest::Manifest::load(&crate::build::kept_manifest_path(dir)).ok();
    PublishOptions {
        name: kept.as_ref().map(|m| m.display_name()).unwrap_or_default(),
        description: kept.as_ref().map(|m| m.package.description.clone()).filter(|d| !d.is_empty()).unwrap_or_else(default_description),
        os: kept.as_ref().map(|m| m.package.os).unwrap_or_else(|| package_os(dir)),
        fragment_size: kept.as_ref().map(|m| m.fragments.size.0),
        info_location: None,
        fragment_location: None,
        replace: false,
        direct: false,
    }
}

/// What `publish SOURCE` sends: a built package folder as it is, or an application folder (or its manifest) built
/// first into a temporary folder, removed when this is dropped.
#[derive(Debug)]
pub struct PublishSource {
    pub dir: std::path::PathBuf,
    pub options: PublishOptions,
    /// The build made for publishing, when the source was not a package folder.
    pub built: Option<crate::BuildReport>,
    _temp: Option<tempfile::TempDir>,
}

/// Resolves what to publish from `source`. A built package folder publishes with what its build kept beside it, or
/// with the settings of `manifest` (name, description, OS, fragment size) when given; anything else is built first,
/// with the same progress and cancel as a build. `os` overrides the target agents.
pub fn prepare_source(
    source: &Path,
    manifest: Option<&Path>,
    os: Option<TargetOs>,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> Result<PublishSource, crate::BuildError> {
    let mut src = if source.join("info").is_file() {
        let mut options = default_options(source);
        if let Some(file) = manifest {
            let m = crate::manifest::Located::resolve(file, os.unwrap_or_default())?.manifest;
            (options.name, options.os, options.fragment_size) = (m.display_name(), m.package.os, Some(m.fragments.size.0));
            if !m.package.description.is_empty() {
                options.description = m.package.description.clone();
            }
        }
        PublishSource { dir: source.to_path_buf(), options, built: None, _temp: None }
    } else {
        let loc = crate::manifest::Located::resolve(source, os.unwrap_or_default())?;
        let temp = tempfile::Builder::new()
            .prefix("ocs-studio-publish-")
            .tempdir()
            .map_err(|e| crate::BuildError::Output { path: std::env::temp_dir(), source: e })?;
        let project = crate::Project { manifest: &loc.manifest, base_dir: &loc.base_dir, manifest_file: loc.file.as_deref() };
        let r = crate::build(&project, &crate::BuildOptions { out_dir: temp.path().to_path_buf(), ..Default::default() }, progress, cancel)?;
        PublishSource { dir: r.dir.clone(), options: default_options(&r.dir), built: Some(r), _temp: Some(temp) }
    };
    if let Some(os) = os {
        src.options.os = os;
    }
    Ok(src)
}

/// The console's description of a package the studio published without one.
pub fn default_description() -> String {
    format!("Published by OCS Package Studio {}", crate::VERSION)
}

/// The agents a built package is for, from its first fragment: a zip is for Windows, a gzip for Linux/macOS.
pub fn package_os(dir: &Path) -> TargetOs {
    let id = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut head = [0u8; 2];
    let gzip = std::fs::File::open(dir.join(format!("{id}-1"))).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head)).is_ok() && head == [0x1f, 0x8b];
    if gzip {
        TargetOs::Linux
    } else {
        TargetOs::Windows
    }
}

/// One step of a publication, as shown while it runs and in the report.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PublishStep {
    pub step: PublishStepKind,
    pub detail: StepDetail,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub ms: u64,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PublishReport {
    /// The package's id on the server (FILEID): what `deploy`, `stats` and `delete` take.
    pub server_id: String,
    pub enable_id: String,
    pub name: String,
    pub console: String,
    /// True when the same package was already there: nothing was uploaded.
    pub already_published: bool,
    /// The packages of the same name this one replaced (their computers moved over, then deleted): the previous
    /// version, or more than one when the console held several.
    pub replaced: Vec<String>,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub moved_computers: usize,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub archive_size: u64,
    pub digest: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub fragments: usize,
    /// How the console was made to cut the package, and what differs from the local build.
    pub fragment_note: String,
    /// The whole-MiB size a 2.9+ console cut with (None: a 2.8 console's per-package count, or no file).
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub fragment_ratio_mib: Option<u64>,
    /// The console's global fragment setting was changed for this build, then put back.
    pub fragment_setting_changed: bool,
    pub upload_limit: Option<UploadLimit>,
    pub info_url: String,
    pub fragment_url: Option<String>,
    /// Published directly over SSH (`user@host:port:/download/folder`), not through the console's upload.
    pub direct: Option<String>,
    pub steps: Vec<PublishStep>,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub duration_ms: u64,
}

/// A built package on disk: its parsed `info` and fragment files.
pub(super) struct Local {
    info: ParsedInfo,
    fragments: Vec<PathBuf>,
    size: u64,
}

impl Local {
    fn open(dir: &Path) -> Result<Local, OcsError> {
        let bad = |m: String| OcsError::Package(m);
        let bytes = std::fs::read(dir.join("info")).map_err(|e| bad(format!("{}: {e}; give a package folder built by the studio (it holds info and <ID>-1…)", dir.join("info").display())))?;
        let info = info::parse(&bytes).map_err(|e| bad(e.to_string()))?;
        let id = info.get("ID").unwrap_or_default().to_string();
        let frags: usize = info.get("FRAGS").unwrap_or("0").parse().map_err(|_| bad("FRAGS is not a number".into()))?;
        let mut fragments = Vec::with_capacity(frags);
        let mut size = 0;
        for i in 1..=frags {
            let p = dir.join(format!("{id}-{i}"));
            size += std::fs::metadata(&p).map_err(|e| bad(format!("{}: {e}; rebuild the package", p.display())))?.len();
            fragments.push(p);
        }
        Ok(Local { info, fragments, size })
    }

    fn get(&self, k: &str) -> &str {
        self.info.get(k).unwrap_or_default()
    }

    fn action_attr(&self) -> &'static str {
        match self.get("ACT") {
            "STORE" => "PATH",
            "LAUNCH" => "NAME",
            _ => "COMMAND",
        }
    }
}

/// The attributes that differ between the local `info` and the server's (ID and FRAGS are checked separately).
/// The read-back found the package cut in another number of fragments than chosen (and nothing else wrong).
fn is_other_cut(e: &OcsError) -> bool {
    matches!(e, OcsError::Mismatch { detail, .. } if detail.starts_with(OTHER_CUT) && !detail.contains("; "))
}

const OTHER_CUT: &str = "the server cut ";

fn differences(local: &ParsedInfo, served: &ParsedInfo) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in &local.attributes {
        if k == "ID" || k == "FRAGS" {
            continue;
        }
        match served.get(k) {
            Some(s) if s == v => {}
            Some(s) => out.push(format!("{k} is \"{s}\" on the server, \"{v}\" here")),
            None => out.push(format!("{k} is missing on the server")),
        }
    }
    for (k, _) in &served.attributes {
        if local.get(k).is_none() {
            out.push(format!("the server adds {k}"));
        }
    }
    out
}

/// A 2.9+ console cuts by a whole number of MiB: the ratio giving the same fragment count as the local build,
/// nearest to the size the admin chose. `None` when no whole-MiB ratio gives that count.
pub(crate) fn ratio_for(size: u64, count: usize, chosen: u64) -> Option<u64> {
    let count_for = |r: u64| size.div_ceil(r * MIB) as usize;
    let target = chosen.div_ceil(MIB).max(1);
    (1..=9999u64).filter(|&r| count_for(r) == count).min_by_key(|&r| r.abs_diff(target))
}

/// Location values as the console stores them: host[:port]/path. 2.11 silently strips anything but letters,
/// digits, `.`, `_`, `-` and `/` (so a port's `:` is lost); 2.12 keeps a port (`with_port`).
fn check_location(what: &str, loc: &str, with_port: bool) -> Result<String, OcsError> {
    let loc = loc.trim().trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/').to_string();
    if loc.is_empty() {
        return Err(OcsError::Refused(format!("the {what} address is empty: give host/path, e.g. ocs.example.com/download")));
    }
    let host_end = loc.find('/').unwrap_or(loc.len());
    let (host, path) = loc.split_at(host_end);
    let (name, port) = match host.split_once(':') {
        Some((n, p)) => (n, Some(p)),
        None => (host, None),
    };
    if let Some(p) = port {
        if !with_port {
            return Err(OcsError::Refused(format!(
                "the {what} address '{loc}' has a port, which this console (before 2.12) silently removes: serve /download on the default port (443), or publish through a 2.12 console"
            )));
        }
        if p.parse::<u16>().map_or(true, |n| n == 0) {
            return Err(OcsError::Refused(format!("the {what} address '{loc}' has the port '{p}': give a number from 1 to 65535, as host:8443/download")));
        }
    }
    if let Some(c) = name.chars().chain(path.chars()).find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'))) {
        return Err(OcsError::Refused(format!(
            "the {what} address '{loc}' contains '{c}', which the console silently removes: use host[:port]/path with letters, digits, '.', '-', '_' only"
        )));
    }
    Ok(loc)
}

pub(super) struct Steps<'a> {
    list: Vec<PublishStep>,
    t: Instant,
    pub(super) progress: &'a dyn ProgressSink,
    /// The step running now: a failure names it.
    current: Option<PublishStepKind>,
}

impl Steps<'_> {
    pub(super) fn start(&mut self, stage: Stage, step: PublishStepKind) {
        self.t = Instant::now();
        self.current = Some(step);
        self.progress.report(Progress { stage, done: 0, total: 0, current: Some(step.as_str().to_string()) });
    }
    pub(super) fn done(&mut self, step: PublishStepKind, detail: StepDetail) {
        tracing::debug!(step = step.as_str(), detail = %detail.english(), "publish step");
        self.list.push(PublishStep { step, detail, ms: self.t.elapsed().as_millis() as u64 });
    }
}

/// Publishes the package folder `dir` (…/<ID>, from `ocs-studio build`) and activates it.
pub async fn publish(c: &Console, dir: &Path, opts: &PublishOptions, progress: &dyn ProgressSink, cancel: &CancelToken) -> Result<PublishReport, OcsError> {
    let mut steps = Steps { list: Vec::new(), t: Instant::now(), progress, current: None };
    // Whatever fails names the step it failed in (a connection lost while uploading, an unexpected page while
    // activating…); what the step had created on the server is already taken back by then.
    publish_steps(c, dir, opts, &mut steps, cancel).await.map_err(|e| e.during(steps.current))
}

async fn publish_steps(c: &Console, dir: &Path, opts: &PublishOptions, steps: &mut Steps<'_>, cancel: &CancelToken) -> Result<PublishReport, OcsError> {
    let started = Instant::now();
    let progress = steps.progress;
    let check_cancel = || if cancel.is_cancelled() { Err(OcsError::Cancelled) } else { Ok(()) };

    // 1. The package itself, checked like the agent would, before anything is sent.
    steps.start(Stage::Verifying, PublishStepKind::Verify);
    let local = Local::open(dir)?;
    let vdir = dir.to_path_buf();
    let vcancel = cancel.clone();
    let report = tokio::task::spawn_blocking(move || crate::verify::verify(&vdir, &Default::default(), &(), &vcancel))
        .await
        .map_err(|e| OcsError::Package(e.to_string()))?
        .map_err(|e| if cancel.is_cancelled() { OcsError::Cancelled } else { OcsError::Package(e.to_string()) })?;
    if !report.ok {
        let first = report.problems.iter().find(|p| p.severity == crate::Severity::Error).map(|p| format!("{} ({}): {}", p.message, p.code, p.fix)).unwrap_or_default();
        return Err(OcsError::Package(format!("the package fails offline verification, so agents would fail too: {first}")));
    }
    steps.done(PublishStepKind::Verify, StepDetail::Verified { fragments: local.fragments.len(), bytes: local.size, digest: local.get("DIGEST").to_string() });
    check_cancel()?;

    let name = opts.name.trim().to_string();
    if name.is_empty() {
        return Err(OcsError::NoName { dir: dir.to_path_buf(), kept: crate::build::kept_manifest_path(dir) });
    }
    let with_port = c.version.at_least(2, 12);
    let info_loc = check_location("HTTPS server", opts.info_location.as_deref().unwrap_or(&c.default_download_location()), with_port)?;
    let pack_loc = check_location("file server", opts.fragment_location.as_deref().unwrap_or(&info_loc), with_port)?;
    if c.version.flow == BuildFlow::Legacy {
        legacy_representable(&local)?;
    }
    if !c.version.at_least(2, 12) && name.contains(['<', '>']) {
        // 2.11 strips tags from the name it stores ("A <b> B" becomes "A  B"); 2.12 keeps them.
        return Err(OcsError::Refused(format!(
            "the name \"{name}\" contains '<' or '>', which this console ({}) removes with the text between them: name the package without them",
            c.version
        )));
    }

    if !opts.direct && local.size > 0 {
        console_keeps_digest(&local)?;
    }

    // 2. The upload limit, before uploading.
    steps.start(Stage::Checking, PublishStepKind::UploadLimit);
    let ssh_spec = c.spec().ssh.clone();
    let mut direct = opts.direct;
    if direct && ssh_spec.is_none() {
        return Err(OcsError::Refused("publishing directly needs SSH access to the OCS server: give its SSH settings (user@host, and the key or password to use)".into()));
    }
    let limit = if local.size > 0 { Some(c.upload_limit().await) } else { None };
    if let Some(l) = limit {
        if local.size > l.bytes {
            if ssh_spec.is_none() {
                return Err(OcsError::UploadTooLarge { size: ByteSize(local.size), limit: ByteSize(l.bytes), assumed: if l.measured { "" } else { " (Debian's default; the console did not show its own)" } });
            }
            direct = true;
            steps.done(PublishStepKind::UploadLimit, StepDetail::OverUploadLimit { bytes: local.size, limit: l.bytes, measured: l.measured });
        } else {
            steps.done(PublishStepKind::UploadLimit, StepDetail::WithinUploadLimit { bytes: local.size, limit: l.bytes, measured: l.measured });
        }
    }

    // 3. Same name already there: identical → nothing to do; different → only with `replace`.
    steps.start(Stage::Checking, PublishStepKind::Existing);
    let listed = package_list(c, "").await?;
    // The ids on the server just before the first upload (read again before a retry).
    let mut before: Vec<String> = listed.iter().map(|p| p.server_id.clone()).collect();
    // This very package, already published and activated; the other packages of that name.
    let mut published: Option<(String, super::stats::Activation)> = None;
    let mut others = Vec::new();
    for p in listed.into_iter().filter(|p| same_name(&p.name, &name)) {
        let same = match fetch_info(c, &info_loc, &p.server_id).await {
            Ok(served) => differences(&local.info, &served).is_empty() && served.get("FRAGS").is_some(),
            Err(_) => false,
        };
        if same && published.is_none() {
            if let Some(a) = activations(c, &p.server_id).await?.into_iter().next() {
                published = Some((p.server_id, a));
                continue;
            }
        }
        others.push(p.server_id);
    }
    if let Some((server_id, a)) = published {
        // Published by an earlier run. With `replace`, that run stopped while taking over the old packages of this
        // name: finish it now.
        let replaced = if opts.replace { others } else { Vec::new() };
        steps.done(PublishStepKind::Existing, StepDetail::AlreadyPublished { server_id: server_id.clone() });
        let moved = take_over(c, &server_id, &replaced, steps).await?;
        return Ok(PublishReport {
            server_id: server_id.clone(),
            enable_id: a.enable_id,
            name,
            console: c.version.to_string(),
            already_published: true,
            replaced,
            moved_computers: moved,
            archive_size: local.size,
            digest: local.get("DIGEST").to_string(),
            fragments: local.fragments.len(),
            fragment_note: String::new(),
            fragment_ratio_mib: None,
            fragment_setting_changed: false,
            upload_limit: limit,
            info_url: format!("https://{}/{}/info", a.info_loc, server_id),
            fragment_url: None,
            direct: None,
            steps: std::mem::take(&mut steps.list),
            duration_ms: started.elapsed().as_millis() as u64,
        });
    }
    if let (false, Some(taken)) = (opts.replace, others.first()) {
        return Err(OcsError::NameTaken { name, server_id: taken.clone() });
    }
    let replaced = others;
    steps.done(PublishStepKind::Existing, match replaced.first() {
        Some(id) => StepDetail::Replaces { server_id: id.clone() },
        None => StepDetail::NameFree,
    });
    check_cancel()?;

    // 4. Create it in the console (cut as chosen), then make sure the server holds exactly that. Two uploads in
    // the same second share one id (the second overwrites the first): never take a package that is not ours.
    // Or, directly over SSH: files and rows, checked, in one transaction.
    let n = local.fragments.len();
    let (server_id, enable_id, info_url, fragment_url, fragment_note, fragment_ratio_mib, fragment_setting_changed, direct_to) = if let (true, Some(spec)) = (direct, &ssh_spec) {
        let (d, info_url, fragment_url) = super::direct::publish(c, spec, &local, dir, &name, &opts.description, opts.os, &info_loc, &pack_loc, steps, cancel).await?;
        let to = format!("{}:{}/{}", spec.target, d.download_dir, d.server_id);
        (d.server_id, d.enable_id, info_url, fragment_url, "cut as built (published directly)".to_string(), None, false, Some(to))
    } else {
    // Another studio (on another computer: this one's take turns) may change the console's one fragment setting
    // between ours and our upload: the read-back then finds another cut, the package is taken back and cut again.
    let mut recuts = 0;
    loop {
    let mut attempt = 0;
    let Cut { server_id, note: mut fragment_note, ratio: fragment_ratio_mib, changed: fragment_setting_changed } = loop {
        if attempt > 0 {
            before = package_list(c, "").await?.into_iter().map(|p| p.server_id).collect();
        }
        // The console cuts every upload by one global setting: two studios on this machine take turns from
        // setting it to putting it back, so each package is cut as its author chose.
        let turn = upload_turn(c, cancel).await?;
        let cut = match c.version.flow {
            BuildFlow::Wizard => build_wizard(c, &local, &name, opts, steps, cancel).await,
            BuildFlow::Legacy => build_legacy(c, &local, &name, opts, steps, cancel).await,
        };
        end_turn(turn).await;
        let cut = match cut {
            Ok(cut) => cut,
            Err(e) => return Err(take_back_orphans(c, &name, &before, e).await),
        };
        let Some(ours) = collision(c, &local, &info_loc, &cut.server_id, &before).await else { break cut };
        attempt += 1;
        tracing::warn!(server_id = cut.server_id, ours, attempt, "another upload got the same package id");
        if ours {
            // Ours is the one stored there now, perhaps mixed with the other upload's files: take it back.
            if let Err(e) = delete(c, &cut.server_id).await {
                return Err(OcsError::Console { page: "rollback".into(), message: format!("another upload took package id {} in the same second, and deleting ours again failed ({e}): delete it in the console", cut.server_id) });
            }
        }
        steps.done(PublishStepKind::Collision, StepDetail::IdTaken { server_id: cut.server_id.clone() });
        if attempt == 3 {
            return Err(OcsError::Console {
                page: "tele_build".into(),
                message: "three uploads in a row shared their package id with another publication (the console names packages by the second): nothing of this package was kept; publish again in a moment".into(),
            });
        }
        check_cancel()?;
    };
    let outcome = finish(c, &local, &server_id, &info_loc, &pack_loc, steps, cancel).await;
    let (enable_id, info_url, fragment_url) = match outcome {
        Ok(v) => v,
        Err(e) => {
            // Nothing half-made stays on the server.
            if let Err(d) = delete(c, &server_id).await {
                tracing::error!(server_id, error = %d, "could not delete the failed package");
                return Err(OcsError::Console { page: "rollback".into(), message: format!("{e} — and deleting package {server_id} again failed ({d}): delete it in the console") });
            }
            // Even when the console already cut as chosen and the studio changed nothing, another computer may have.
            if is_other_cut(&e) && c.version.flow == BuildFlow::Wizard && recuts < 2 {
                recuts += 1;
                tracing::warn!(server_id, recuts, "the console cut the package another way (its fragment setting changed meanwhile): cutting it again");
                before = package_list(c, "").await?.into_iter().map(|p| p.server_id).collect();
                check_cancel()?;
                continue;
            }
            return Err(match e {
                OcsError::Mismatch { detail, .. } => OcsError::Mismatch { server_id, detail },
                e => e,
            });
        }
    };
    if recuts > 0 {
        fragment_note.push_str(&format!(". Cut {} time(s) again: another publication changed the console's fragment setting at the same moment", recuts));
    }
    break (server_id, enable_id, info_url, fragment_url, fragment_note, fragment_ratio_mib, fragment_setting_changed, None);
    }
    };

    // 5. An update takes over the old package's computers, then the old one goes.
    let moved = take_over(c, &server_id, &replaced, steps).await?;
    progress.report(Progress { stage: Stage::Done, done: local.size, total: local.size, current: None });
    tracing::info!(server_id, name, ms = started.elapsed().as_millis() as u64, "package published and activated");
    Ok(PublishReport {
        server_id,
        enable_id,
        name,
        console: c.version.to_string(),
        already_published: false,
        replaced,
        moved_computers: moved,
        archive_size: local.size,
        digest: local.get("DIGEST").to_string(),
        fragments: n,
        fragment_note,
        fragment_ratio_mib,
        fragment_setting_changed,
        upload_limit: limit,
        info_url,
        fragment_url,
        direct: direct_to,
        steps: std::mem::take(&mut steps.list),
        duration_ms: started.elapsed().as_millis() as u64,
    })
}

/// Moves the computers of each `old` package to `server_id`, then deletes it. Returns how many computers moved.
/// When it stops, the new package stays (published, activated, perhaps with some computers already): publishing
/// again with `replace` finds it and finishes.
async fn take_over(c: &Console, server_id: &str, olds: &[String], steps: &mut Steps<'_>) -> Result<usize, OcsError> {
    let mut moved = 0;
    for old in olds {
        steps.start(Stage::Activating, PublishStepKind::Replace);
        let unfinished = |e: OcsError| OcsError::Unfinished { server_id: server_id.to_string(), old: old.clone(), source: Box::new(e) };
        let old_stats = stats(c, old).await.map_err(unfinished)?;
        let computers: Vec<deploy::Computer> = old_stats
            .machines
            .iter()
            .map(|m| deploy::Computer { id: m.id.clone(), name: m.name.clone(), tag: m.tag.clone(), last_contact: String::new(), os: String::new() })
            .collect();
        let mut now = 0;
        if !computers.is_empty() {
            let r = deploy::affect(c, server_id, &computers).await.map_err(unfinished)?;
            now = r.assigned.len();
        }
        delete(c, old).await.map_err(unfinished)?;
        moved += now;
        steps.done(PublishStepKind::Replace, StepDetail::Replaced { moved: now, old: old.clone() });
    }
    Ok(moved)
}

/// After an upload that created package `id`: `None` when it is ours alone; `Some(ours)` when another upload shared
/// the id — it existed before ours (ours overwrote it), or the server now serves another package's `info` under
/// it (theirs overwrote ours). `ours` says whether what is stored under that id now is our package.
async fn collision(c: &Console, local: &Local, info_loc: &str, id: &str, before: &[String]) -> Option<bool> {
    let existed = before.iter().any(|b| b == id);
    let ours = match fetch_info(c, info_loc, id).await {
        Ok(served) => differences(&local.info, &served).is_empty(),
        // Not served at all: not a sign of another upload; the read-back check reports it and rolls back.
        Err(_) => return existed.then_some(true),
    };
    (existed || !ours).then_some(ours)
}

/// Read-back check, then activation. Any error here makes the caller delete the package.
async fn finish(
    c: &Console,
    local: &Local,
    server_id: &str,
    info_loc: &str,
    pack_loc: &str,
    steps: &mut Steps<'_>,
    cancel: &CancelToken,
) -> Result<(String, String, Option<String>), OcsError> {
    let (info_url, fragment_url) = check_served(c, local, server_id, info_loc, pack_loc, steps, cancel).await?;
    steps.start(Stage::Activating, PublishStepKind::Activate);
    let q = format!("function=tele_popup_active&head=1&active={server_id}");
    let page = c.get(&q).await?;
    let csrf = c.csrf_of(&page, Some("form_active"), &q)?;
    let fields = form_fields(csrf, &[("choix_activ", "MAN"), ("HTTPS_SERV", info_loc), ("FILE_SERV", pack_loc), ("Valid_modif", "OK")]);
    c.post(&format!("function=tele_activate&active={server_id}"), &fields).await?;
    let act = activations(c, server_id)
        .await?
        .into_iter()
        .find(|a| a.info_loc == info_loc && a.pack_loc == pack_loc)
        .ok_or_else(|| OcsError::Console { page: "tele_activate".into(), message: format!("package {server_id} is not listed as active after activation") })?;
    steps.done(PublishStepKind::Activate, StepDetail::Activated { enable_id: act.enable_id.clone(), info_loc: info_loc.to_string(), pack_loc: pack_loc.to_string() });
    Ok((act.enable_id, info_url, fragment_url))
}

/// The server serves exactly the local package: `info` (but its ID) and fragments hashed as agents hash them.
/// Returns the info and first fragment URLs.
pub(super) async fn check_served(
    c: &Console,
    local: &Local,
    server_id: &str,
    info_loc: &str,
    pack_loc: &str,
    steps: &mut Steps<'_>,
    cancel: &CancelToken,
) -> Result<(String, Option<String>), OcsError> {
    steps.start(Stage::Checking, PublishStepKind::CheckServed);
    let info_url = format!("https://{info_loc}/{server_id}/info");
    let served = fetch_info(c, info_loc, server_id).await?;
    let mut diffs = differences(&local.info, &served);
    if served.get("ID") != Some(server_id) {
        diffs.push(format!("ID is \"{}\" on the server, expected {server_id}", served.get("ID").unwrap_or_default()));
    }
    if served.get("FRAGS") != Some(local.get("FRAGS")) {
        diffs.insert(0, format!("{OTHER_CUT}{} fragment(s), {} here", served.get("FRAGS").unwrap_or("?"), local.get("FRAGS")));
    }
    if !diffs.is_empty() {
        return Err(OcsError::Mismatch { server_id: server_id.to_string(), detail: diffs.join("; ") });
    }
    // The fragments the agents will download, hashed as they will hash them.
    let mut fragment_url = None;
    if !local.fragments.is_empty() {
        let scheme = if local.get("PROTO") == "HTTPS" { "https" } else { "http" };
        let algo = crate::digest::DigestAlgo::from_info(local.get("DIGEST_ALGO")).ok_or_else(|| OcsError::Package("unknown DIGEST_ALGO".into()))?;
        let enc = crate::digest::DigestEncoding::from_info(local.get("DIGEST_ENCODE")).ok_or_else(|| OcsError::Package("unknown DIGEST_ENCODE".into()))?;
        let mut hasher = Hasher::new(algo);
        let mut total = 0u64;
        let n: usize = local.get("FRAGS").parse().unwrap_or(0);
        for i in 1..=n {
            if cancel.is_cancelled() {
                return Err(OcsError::Cancelled);
            }
            let url = format!("{scheme}://{pack_loc}/{server_id}/{server_id}-{i}");
            let mut r = c.fetch(&url).await.map_err(|e| OcsError::NotServed { url: url.clone(), detail: e.to_string() })?;
            if !r.status().is_success() {
                return Err(OcsError::NotServed { url, detail: format!("HTTP {}", r.status()) });
            }
            while let Some(chunk) = r.chunk().await.map_err(|e| OcsError::NotServed { url: url.clone(), detail: e.to_string() })? {
                hasher.update(&chunk);
                total += chunk.len() as u64;
                steps.progress.report(Progress { stage: Stage::Checking, done: total, total: local.size, current: Some(format!("fragment {i}/{n}")) });
            }
            fragment_url.get_or_insert(url);
        }
        let digest = enc.encode(&hasher.finish());
        if digest != local.get("DIGEST") || total != local.size {
            return Err(OcsError::Mismatch {
                server_id: server_id.to_string(),
                detail: format!("the served fragments make {} with digest {digest}, expected {} with {}", ByteSize(total), ByteSize(local.size), local.get("DIGEST")),
            });
        }
    }
    steps.done(PublishStepKind::CheckServed, StepDetail::Served { info_url: info_url.clone() });
    Ok((info_url, fragment_url))
}

/// The `info` the download server serves for `id`, parsed strictly (as the Unix agent does).
async fn fetch_info(c: &Console, info_loc: &str, id: &str) -> Result<ParsedInfo, OcsError> {
    let url = format!("https://{info_loc}/{id}/info");
    let r = c.fetch(&url).await.map_err(|e| OcsError::NotServed { url: url.clone(), detail: e.to_string() })?;
    if !r.status().is_success() {
        return Err(OcsError::NotServed { url, detail: format!("HTTP {}", r.status()) });
    }
    let body = r.bytes().await.map_err(|e| OcsError::NotServed { url: url.clone(), detail: e.to_string() })?;
    info::parse(&body).map_err(|e| OcsError::Mismatch { server_id: id.to_string(), detail: format!("the served info is broken: {e}") })
}

/// The package as one multipart file part, streamed from the fragments (no temporary archive), counting bytes.
fn archive_part(local: &Local, file_name: &str, sent: Arc<AtomicU64>, cancel: CancelToken) -> reqwest::multipart::Part {
    struct St {
        paths: std::vec::IntoIter<PathBuf>,
        file: Option<tokio::fs::File>,
        sent: Arc<AtomicU64>,
        cancel: CancelToken,
    }
    let st = St { paths: local.fragments.clone().into_iter(), file: None, sent, cancel };
    let stream = futures_util::stream::try_unfold(st, |mut st| async move {
        use tokio::io::AsyncReadExt;
        loop {
            if st.cancel.is_cancelled() {
                return Err(std::io::Error::other("cancelled"));
            }
            if st.file.is_none() {
                match st.paths.next() {
                    Some(p) => st.file = Some(tokio::fs::File::open(&p).await?),
                    None => return Ok(None),
                }
            }
            let mut buf = vec![0u8; 256 * 1024];
            let n = st.file.as_mut().expect("opened above").read(&mut buf).await?;
            if n == 0 {
                st.file = None;
                continue;
            }
            buf.truncate(n);
            st.sent.fetch_add(n as u64, Ordering::Relaxed);
            return Ok(Some((bytes::Bytes::from(buf), st)));
        }
    });
    reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(stream), local.size).file_name(file_name.to_string()).mime_str("application/octet-stream").expect("static mime")
}

/// The console names a package by the second its upload arrives: studios on this machine publishing to the same
/// console take turns through a lock file, each keeping it until the second of its upload has passed. (Studios on
/// other machines are caught afterwards by `collision`.) Without a usable lock file, publishing goes on unlocked.
async fn upload_turn(c: &Console, cancel: &CancelToken) -> Result<Option<std::fs::File>, OcsError> {
    use std::hash::{Hash, Hasher as _};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    c.base_url().as_str().hash(&mut h);
    let path = std::env::temp_dir().join(format!("ocs-studio-upload-{:016x}.lock", h.finish()));
    let file = match std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path) {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "no upload lock file: publishing without taking turns");
            return Ok(None);
        }
    };
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Some(file)),
            Err(std::fs::TryLockError::WouldBlock) => {
                if cancel.is_cancelled() {
                    return Err(OcsError::Cancelled);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(std::fs::TryLockError::Error(e)) => {
                tracing::warn!(path = %path.display(), error = %e, "upload lock unavailable: publishing without taking turns");
                return Ok(None);
            }
        }
    }
}

/// Gives the turn back once the clock has left the second the console named the package by (the next upload
/// would otherwise get the same ID).
async fn end_turn(turn: Option<std::fs::File>) {
    if turn.is_some() {
        next_second().await;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(turn);
}

/// Sends `form` while reporting upload progress. The caller holds this machine's turn for the console.
async fn upload(c: &Console, q: &str, form: reqwest::multipart::Form, sent: Arc<AtomicU64>, total: u64, steps: &Steps<'_>, cancel: &CancelToken) -> Result<Page, OcsError> {
    let req = c.post_multipart(q, form);
    tokio::pin!(req);
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    loop {
        tokio::select! {
            r = &mut req => {
                if cancel.is_cancelled() { return Err(OcsError::Cancelled); }
                return r;
            }
            _ = tick.tick() => steps.progress.report(Progress { stage: Stage::Uploading, done: sent.load(Ordering::Relaxed), total, current: None }),
        }
    }
}

fn archive_name(name: &str, os: TargetOs) -> String {
    let safe: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' }).collect();
    match os {
        TargetOs::Windows => format!("{safe}.zip"),
        _ => format!("{safe}.tar.gz"),
    }
}

/// Two builds in the same second would get the same FILEID on the console: never start two in one second.
async fn next_second() {
    // The console named the package by a second no later than the one its answer arrived in: wait until the clock
    // has left that second. (An earlier version compared with the last second seen by this process, which a fresh
    // CLI process does not have: two publications run back to back could then land on the same ID.)
    let start = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs();
    loop {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        if now.as_secs() > start {
            return;
        }
        tokio::time::sleep(Duration::from_millis(1000 - now.subsec_millis() as u64 + 5)).await;
    }
}

/// The console's fragment settings (2.9+) as its deployment tab shows them, with what a POST to it needs.
struct FragSetting {
    activated: String,
    /// MiB per fragment.
    ratio: String,
    /// The (translated) value of the form's submit button, which the console checks.
    valid: String,
    csrf: (String, String),
}

async fn read_fragment_setting(c: &Console) -> Result<FragSetting, OcsError> {
    let q = "function=admin_conf";
    let first = c.get(q).await?;
    let csrf = c.csrf_of(&first, Some("modif_onglet"), q)?;
    let page = c.post(q, &form_fields(csrf, &[("onglet", "TELEDEPLOY"), ("old_onglet", "TELEDEPLOY")])).await?;
    Ok(FragSetting {
        activated: page.input_value("DOWNLOAD_ACTIVATE_FRAG").unwrap_or_else(|| "0".into()),
        ratio: page.input_value("DOWNLOAD_RATIO_FRAG").unwrap_or_default(),
        valid: page.submit_value("Valid").ok_or_else(|| c.unexpected(q, "no Valid button on the deployment settings"))?,
        csrf: c.csrf_of(&page, Some("modif_onglet"), q)?,
    })
}

/// Changes the setting through the form read in `from`, reads it back to check, and returns that reading.
async fn write_fragment_setting(c: &Console, from: &FragSetting, activated: &str, ratio: &str) -> Result<FragSetting, OcsError> {
    let fields = form_fields(
        from.csrf.clone(),
        &[("onglet", "TELEDEPLOY"), ("old_onglet", "TELEDEPLOY"), ("DOWNLOAD_ACTIVATE_FRAG", activated), ("DOWNLOAD_RATIO_FRAG", ratio), ("Valid", &from.valid)],
    );
    let page = c.post("function=admin_conf", &fields).await?;
    let errors = page.alerts("danger");
    if !errors.is_empty() {
        return Err(OcsError::Console { page: "admin_conf".into(), message: errors.join(" ") });
    }
    let now = read_fragment_setting(c).await?;
    if now.activated != activated || (activated == "1" && now.ratio != ratio) {
        return Err(OcsError::Console {
            page: "admin_conf".into(),
            message: format!("the deployment setting did not change (fragmenting {}, {} MB)", now.activated, now.ratio),
        });
    }
    Ok(now)
}

/// The package the console created and how it was cut.
struct Cut {
    server_id: String,
    note: String,
    ratio: Option<u64>,
    changed: bool,
}

/// After a failed or cancelled upload, the console may still have created the package (the connection was lost
/// after the console had the whole archive, before its answer came back): any package of this name that was not
/// there before is deleted. Returns the error to report.
async fn take_back_orphans(c: &Console, name: &str, before: &[String], e: OcsError) -> OcsError {
    if matches!(e, OcsError::Refused(_) | OcsError::UploadTooLarge { .. }) {
        return e;
    }
    let listed = match package_list(c, "").await {
        Ok(l) => l,
        Err(l) => {
            return OcsError::Console {
                page: "rollback".into(),
                message: format!("{e} — and the studio could not check whether the console created the package anyway ({l}): look for \"{name}\" in the console's package list and delete it"),
            }
        }
    };
    for p in listed.into_iter().filter(|p| same_name(&p.name, name) && !before.contains(&p.server_id)) {
        tracing::warn!(server_id = p.server_id, "the console created the package although the upload failed: deleting it");
        if let Err(d) = delete(c, &p.server_id).await {
            return OcsError::Console {
                page: "rollback".into(),
                message: format!("{e} — the console created package {} anyway, and deleting it failed ({d}): delete it in the console", p.server_id),
            };
        }
    }
    e
}

/// 2.9+ console: one multipart POST; values sent exactly as they stand, escaped, in the local `info` (the wizard
/// writes them verbatim); the fragment count comes from the global setting, set for the time of the build.
async fn build_wizard(c: &Console, local: &Local, name: &str, opts: &PublishOptions, steps: &mut Steps<'_>, cancel: &CancelToken) -> Result<Cut, OcsError> {
    let n = local.fragments.len();
    let mut note = String::new();
    let mut restore = None;
    let mut used_ratio = None;
    if n > 0 {
        steps.start(Stage::Checking, PublishStepKind::FragmentSetting);
        let chosen = opts.fragment_size.unwrap_or_else(|| std::fs::metadata(&local.fragments[0]).map(|m| m.len()).unwrap_or(MIB));
        let Some(ratio) = ratio_for(local.size, n, chosen) else {
            return Err(OcsError::Refused(format!(
                "this console (2.9 or later) cuts packages in whole MiB, and no whole-MiB size gives the {n} fragments of this build ({}); rebuild with a fragment size in whole MiB (e.g. 5 MiB)",
                ByteSize(local.size)
            )));
        };
        used_ratio = Some(ratio);
        let before = read_fragment_setting(c).await?;
        if before.activated == "1" && before.ratio == ratio.to_string() {
            note = format!("the console's own setting already cuts in {ratio} MiB: {n} fragment(s)");
        } else {
            let after = write_fragment_setting(c, &before, "1", &ratio.to_string()).await?;
            note = format!(
                "this console cuts every package by one global setting; it was set to {ratio} MiB for this build (giving {n} fragment(s), as chosen) and then put back to {}",
                if before.activated == "1" { format!("{} MiB", before.ratio) } else { "\"no fragmenting\"".to_string() }
            );
            restore = Some((after, before));
        }
        note.push_str(". The console splits evenly (last fragment takes the remainder), so fragment boundaries differ from the local build; count and digest are the same");
        steps.done(PublishStepKind::FragmentSetting, StepDetail::FragmentRatio { mib: ratio });
    }
    let result = wizard_post(c, local, name, opts, steps, cancel).await;
    let changed = restore.is_some();
    if let Some((after, before)) = restore {
        // The setting is global: it must go back even when the link just failed the upload, so a few tries.
        let mut tries = 0;
        let failed = loop {
            tries += 1;
            match write_fragment_setting(c, &after, &before.activated, &before.ratio).await {
                Ok(_) => break None,
                Err(e) if tries == 3 => break Some(e),
                Err(e) => {
                    tracing::warn!(error = %e, tries, "restoring the console's fragment setting failed; trying again");
                    tokio::time::sleep(std::time::Duration::from_millis(700 * tries)).await;
                }
            }
        };
        if let Some(e) = failed {
            tracing::error!(error = %e, "could not restore the console's fragment setting");
            let was = if before.activated == "1" { format!("{} MiB", before.ratio) } else { "no fragmenting".to_string() };
            let fix = format!("the console's fragment setting could not be put back to {was} ({e}): set it back in Configuration → Deployment, or every package built in the console will be cut the studio's way");
            match result {
                Ok(_) => note.push_str(&format!(". WARNING: {fix}")),
                Err(r) => return Err(OcsError::Console { page: "rollback".into(), message: format!("{r} — and {fix}") }),
            }
        }
    }
    Ok(Cut { server_id: result?, note, ratio: used_ratio, changed })
}

async fn wizard_post(c: &Console, local: &Local, name: &str, opts: &PublishOptions, steps: &mut Steps<'_>, cancel: &CancelToken) -> Result<String, OcsError> {
    steps.start(Stage::Uploading, PublishStepKind::Upload);
    let q = "function=tele_build";
    let page = c.get(q).await?;
    let csrf = c.csrf_of(&page, Some("generate_build_package"), q)?;
    let os = match opts.os {
        TargetOs::Windows => "windows",
        TargetOs::Linux => "linux",
        TargetOs::Macos => "macos",
    };
    // Exactly what the local file holds between the quotes: the wizard writes it as it comes.
    let raw = |k: &str| escape_attr(local.get(k));
    let mut form = reqwest::multipart::Form::new()
        .text(csrf.0, csrf.1)
        .text("os_selected", os)
        .text("FORMTYPE", "custompackageopt")
        .text("NAME", name.to_string())
        .text("DESCRIPTION", opts.description.clone())
        .text("PROTO", raw("PROTO"))
        .text("PRI", raw("PRI"))
        .text("ACT", raw("ACT"))
        .text("pathfile", raw(local.action_attr()));
    for k in ["NOTIFY_USER", "NOTIFY_TEXT", "NOTIFY_COUNTDOWN", "NOTIFY_CAN_ABORT", "NOTIFY_CAN_DELAY", "NEED_DONE_ACTION", "NEED_DONE_ACTION_TEXT"] {
        form = form.text(k, raw(k));
    }
    let sent = Arc::new(AtomicU64::new(0));
    if local.size > 0 {
        form = form.part("additionalfiles", archive_part(local, &archive_name(name, opts.os), sent.clone(), cancel.clone()));
    }
    form = form.text("valid", "1");
    let answer = upload(c, q, form, sent, local.size, steps, cancel).await?;
    let id = created_id(&answer).ok_or_else(|| {
        let errs = answer.alerts("danger");
        if errs.is_empty() {
            c.unexpected(q, "no \"successfully created\" message with the package id")
        } else {
            OcsError::Console { page: q.into(), message: errs.join(" ") }
        }
    })?;
    steps.done(PublishStepKind::Upload, StepDetail::Uploaded { bytes: local.size, server_id: id.clone() });
    Ok(id)
}

/// The FILEID in the console's "successfully created … /download/<FILEID>" message.
pub(crate) fn created_id(p: &Page) -> Option<String> {
    p.alerts("success").iter().find_map(|t| {
        let i = t.find("download/")? + 9;
        let id: String = t[i..].chars().take_while(char::is_ascii_digit).collect();
        (!id.is_empty()).then_some(id)
    })
}

/// Both console flows compute the digest themselves, always MD5 in hexadecimal (the 2.9+ wizard offers no choice;
/// the studio sends that to 2.8): a package built with another digest would come out of the console with another
/// `info` than the one built and verified here.
fn console_keeps_digest(local: &Local) -> Result<(), OcsError> {
    let (algo, encoding) = (local.get("DIGEST_ALGO"), local.get("DIGEST_ENCODE"));
    let md5 = crate::digest::DigestAlgo::from_info(algo) == Some(crate::digest::DigestAlgo::Md5);
    let hexa = crate::digest::DigestEncoding::from_info(encoding) == Some(crate::digest::DigestEncoding::Hexa);
    if md5 && hexa {
        return Ok(());
    }
    Err(OcsError::ConsoleDigest { algo: algo.to_string(), encoding: encoding.to_string() })
}

/// The 2.8 builder escapes every value once itself (and notification texts twice): only texts without
/// characters it would change can go through it unchanged.
fn legacy_representable(local: &Local) -> Result<(), OcsError> {
    for k in ["NOTIFY_TEXT", "NEED_DONE_ACTION_TEXT"] {
        if local.get(k).chars().any(|c| matches!(c, '&' | '<' | '>' | '"' | '\'' | '\\')) {
            return Err(OcsError::Refused(format!(
                "this console (2.8) escapes notification texts twice, so the {k} (its line breaks, quotes or accents, stored as HTML) would show as code on the PC: use a text without accents, quotes or line breaks, or publish through a 2.9+ console"
            )));
        }
    }
    Ok(())
}

/// 2.8 console: upload (step 1), then the fragment count per package (step 2). Values are sent unescaped: it
/// escapes them itself. Not tried against a real 2.8 console (none here); written from its sources.
async fn build_legacy(c: &Console, local: &Local, name: &str, opts: &PublishOptions, steps: &mut Steps<'_>, cancel: &CancelToken) -> Result<Cut, OcsError> {
    steps.start(Stage::Uploading, PublishStepKind::Upload);
    let q = "function=tele_package";
    let page = c.get(q).await?;
    let csrf = c.csrf_of(&page, None, q)?;
    let hidden = |p: &Page, k: &str| p.input_value(k).ok_or_else(|| c.unexpected(q, &format!("no {k} field")));
    let timestamp = hidden(&page, "timestamp")?;
    let document_root = hidden(&page, "document_root")?;
    let mut fields: Vec<(String, String)> = vec![
        ("NAME".into(), name.to_string()),
        ("DESCRIPTION".into(), opts.description.clone()),
        ("OS".into(), opts.os.osname().to_string()),
        ("PROTOCOLE".into(), local.get("PROTO").into()),
        ("PRIORITY".into(), local.get("PRI").into()),
        ("ACTION".into(), local.get("ACT").into()),
        ("ACTION_INPUT".into(), local.get(local.action_attr()).into()),
        ("REDISTRIB_USE".into(), "0".into()),
        ("digest_algo".into(), "MD5".into()),
        ("digest_encod".into(), "Hexa".into()),
        ("document_root".into(), document_root),
        ("timestamp".into(), timestamp.clone()),
    ];
    for k in ["NOTIFY_USER", "NOTIFY_TEXT", "NOTIFY_COUNTDOWN", "NOTIFY_CAN_ABORT", "NOTIFY_CAN_DELAY", "NEED_DONE_ACTION", "NEED_DONE_ACTION_TEXT"] {
        fields.push((k.into(), local.get(k).into()));
    }
    let mut form = reqwest::multipart::Form::new().text(csrf.0, csrf.1).text("valid", "1");
    for (k, v) in &fields {
        form = form.text(k.clone(), v.clone());
    }
    let sent = Arc::new(AtomicU64::new(0));
    if local.size > 0 {
        form = form.part("teledeploy_file", archive_part(local, &archive_name(name, opts.os), sent.clone(), cancel.clone()));
    }
    let step1 = upload(c, q, form, sent, local.size, steps, cancel).await?;
    let digest = step1.input_value("digest").unwrap_or_default();
    if local.size > 0 && digest != local.get("DIGEST") {
        let errs = step1.alerts("danger").join(" ");
        return Err(OcsError::Console { page: q.into(), message: format!("the console computed digest \"{digest}\" for the upload, expected {} {errs}", local.get("DIGEST")) });
    }
    let csrf = c.csrf_of(&step1, None, q)?;
    fields.push(csrf);
    fields.push(("digest".into(), digest));
    fields.push(("SIZE".into(), step1.input_value("SIZE").unwrap_or_else(|| local.size.to_string())));
    fields.push(("comment".into(), step1.input_value("comment").unwrap_or_else(|| opts.description.clone())));
    fields.push(("nbfrags".into(), local.fragments.len().to_string()));
    fields.push(("VALID_END".into(), "END".into()));
    let step2 = c.post(q, &fields).await?;
    let errs = step2.alerts("danger");
    if !errs.is_empty() {
        return Err(OcsError::Console { page: q.into(), message: errs.join(" ") });
    }
    steps.done(PublishStepKind::Upload, StepDetail::Uploaded { bytes: local.size, server_id: timestamp.clone() });
    let note = format!("this 2.8 console takes the fragment count per package: {} fragment(s), as built", local.fragments.len());
    Ok(Cut { server_id: timestamp, note, ratio: None, changed: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_mib_ratios_keep_the_fragment_count() {
        // 12 MiB + 1 byte in 5 MiB fragments: 3 fragments; the console needs a ratio giving 3 too.
        let s = 12 * MIB + 1;
        assert_eq!(ratio_for(s, 3, 5 * MIB), Some(5));
        assert_eq!(ratio_for(MIB / 2, 1, 5 * MIB), Some(5));
        // 2.5 MiB chosen for 10 MiB: 4 fragments; 3 MiB also gives 4 and is nearest.
        assert_eq!(ratio_for(10 * MIB, 4, 5 * MIB / 2), Some(3));
        // 4 fragments of 1 MiB + remainder cannot come from any whole-MiB cut of 3 MiB + 1.
        assert_eq!(ratio_for(3 * MIB + 1, 5, MIB), None);
    }

    #[test]
    fn locations_refuse_what_the_console_strips() {
        assert_eq!(check_location("x", "https://ocs.example.com/download/", false).unwrap(), "ocs.example.com/download");
        assert!(check_location("x", "ocs:8443/download", false).unwrap_err().to_string().contains("port"));
        assert_eq!(check_location("x", "ocs:8443/download", true).unwrap(), "ocs:8443/download", "2.12 keeps a port");
        assert!(check_location("x", "ocs:99999/download", true).is_err());
        assert!(check_location("x", "ocs:/download", true).is_err());
        assert!(check_location("x", "ocs/down load", true).unwrap_err().to_string().contains("' '"));
        assert!(check_location("x", " ", true).is_err());
    }

    #[test]
    fn the_created_id_is_read_from_the_message() {
        let p = Page { html: "<div class='alert alert-success'>Package successfully created in /var/lib/ocsinventory-reports/download/1796016416</div>".into() };
        assert_eq!(created_id(&p).as_deref(), Some("1796016416"));
    }
}
