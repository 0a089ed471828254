//! Folder → package directory `OUT/<ID>/` (`info` + `<ID>-1..N`), in the OCS server's exact layout.
//! Everything is written in a hidden staging folder beside the result and renamed into place at the end,
//! so a failed or cancelled build leaves nothing behind.

mod compress;
mod pipeline;
mod sink;
mod targz;
mod zipfmt;

pub use compress::is_precompressed;

use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sink::{CountingSink, FragmentSink};
use crate::fragment::{self, FragmentError};
use crate::info::Info;
use crate::manifest::{Action, ArchiveFormat, Manifest, ManifestError, TargetOs, Warning};
use crate::progress::{CancelToken, Progress, ProgressSink, Stage};
use crate::scan::{self, Excludes, Listing, ScanError};
use crate::units::ByteSize;

/// The largest package ID the server keeps intact (`download_history` clamps larger ones).
pub const MAX_ID: u64 = 2_147_483_647;

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error(transparent)]
    Scan(#[from] ScanError),
    #[error(transparent)]
    Fragment(#[from] FragmentError),
    #[error("the file to launch \"{file}\" is not at the root of {folder}{found}: add it there, or change the action to execute a command")]
    LaunchFileMissing { file: String, folder: PathBuf, found: String },
    #[error("package ID {0} is not valid: use digits only, from 1 to 2147483647 (the console uses the current Unix time)")]
    InvalidId(String),
    #[error("{0} already exists: a package ID is built once; remove it, build with another ID, or replace it")]
    Exists(PathBuf),
    #[error("cannot read {path}: {source}; check that the file is readable")]
    SourceRead { path: PathBuf, source: io::Error },
    #[error("{0} changed while it was being packaged: close the program writing it and build again")]
    FileChanged(PathBuf),
    #[error("the output {0} is a file, not a folder: give the folder that will receive the package folder <ID>/ (it is created if missing)")]
    OutputIsFile(PathBuf),
    #[error("cannot write {path}: {source}; choose an output folder you can write to, with enough free space")]
    Output { path: PathBuf, source: io::Error },
    #[error(
        "{} problem(s) in {folder}: these paths cannot be unzipped on a Windows PC, so every agent would fail on this package:\n  - {}\nRename them and build again; or, if you know the PCs cope with them, keep them explicitly",
        problems.len(),
        problems.iter().map(|w| w.message.as_str()).collect::<Vec<_>>().join("\n  - ")
    )]
    WindowsPaths { folder: PathBuf, problems: Vec<Warning> },
    #[error("{folder} needs a Zip64 archive ({reason}), which the Windows agent's zip library cannot read: download.exe fails and after 5 tries the server reports ERR_EXECUTE_TOO_MANY_TRY. Split the files into several packages (each under 4 GiB and 65,535 files), or build for Linux/macOS agents; allow Zip64 explicitly only if your Windows agents are known to read it")]
    Zip64ForWindows { folder: PathBuf, reason: String },
    #[error("the archive kept from the server ({0}) no longer has the digest it was imported with: import the package again")]
    KeptArchive(PathBuf),
    #[error("the build was cancelled; nothing was written")]
    Cancelled,
}

impl BuildError {
    /// A stable code for the UI and scripts.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            BuildError::Manifest(e) => e.code(),
            BuildError::Scan(ScanError::Cancelled) | BuildError::Cancelled => crate::ErrorCode::Cancelled,
            BuildError::Scan(_) => crate::ErrorCode::Source,
            BuildError::Fragment(_) => crate::ErrorCode::Fragments,
            BuildError::LaunchFileMissing { .. } => crate::ErrorCode::LaunchFileMissing,
            BuildError::KeptArchive(_) => crate::ErrorCode::Source,
            BuildError::InvalidId(_) => crate::ErrorCode::InvalidId,
            BuildError::Exists(_) => crate::ErrorCode::Exists,
            BuildError::SourceRead { .. } | BuildError::FileChanged(_) => crate::ErrorCode::Source,
            BuildError::Output { .. } | BuildError::OutputIsFile(_) => crate::ErrorCode::Output,
            BuildError::WindowsPaths { .. } => crate::ErrorCode::WindowsPaths,
            BuildError::Zip64ForWindows { .. } => crate::ErrorCode::Zip64,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The package directory is `out_dir/<ID>`.
    pub out_dir: PathBuf,
    /// Defaults to the current Unix time, as the console does.
    pub id: Option<u64>,
    /// Replace an existing `out_dir/<ID>` (atomically).
    pub replace: bool,
    /// Compression threads; defaults to the number of cores.
    pub threads: Option<usize>,
    /// Build a Windows package even when some paths cannot be unzipped on Windows (reserved names, case
    /// collisions, paths too long): they then become warnings of the report.
    pub keep_bad_names: bool,
    /// Build a Windows package even when it needs Zip64 (a file or the archive over 4 GiB, over 65,535
    /// entries), which the Windows agent's zip library cannot read.
    pub allow_zip64: bool,
}

/// What a build produced.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, serde::Serialize)]
pub struct BuildReport {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub id: u64,
    pub name: String,
    pub os: TargetOs,
    pub action: String,
    pub digest: String,
    pub digest_algo: String,
    pub digest_encode: String,
    /// Number of fragment files.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub fragments: usize,
    /// The chosen (largest) fragment size in bytes.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub fragment_size: u64,
    #[cfg_attr(feature = "specta", specta(type = Vec<u32>))]
    pub fragment_sizes: Vec<u64>,
    pub archive_format: Option<ArchiveFormat>,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub archive_size: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub file_count: usize,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub unpacked_bytes: u64,
    pub dir: PathBuf,
    pub info: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub duration_ms: u64,
    pub warnings: Vec<Warning>,
    /// An imported package with unchanged files: the archive kept from the server was sent as it was.
    pub kept_archive: bool,
}

/// Where the manifest lives and what it packages.
pub struct Project<'a> {
    pub manifest: &'a Manifest,
    /// The folder `source.folder` is relative to.
    pub base_dir: &'a Path,
    /// The manifest file, left out of the archive when it sits in the source folder.
    pub manifest_file: Option<&'a Path>,
}

impl Project<'_> {
    pub fn source_dir(&self) -> Option<PathBuf> {
        // "." is the manifest's own folder: say "/x/app", not "/x/app/.", in messages.
        self.manifest.source.as_ref().map(|s| if s.folder == Path::new(".") { self.base_dir.to_path_buf() } else { self.base_dir.join(&s.folder) })
    }

    /// Lists the files to package (None for a command-only package).
    pub fn list(&self, cancel: &CancelToken) -> Result<Option<Listing>, ScanError> {
        let Some(src) = &self.manifest.source else { return Ok(None) };
        let skip = self.manifest_file.and_then(|p| p.canonicalize().ok()).into_iter().collect();
        let ex = Excludes::new(&src.exclude, skip)?;
        scan::list(&self.source_dir().expect("checked above"), &ex, cancel).map(Some)
    }
}

fn now_id() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(1)
}

/// Checks the action against the files: a LAUNCH file must be at the root; an EXECUTE of a package file should be.
pub fn check_action(m: &Manifest, listing: Option<&Listing>) -> Result<Vec<Warning>, BuildError> {
    let ci = m.package.os == TargetOs::Windows;
    let mut warnings = Vec::new();
    match (&m.action, listing) {
        (Action::Launch { .. }, Some(l)) => {
            let file = m.action.launch_file().unwrap_or_default();
            if l.root_file(&file, ci).is_none() {
                let mut roots: Vec<&str> = l.files().filter(|e| !e.name.contains('/')).map(|e| e.name.as_str()).collect();
                roots.truncate(8);
                let found = if roots.is_empty() { " (it has no file at its root)".to_string() } else { format!(" (its root has: {})", roots.join(", ")) };
                return Err(BuildError::LaunchFileMissing { file, folder: l.root.clone(), found });
            }
        }
        (Action::Execute { command }, Some(l)) => {
            let first = crate::manifest::first_word(command);
            let lower = first.to_ascii_lowercase();
            let looks_local = [".bat", ".cmd", ".exe", ".msi", ".ps1", ".vbs", ".sh"].iter().any(|x| lower.ends_with(x))
                && !first.contains(['/', '\\', '%']);
            if looks_local && l.root_file(&first, ci).is_none() {
                warnings.push(Warning {
                    code: crate::manifest::WarningCode::ExecuteFileMissing,
                    message: format!("the command runs \"{first}\", which is not at the root of the package: the agent will report ERR_EXECUTE unless the PC has it in its PATH"),
                });
            }
        }
        _ => {}
    }
    Ok(warnings)
}

/// The size the archive of `listing` will have, computed by compressing it without writing anything
/// (the footprint preview and the fragment planner use it before any build).
pub fn measure(listing: &Listing, os: TargetOs, threads: Option<usize>, progress: &dyn ProgressSink, cancel: &CancelToken) -> Result<u64, BuildError> {
    let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    let (size, _, _) = match os.archive_format() {
        ArchiveFormat::Zip => pipeline::write_zip(&listing.entries, CountingSink::default(), None, threads, progress, cancel)?,
        ArchiveFormat::TarGz => targz::write_targz(&listing.entries, CountingSink::default(), None, progress, cancel)?,
    };
    Ok(size)
}

/// Unix agents run the entry script as `./install.sh`: it and every `.sh` file get mode 0755 in the archive,
/// whatever the source file system (often NTFS or a Windows share) says.
fn mark_scripts_executable(m: &Manifest, l: &mut Listing) {
    let launch = m.action.launch_file();
    for e in l.entries.iter_mut().filter(|e| !e.is_dir) {
        if e.name.ends_with(".sh") || (launch.as_deref() == Some(e.name.as_str()) && m.package.os != TargetOs::Windows) {
            e.executable = true;
        }
    }
}

/// Builds the package. Progress goes to `progress`; `cancel` stops it within a second, leaving nothing behind.
pub fn build(
    project: &Project,
    opts: &BuildOptions,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let m = project.manifest;
    let mut warnings = m.validate()?;
    let id = opts.id.unwrap_or_else(now_id);
    if id == 0 || id > MAX_ID {
        return Err(BuildError::InvalidId(id.to_string()));
    }
    if opts.out_dir.exists() && !opts.out_dir.is_dir() {
        return Err(BuildError::OutputIsFile(opts.out_dir.clone()));
    }
    let final_dir = opts.out_dir.join(id.to_string());
    if final_dir.exists() && !opts.replace {
        return Err(BuildError::Exists(final_dir));
    }
    progress.report(Progress { stage: Stage::Scanning, done: 0, total: 0, current: None });
    let mut listing = project.list(cancel)?;
    warnings.extend(check_action(m, listing.as_ref())?);
    if let (Some(l), TargetOs::Windows) = (listing.as_ref(), m.package.os) {
        let problems = scan::windows_path_problems(l);
        if !problems.is_empty() {
            if !opts.keep_bad_names {
                return Err(BuildError::WindowsPaths { folder: l.root.clone(), problems });
            }
            warnings.extend(problems);
        }
    }
    if let (Some(l), TargetOs::Windows, false) = (listing.as_ref(), m.package.os, opts.allow_zip64) {
        let big = l.files().find(|e| e.size > zipfmt::ZIP64_ENTRY_THRESHOLD);
        let reason = if l.entries.len() > 65_535 {
            Some(format!("{} files and folders, over the 65,535 a plain zip holds", l.entries.len()))
        } else {
            big.map(|e| format!("\"{}\" is {}, over 4 GiB", e.name, ByteSize(e.size)))
        };
        if let Some(reason) = reason {
            return Err(BuildError::Zip64ForWindows { folder: l.root.clone(), reason });
        }
    }
    if let Some(l) = listing.as_mut() {
        mark_scripts_executable(m, l);
    }

    let out_err = |path: &Path, e: io::Error| BuildError::Output { path: path.to_path_buf(), source: e };
    std::fs::create_dir_all(&opts.out_dir).map_err(|e| out_err(&opts.out_dir, e))?;
    clean_interrupted(&opts.out_dir);
    let staging = tempfile::Builder::new()
        .prefix(&format!(".ocs-studio-{id}-"))
        .tempdir_in(&opts.out_dir)
        .map_err(|e| out_err(&opts.out_dir, e))?;
    let _lock = BuildLock::take(staging.path()).map_err(|e| out_err(&opts.out_dir, e))?;
    let threads = opts.threads.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    if let Some(l) = &listing {
        tracing::debug!(id, files = l.file_count, bytes = l.total_bytes, threads, "building package");
    }

    // An imported package whose files are unchanged: its archive goes out as the server held it (same digest).
    let kept = match (&m.origin, &listing) {
        (Some(o), Some(l)) => {
            let archive = project.base_dir.join(&o.archive);
            let same = archive.is_file() && files_fingerprint(l, cancel).map_err(|e| BuildError::SourceRead { path: l.root.clone(), source: e })? == o.files;
            same.then_some((archive, o.digest.clone()))
        }
        _ => None,
    };
    let kept_archive = kept.is_some();
    let (digest, sizes, archive_size, format) = match &listing {
        None => (String::new(), Vec::new(), 0, None),
        Some(_) if kept.is_some() => {
            let (archive, want) = kept.expect("checked");
            let dir = staging.path();
            let read_err = |e| BuildError::SourceRead { path: archive.clone(), source: e };
            let mut f = std::fs::File::open(&archive).map_err(read_err)?;
            let mut head = [0u8; 2];
            io::Read::read_exact(&mut f, &mut head).map_err(read_err)?;
            io::Seek::seek(&mut f, io::SeekFrom::Start(0)).map_err(read_err)?;
            let format = if head == [0x1f, 0x8b] { ArchiveFormat::TarGz } else { ArchiveFormat::Zip };
            let mut sink = FragmentSink::new(dir, id, m.fragments.size.0);
            let mut hasher = crate::digest::Hasher::new(m.digest.algorithm);
            let total = std::fs::metadata(&archive).map_err(read_err)?.len();
            let mut buf = vec![0u8; 1 << 20];
            let mut done = 0u64;
            loop {
                if cancel.is_cancelled() {
                    return Err(BuildError::Cancelled);
                }
                let n = io::Read::read(&mut f, &mut buf).map_err(read_err)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                io::Write::write_all(&mut sink, &buf[..n]).map_err(|e| out_err(dir, e))?;
                done += n as u64;
                progress.report(Progress { stage: Stage::Fragmenting, done, total, current: None });
            }
            let sizes = sink.finish().map_err(|e| out_err(dir, e))?;
            let digest = m.digest.encoding.encode(&hasher.finish());
            if digest != want {
                return Err(BuildError::KeptArchive(archive));
            }
            (digest, sizes, done, Some(format))
        }
        Some(l) => {
            // Refuse absurd fragment counts before writing thousands of files (the archive is at most about
            // the size of its source, since incompressible data is stored).
            let bound = l.total_bytes + 4096 + 200 * l.entries.len() as u64;
            if bound.div_ceil(m.fragments.size.0) > fragment::MAX_FRAGMENTS {
                return Err(FragmentError::TooMany { size: ByteSize(bound), fragment: m.fragments.size, count: bound.div_ceil(m.fragments.size.0) }.into());
            }
            let format = m.package.os.archive_format();
            let (dir, frag, algo) = (staging.path(), m.fragments.size.0, m.digest.algorithm);
            let out_err = |e| out_err(dir, e);
            let sink = FragmentSink::new(dir, id, frag);
            let written = match format {
                ArchiveFormat::Zip => pipeline::write_zip(&l.entries, sink, Some(algo), threads, progress, cancel),
                ArchiveFormat::TarGz => targz::write_targz(&l.entries, sink, Some(algo), progress, cancel),
            };
            // The archive writers do not know where the fragments go: the message names the output folder.
            let (size, raw, sink) = written.map_err(|e| match e {
                BuildError::Output { source, .. } => BuildError::Output { path: opts.out_dir.clone(), source },
                e => e,
            })?;
            let sizes = sink.finish().map_err(out_err)?;
            let raw = raw.expect("a digest was asked for");
            (m.digest.encoding.encode(&raw), sizes, size, Some(format))
        }
    };

    if m.package.os == TargetOs::Windows && !opts.allow_zip64 && format == Some(ArchiveFormat::Zip) && archive_size >= 0xFFFF_FFFF {
        // Files each under 4 GiB can still make an archive whose last entries sit beyond 4 GiB.
        let folder = listing.as_ref().map(|l| l.root.clone()).unwrap_or_default();
        return Err(BuildError::Zip64ForWindows { folder, reason: format!("the archive is {}, over 4 GiB", ByteSize(archive_size)) });
    }
    let info = Info::for_manifest(m, id, &digest, sizes.len()).to_xml();
    let info_path = staging.path().join("info");
    crate::fsx::write_package_file(&info_path, info.as_bytes()).map_err(|e| out_err(&info_path, e))?;
    if cancel.is_cancelled() {
        return Err(BuildError::Cancelled);
    }
    publish_dir(staging, &final_dir, opts.replace)?;
    // The manifest as built, beside the package folder: publishing the folder later takes its name and fragment
    // size from it, and building from it gives the same package again. Not inside the folder, which keeps the
    // console's exact layout. Losing it loses no package: a warning says so.
    let kept = kept_manifest_path(&final_dir);
    if let Err(e) = crate::fsx::write_atomic(&kept, as_built(project).to_toml().as_bytes()) {
        warnings.push(Warning { code: crate::manifest::WarningCode::ManifestNotKept, message: format!("could not write {} ({e}): publishing the folder will need the name again", kept.display()) });
    }
    tracing::info!(id, dir = %final_dir.display(), archive_size, fragments = sizes.len(), ms = started.elapsed().as_millis() as u64, "package built");
    progress.report(Progress { stage: Stage::Done, done: archive_size, total: archive_size, current: None });

    Ok(BuildReport {
        id,
        name: m.display_name(),
        os: m.package.os,
        action: m.action.act().to_string(),
        digest,
        digest_algo: m.digest.algorithm.as_info().to_string(),
        digest_encode: m.digest.encoding.as_info().to_string(),
        fragments: sizes.len(),
        fragment_size: m.fragments.size.0,
        fragment_sizes: sizes,
        archive_format: format,
        archive_size,
        file_count: listing.as_ref().map_or(0, |l| l.file_count),
        unpacked_bytes: listing.as_ref().map_or(0, |l| l.total_bytes),
        dir: final_dir,
        info,
        duration_ms: started.elapsed().as_millis() as u64,
        warnings,
        kept_archive,
    })
}

/// SHA-256 over every file's archive name, size and content, in the archive's order: what an imported package's
/// files were, to know whether they changed since.
pub fn files_fingerprint(listing: &Listing, cancel: &CancelToken) -> io::Result<String> {
    use sha2::Digest;
    let mut all = sha2::Sha256::new();
    for e in listing.files() {
        if cancel.is_cancelled() {
            return Err(io::Error::other("cancelled"));
        }
        let mut h = sha2::Sha256::new();
        io::copy(&mut std::fs::File::open(&e.path)?, &mut h)?;
        all.update(e.name.as_bytes());
        all.update([0]);
        all.update(e.size.to_le_bytes());
        all.update(h.finalize());
    }
    Ok(all.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Where a build keeps its manifest: `OUT/<ID>.package.toml`, beside the package folder `OUT/<ID>`.
pub fn kept_manifest_path(package_dir: &Path) -> PathBuf {
    let mut name = package_dir.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".package.toml");
    package_dir.with_file_name(name)
}

/// The manifest of a build with its source folder made absolute, so it builds again from anywhere.
fn as_built(project: &Project) -> Manifest {
    let mut m = project.manifest.clone();
    if let (Some(src), Some(dir)) = (m.source.as_mut(), project.source_dir()) {
        src.folder = std::path::absolute(&dir).unwrap_or(dir);
    }
    if let Some(o) = m.origin.as_mut() {
        let a = project.base_dir.join(&o.archive);
        o.archive = std::path::absolute(&a).unwrap_or(a);
    }
    m
}

/// A build in progress holds an OS lock on `<staging>.lock` beside its staging folder. A build killed midway (power
/// cut, `kill -9`) leaves the folder, but the OS releases the lock: the next build in that output folder takes
/// the lock, so knows the owner is gone, and removes what it left.
struct BuildLock {
    path: PathBuf,
    _file: std::fs::File,
}

impl BuildLock {
    fn take(staging: &Path) -> io::Result<BuildLock> {
        let path = staging.with_extension("lock");
        let file = std::fs::File::create(&path)?;
        file.try_lock().map_err(|e| io::Error::other(format!("cannot lock {}: {e}", path.display())))?;
        Ok(BuildLock { path, _file: file })
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Removes what interrupted builds left in `out_dir`: staging folders whose lock no process holds. A replaced
/// package moved aside (`<staging>.old/old`) whose replacement never landed is put back.
fn clean_interrupted(out_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(out_dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_prefix(".ocs-studio-").and_then(|n| n.strip_suffix(".lock")) else { continue };
        let lock_path = e.path();
        let Ok(file) = std::fs::OpenOptions::new().write(true).open(&lock_path) else { continue };
        if file.try_lock().is_err() {
            continue; // a build running now
        }
        let staging = out_dir.join(format!(".ocs-studio-{stem}"));
        let trash = staging.with_extension("old");
        let id = stem.split('-').next().unwrap_or("");
        let final_dir = out_dir.join(id);
        if trash.join("old").is_dir() && !final_dir.exists() && !id.is_empty() {
            let _ = std::fs::rename(trash.join("old"), &final_dir);
        }
        let _ = std::fs::remove_dir_all(&trash);
        let _ = std::fs::remove_dir_all(&staging);
        let _ = std::fs::remove_file(&lock_path);
        tracing::info!(dir = %staging.display(), "removed what an interrupted build left");
    }
}

/// Moves the finished staging folder to its final name; with `replace`, swaps out the old one.
fn publish_dir(staging: tempfile::TempDir, final_dir: &Path, replace: bool) -> Result<(), BuildError> {
    let out_err = |e: io::Error| BuildError::Output { path: final_dir.to_path_buf(), source: e };
    set_dir_mode(staging.path()).map_err(out_err)?;
    let old = if replace && final_dir.exists() {
        // Beside the staging folder, under its lock: a build killed between the two renames gets the old
        // package put back by the next one.
        let trash = staging.path().with_extension("old");
        std::fs::create_dir(&trash).map_err(out_err)?;
        let trash = TrashDir(trash);
        std::fs::rename(final_dir, trash.0.join("old")).map_err(out_err)?;
        Some(trash)
    } else {
        None
    };
    let staged = staging.keep();
    if let Err(e) = std::fs::rename(&staged, final_dir) {
        let _ = std::fs::remove_dir_all(&staged);
        if let Some(t) = &old {
            let _ = std::fs::rename(t.0.join("old"), final_dir);
        }
        return Err(if e.kind() == io::ErrorKind::DirectoryNotEmpty || e.kind() == io::ErrorKind::AlreadyExists {
            BuildError::Exists(final_dir.to_path_buf())
        } else {
            out_err(e)
        });
    }
    drop(old);
    Ok(())
}

/// The replaced package, removed once the new one is in place.
struct TrashDir(PathBuf);

impl Drop for TrashDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// tempfile creates 0700 folders; a package folder is served by the web server, so 0755 like the console's.
#[cfg(unix)]
fn set_dir_mode(p: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn set_dir_mode(_: &Path) -> io::Result<()> {
    Ok(())
}

/// A human summary of sizes, used by the CLI.
pub fn describe(r: &BuildReport) -> String {
    format!(
        "{} ({} files, {}) → {} archive, {} fragment(s) of at most {}",
        r.name,
        r.file_count,
        ByteSize(r.unpacked_bytes),
        ByteSize(r.archive_size),
        r.fragments,
        ByteSize(r.fragment_size)
    )
}
