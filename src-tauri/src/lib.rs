//! The desktop app: one-line Tauri commands over the `ocs_studio` core. No packaging logic lives here.
//! Long jobs run on the blocking pool and stream progress through a `Channel`; errors reach the UI as
//! `{ code, message }` with the core's actionable text.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ocs_studio::ocs::{
    self, Computer, ComputerFilter, Console, DeployReport, OcsError, PackageStats, PublishOptions, PublishReport, RingGate,
    RingRule, ServerPackage, ServerSpec,
};
use ocs_studio::footprint::{self, FootprintRequest, SourceFootprint};
use ocs_studio::manifest::Manifest;
use ocs_studio::notify::{self, library, PreviewOutput, PreviewRequest};
use ocs_studio::package::{self, OpenedPackage, RecentPackage};
use ocs_studio::relay::{self, CopyOutput, CopyRequest, RelayImportOutput, Relay, RelayCheck, RelayDefaults, RelayDeleteResult, RelayError, RelayForm};
use ocs_studio::ssh::{self, HostKeyInfo, SshError, SshTarget};
use ocs_studio::script::{self, CodePage, ScriptOutput, ScriptRequest};
use ocs_studio::verify::VerifyOptions;
use ocs_studio::{BuildOptions, BuildReport, CancelToken, ErrorCode, Progress, Project, TargetOs, VerifyReport};
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::State;

/// An error as the UI shows it: a stable code to react on, and the core's message (what, where, how to fix).
#[derive(Debug, Serialize, specta::Type)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
}

impl AppError {
    fn new(code: ErrorCode, message: impl ToString) -> Self {
        AppError { code, message: message.to_string() }
    }
}

impl From<OcsError> for AppError {
    fn from(e: OcsError) -> Self {
        AppError::new(e.code(), e)
    }
}

impl From<SshError> for AppError {
    fn from(e: SshError) -> Self {
        AppError::new(e.code(), e)
    }
}

impl From<RelayError> for AppError {
    fn from(e: RelayError) -> Self {
        AppError::new(e.code(), e)
    }
}

#[derive(Serialize, specta::Type)]
pub struct AppInfo {
    pub version: String,
    /// Where packages go unless the admin picks another folder.
    pub default_out_dir: String,
}

/// A build from the window: the package as its screens hold it (every choice), where its manifest lives (paths in
/// it are relative to that folder; the file need not exist yet), and where the package goes.
#[derive(Deserialize, specta::Type)]
pub struct BuildRequest {
    pub manifest_file: String,
    pub manifest: Manifest,
    pub out_dir: String,
    /// Build even with paths a Windows PC cannot unzip (the admin chose "Keep them and build").
    pub keep_bad_names: bool,
}

#[derive(Default)]
pub struct Jobs {
    current: Mutex<Option<CancelToken>>,
}

/// Logged-in console sessions, reused by every server screen (one per server and user).
#[derive(Default)]
pub struct Servers {
    sessions: Mutex<HashMap<String, Console>>,
}

impl Servers {
    fn get(&self, key: &str) -> Result<Console, AppError> {
        self.sessions
            .lock()
            .expect("sessions lock")
            .get(key)
            .cloned()
            .ok_or_else(|| AppError::new(ErrorCode::NotConnected, "not connected to this server any more: connect again"))
    }
}

/// A live session, as the UI refers to it.
/// A console the window is logged in to: the key its later calls name it by, and the login's outcome.
#[derive(Serialize, specta::Type)]
pub struct ServerSession {
    pub key: String,
    pub login: ocs::LoginOutput,
}

#[derive(Serialize, specta::Type)]
pub struct DeployOutcome {
    pub report: DeployReport,
    pub gate: Option<RingGate>,
}

#[tauri::command]
#[specta::specta]
fn app_info() -> AppInfo {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    AppInfo {
        version: ocs_studio::VERSION.to_string(),
        default_out_dir: home.join("ocs-packages").to_string_lossy().into_owned(),
    }
}

/// Opens the system folder chooser (async: a sync command would block the GTK main thread).
#[tauri::command]
#[specta::specta]
async fn pick_folder() -> Option<String> {
    rfd::AsyncFileDialog::new().pick_folder().await.map(|h| h.path().to_string_lossy().into_owned())
}


#[tauri::command]
#[specta::specta]
async fn build_package(request: BuildRequest, on_progress: Channel<Progress>, jobs: State<'_, Jobs>) -> Result<BuildReport, AppError> {
    let cancel = CancelToken::new();
    *jobs.current.lock().expect("jobs lock") = Some(cancel.clone());
    let result = blocking(move || {
        let file = PathBuf::from(&request.manifest_file);
        let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let existing = file.is_file().then_some(file.as_path());
        let project = Project { manifest: &request.manifest, base_dir: &base, manifest_file: existing };
        let opts = BuildOptions { out_dir: PathBuf::from(request.out_dir), keep_bad_names: request.keep_bad_names, ..Default::default() };
        let sink = move |p: Progress| {
            let _ = on_progress.send(p);
        };
        ocs_studio::build(&project, &opts, &sink, &cancel).map_err(|e| AppError::new(e.code(), e))
    })
    .await;
    *jobs.current.lock().expect("jobs lock") = None;
    result
}

#[tauri::command]
#[specta::specta]
fn cancel_build(jobs: State<'_, Jobs>) -> bool {
    match jobs.current.lock().expect("jobs lock").as_ref() {
        Some(t) => {
            t.cancel();
            true
        }
        None => false,
    }
}

#[tauri::command]
#[specta::specta]
async fn verify_package(dir: String) -> Result<VerifyReport, AppError> {
    blocking(move || ocs_studio::verify(Path::new(&dir), &VerifyOptions::default(), &(), &CancelToken::new()).map_err(|e| AppError::new(ErrorCode::Verify, e))).await
}

/// Runs blocking core work on a thread of its own, at a lower CPU priority: on a 2-core PC a build or a measure
/// takes every core, and the window (its web view and the display) must keep drawing. The compression threads the
/// core starts inherit that priority. A panic becomes an `internal` error instead of a hung window.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, AppError> + Send + 'static) -> Result<T, AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("studio-work".into())
        .spawn(move || {
            lower_priority();
            let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
        })
        .map_err(|e| AppError::new(ErrorCode::Internal, e))?;
    match rx.await {
        Ok(Ok(r)) => r,
        _ => Err(AppError::new(ErrorCode::Internal, "the studio's work thread stopped unexpectedly; try again")),
    }
}

/// Without a GPU (no DRM render node: a virtual machine, a remote desktop, Xvfb), WebKitGTK composites every frame
/// with software OpenGL, which takes the CPU a build needs: measured here during a 1 GiB build, frames of 50-150 ms
/// and a build 70% slower. Its non-composited mode draws only what changed (no gap over 50 ms while compressing).
/// An explicit WEBKIT_DISABLE_COMPOSITING_MODE from the admin wins.
fn software_rendering_defaults() {
    #[cfg(target_os = "linux")]
    {
        let gpu = std::fs::read_dir("/dev/dri").is_ok_and(|d| d.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD")));
        if !gpu && std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
            // Called first thing in main, before any thread exists.
            std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
            tracing::info!("no GPU render node: WebKit's compositing mode is off");
        }
    }
}

/// Background priority for the calling thread; threads it starts inherit it. On Linux the thread joins the idle
/// scheduling class: it runs whenever the window does not need a core, and gives way at once when it does
/// (nice 10 alone still let a frame wait ~100 ms on a 2-core PC). Where that class is refused, nice 10.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: both calls only read their arguments; pid 0 / PRIO_PROCESS 0 is the calling thread on Linux.
    unsafe {
        let param = libc::sched_param { sched_priority: 0 };
        if libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) != 0 {
            libc::setpriority(libc::PRIO_PROCESS, 0, 10);
        }
        // The same for the disk: the idle I/O class (3 << 13), for the calling thread (who = 0).
        libc::syscall(libc::SYS_ioprio_set, 1, 0, 3 << 13);
    }
}

/// Opens an application folder, its package.toml or a built package folder: every choice, where it is saved,
/// and the folder's analysis.
#[tauri::command]
#[specta::specta]
async fn open_package(path: String) -> Result<OpenedPackage, AppError> {
    blocking(move || package::open(Path::new(&path), &CancelToken::new()).map_err(|e| AppError::new(e.code(), e))).await
}

/// Saves every choice of the package to its manifest (checked first; written atomically).
#[tauri::command]
#[specta::specta]
async fn save_package(manifest_file: String, manifest: Manifest) -> Result<(), AppError> {
    blocking(move || package::save(Path::new(&manifest_file), &manifest).map_err(|e| AppError::new(e.code(), e))).await
}

#[tauri::command]
#[specta::specta]
fn recent_packages() -> Vec<RecentPackage> {
    package::recent()
}

/// The install.bat a template gives for the folder, and what the folder's install.bat holds today.
#[tauri::command]
#[specta::specta]
async fn generate_script(request: ScriptRequest) -> Result<ScriptOutput, AppError> {
    blocking(move || script::generate(&request, &CancelToken::new()).map_err(|e| AppError::new(e.code(), e))).await
}

/// Writes install.bat (in the PCs' code page) and keeps the template in the manifest; an install.bat that was not
/// generated is replaced only with `overwrite` (the screen shows what would change first).
#[tauri::command]
#[specta::specta]
async fn write_script(request: ScriptRequest, overwrite: bool) -> Result<ScriptOutput, AppError> {
    blocking(move || {
        let err = |e: script::AuthorError| AppError::new(e.code(), e);
        let out = script::generate(&request, &CancelToken::new()).map_err(err)?;
        script::write(&request.folder, &out, overwrite).map_err(err)
    })
    .await
}

/// The notification as the PC will show it, with its lint (called on each keystroke: no disk access).
#[tauri::command]
#[specta::specta]
fn preview_notification(request: PreviewRequest) -> PreviewOutput {
    notify::preview(&request)
}

/// The ready-made texts and the admin's own, with `{application}` replaced by the package's name.
#[tauri::command]
#[specta::specta]
fn notification_texts(application: String) -> Result<Vec<library::Template>, AppError> {
    library::all(&library::default_path()).map(|t| library::filled(t, &application)).map_err(|e| AppError::new(ErrorCode::Texts, e))
}

/// Writes install.bat as the admin edited it (in the PCs' code page); the manifest then forgets its template.
#[tauri::command]
#[specta::specta]
async fn write_script_text(folder: String, text: String, code_page: CodePage) -> Result<String, AppError> {
    blocking(move || {
        script::write_text(Path::new(&folder), &text, code_page).map(|p| p.to_string_lossy().into_owned()).map_err(|e| AppError::new(e.code(), e))
    })
    .await
}

/// The package retargeted to other agents (the default entry script follows: install.bat ↔ install.sh).
#[tauri::command]
#[specta::specta]
fn set_target_os(mut manifest: Manifest, os: TargetOs) -> Manifest {
    manifest.set_os(os);
    manifest
}

/// The checks that need no files (name, priority, action, texts…): the first error, else the warnings.
#[tauri::command]
#[specta::specta]
fn check_manifest(manifest: Manifest) -> Result<Vec<ocs_studio::manifest::Warning>, AppError> {
    manifest.validate().map_err(|e| AppError::new(e.code(), e))
}

/// The OEM code pages install.bat can be written in, with their region (850 first: the French default).
#[tauri::command]
#[specta::specta]
fn code_pages() -> Vec<CodePageInfo> {
    script::codepage::SUPPORTED.iter().map(|(n, region)| CodePageInfo { number: *n, region: region.to_string() }).collect()
}

#[derive(Serialize, specta::Type)]
pub struct CodePageInfo {
    pub number: u16,
    pub region: String,
}

/// The system's file chooser for a package manifest (package.toml, or the manifest a build kept).
#[tauri::command]
#[specta::specta]
async fn pick_manifest() -> Option<String> {
    rfd::AsyncFileDialog::new().add_filter("package.toml", &["toml"]).pick_file().await.map(|h| h.path().to_string_lossy().into_owned())
}

/// Starts the dialog from a text of the library (with its suggested options) or the end message from one.
#[tauri::command]
#[specta::specta]
fn use_notification_text(request: library::UseTextRequest) -> Result<library::UseTextOutput, AppError> {
    library::use_text(&library::default_path(), &request).map_err(|e| AppError::new(ErrorCode::Texts, e))
}

#[tauri::command]
#[specta::specta]
fn save_notification_text(template: library::Template) -> Result<Vec<library::Template>, AppError> {
    let path = library::default_path();
    library::save(&path, template).and_then(|_| library::all(&path)).map_err(|e| AppError::new(ErrorCode::Texts, e))
}

#[tauri::command]
#[specta::specta]
fn rename_notification_text(id: String, title: String) -> Result<Vec<library::Template>, AppError> {
    let path = library::default_path();
    library::rename(&path, &id, &title).and_then(|_| library::all(&path)).map_err(|e| AppError::new(ErrorCode::Texts, e))
}

#[tauri::command]
#[specta::specta]
fn delete_notification_text(id: String) -> Result<Vec<library::Template>, AppError> {
    let path = library::default_path();
    library::delete(&path, &id).and_then(|_| library::all(&path)).map_err(|e| AppError::new(ErrorCode::Texts, e))
}

/// Measures the package (compressing without writing: progress, cancel with `cancel_build`) and gives the
/// footprint on the PCs and the delivery plan for every fragment size of the slider.
#[tauri::command]
#[specta::specta]
async fn compute_footprint(request: FootprintRequest, on_progress: Channel<Progress>, jobs: State<'_, Jobs>) -> Result<SourceFootprint, AppError> {
    let cancel = CancelToken::new();
    *jobs.current.lock().expect("jobs lock") = Some(cancel.clone());
    let result = blocking(move || {
        let sink = move |p: Progress| {
            let _ = on_progress.send(p);
        };
        footprint::for_source(&request, &sink, &cancel).map_err(|e| AppError::new(e.code(), e))
    })
    .await;
    *jobs.current.lock().expect("jobs lock") = None;
    result
}

#[tauri::command]
#[specta::specta]
fn saved_servers() -> Vec<ServerSpec> {
    ocs::saved_servers()
}

/// Logs in with the typed password (kept in the keyring when `remember`), or with the saved one.
#[tauri::command]
#[specta::specta]
async fn connect_server(request: ocs::LoginRequest, servers: State<'_, Servers>) -> Result<ServerSession, AppError> {
    let (console, login) = ocs::login(&request).await?;
    let key = format!("{}@{}", login.user, login.url);
    servers.sessions.lock().expect("sessions lock").insert(key.clone(), console);
    Ok(ServerSession { key, login })
}

/// Forgets a server: its saved password and its place in the list.
#[tauri::command]
#[specta::specta]
fn forget_server(spec: ServerSpec) -> Result<bool, AppError> {
    Ok(ocs::logout(&spec)?)
}

#[tauri::command]
#[specta::specta]
async fn server_packages(key: String, servers: State<'_, Servers>) -> Result<Vec<ServerPackage>, AppError> {
    Ok(ocs::package_list(&servers.get(&key)?, "").await?)
}

#[tauri::command]
#[specta::specta]
async fn publish_package(
    key: String,
    dir: String,
    options: PublishOptions,
    on_progress: Channel<Progress>,
    servers: State<'_, Servers>,
    jobs: State<'_, Jobs>,
) -> Result<PublishReport, AppError> {
    let console = servers.get(&key)?;
    let cancel = CancelToken::new();
    *jobs.current.lock().expect("jobs lock") = Some(cancel.clone());
    let sink = move |p: Progress| {
        let _ = on_progress.send(p);
    };
    let r = ocs::publish(&console, std::path::Path::new(&dir), &options, &sink, &cancel).await;
    *jobs.current.lock().expect("jobs lock") = None;
    Ok(r?)
}

/// What publishing a built package folder starts from (the name and fragment size its build kept).
#[tauri::command]
#[specta::specta]
fn publish_defaults(dir: String) -> PublishOptions {
    ocs::default_options(Path::new(&dir))
}

/// What the Deploy screen starts from: the first ring (TAG contains ALPHA) and the gate's threshold.
#[tauri::command]
#[specta::specta]
fn deploy_defaults() -> ocs::DeployDefaults {
    ocs::DeployDefaults::default()
}

#[tauri::command]
#[specta::specta]
async fn search_computers(key: String, filter: ComputerFilter, servers: State<'_, Servers>) -> Result<Vec<Computer>, AppError> {
    Ok(ocs::find_computers(&servers.get(&key)?, &filter).await?)
}

/// Where the previous ring stands, before promoting.
#[tauri::command]
#[specta::specta]
async fn check_ring(key: String, server_id: String, rule: RingRule, servers: State<'_, Servers>) -> Result<RingGate, AppError> {
    Ok(ocs::ring_status(&servers.get(&key)?, &server_id, &rule).await?)
}

#[tauri::command]
#[specta::specta]
async fn deploy_package(key: String, server_id: String, computers: Vec<Computer>, rule: Option<RingRule>, servers: State<'_, Servers>) -> Result<DeployOutcome, AppError> {
    let (report, gate) = ocs::deploy(&servers.get(&key)?, &server_id, &computers, rule.as_ref()).await?;
    Ok(DeployOutcome { report, gate })
}

#[tauri::command]
#[specta::specta]
async fn package_stats(key: String, server_id: String, servers: State<'_, Servers>) -> Result<PackageStats, AppError> {
    Ok(ocs::stats(&servers.get(&key)?, &server_id).await?)
}

#[tauri::command]
#[specta::specta]
async fn delete_server_package(key: String, server_id: String, servers: State<'_, Servers>) -> Result<ServerPackage, AppError> {
    Ok(ocs::delete(&servers.get(&key)?, &server_id).await?)
}

/// The kept redistribution servers.
#[tauri::command]
#[specta::specta]
fn relay_list() -> Result<Vec<Relay>, AppError> {
    Ok(relay::relays()?)
}

/// Adds the redistribution server of the form (or changes the one of that name); returns the whole list.
#[tauri::command]
#[specta::specta]
fn relay_add(form: RelayForm) -> Result<Vec<Relay>, AppError> {
    Ok(relay::add_relay(&form, &RelayDefaults::default())?.1)
}

#[tauri::command]
#[specta::specta]
fn relay_remove(name: String) -> Result<Vec<Relay>, AppError> {
    Ok(relay::remove_relay(&name)?)
}

/// Imports a pasted or opened text list of servers.
#[tauri::command]
#[specta::specta]
fn relay_import(text: String, defaults: RelayDefaults) -> Result<RelayImportOutput, AppError> {
    Ok(relay::import_list(&text, &defaults)?)
}

/// What a list line leaves out, by default.
#[tauri::command]
#[specta::specta]
fn relay_defaults() -> RelayDefaults {
    RelayDefaults::default()
}

/// Checks the named servers (all when empty): reachable, known host key, login, writable folder.
#[tauri::command]
#[specta::specta]
async fn relay_check(names: Vec<String>) -> Result<Vec<RelayCheck>, AppError> {
    let list = relay::select(&names)?;
    Ok(relay::check(&list).await)
}

/// Copies a package to the servers in parallel; progress per server (`current` = the server's name).
#[tauri::command]
#[specta::specta]
async fn relay_copy(request: CopyRequest, on_progress: Channel<Progress>, jobs: State<'_, Jobs>) -> Result<CopyOutput, AppError> {
    let list = relay::select(&request.relays)?;
    let cancel = CancelToken::new();
    *jobs.current.lock().expect("jobs lock") = Some(cancel.clone());
    let sink = move |p: Progress| {
        let _ = on_progress.send(p);
    };
    let r = relay::copy(&request, &list, &sink, &cancel).await;
    *jobs.current.lock().expect("jobs lock") = None;
    Ok(r?)
}

/// The `at` line that schedules the same copy on a server.
#[tauri::command]
#[specta::specta]
fn relay_schedule_line(request: CopyRequest) -> Result<String, AppError> {
    Ok(relay::schedule_line(&request, "ocs-studio")?)
}

/// What deleting a package everywhere did.
#[derive(Serialize, specta::Type)]
pub struct RetireOutcome {
    pub relays: Vec<RelayDeleteResult>,
    /// Deleted from the console too (only once every server is clean).
    pub console: Option<ServerPackage>,
}

/// Removes a package from the servers, then, when every one is clean and a console session is given, from the
/// console (the procedure's order).
#[tauri::command]
#[specta::specta]
async fn relay_retire(server_id: String, names: Vec<String>, key: Option<String>, servers: State<'_, Servers>) -> Result<RetireOutcome, AppError> {
    let list = relay::select(&names)?;
    let results = relay::delete(&server_id, &list).await;
    let console = match key {
        Some(k) if results.iter().all(|r| r.error.is_none()) => Some(ocs::delete(&servers.get(&k)?, &server_id).await?),
        _ => None,
    };
    Ok(RetireOutcome { relays: results, console })
}

/// An SSH server's host key and whether it is known: what the "trust this server?" dialog shows.
#[tauri::command]
#[specta::specta]
async fn ssh_host_key(target: SshTarget) -> Result<HostKeyInfo, AppError> {
    Ok(ssh::host_key(&target).await?)
}

/// Accepts a host key once the admin compared its fingerprint.
#[tauri::command]
#[specta::specta]
async fn ssh_trust(target: SshTarget, fingerprint: String) -> Result<HostKeyInfo, AppError> {
    Ok(ssh::trust(&target, &fingerprint).await?)
}

/// Keeps an SSH password in the keyring once the server accepted it.
#[tauri::command]
#[specta::specta]
async fn ssh_save_password(target: SshTarget, password: String) -> Result<ocs_studio::credentials::Store, AppError> {
    Ok(ssh::save_password(&target, &password).await?)
}

/// Keeps a key file's passphrase in the keyring once it opened the key.
#[tauri::command]
#[specta::specta]
fn ssh_save_passphrase(key: String, passphrase: String) -> Result<ocs_studio::credentials::Store, AppError> {
    Ok(ssh::save_passphrase(Path::new(&key), &passphrase)?)
}

/// Reads `[user@]host[:port]` as the core does (the user defaults to `default_user`).
#[tauri::command]
#[specta::specta]
fn ssh_parse_target(text: String, default_user: String) -> Result<SshTarget, AppError> {
    Ok(SshTarget::parse(&text, &default_user)?)
}

/// Checks an SSH server: known host key, login, and the folder `dir` when given (exists, writable, free space).
#[tauri::command]
#[specta::specta]
async fn ssh_check(target: SshTarget, dir: Option<String>) -> Result<ssh::CheckOutput, AppError> {
    Ok(ssh::check(&target, dir.as_deref()).await?)
}

/// The server groups of the OCS server reached over SSH.
#[tauri::command]
#[specta::specta]
async fn group_list(ssh: ocs::ServerSsh) -> Result<Vec<ocs::ServerGroup>, AppError> {
    Ok(ocs::server_groups(&ssh).await?)
}

#[tauri::command]
#[specta::specta]
async fn group_create(ssh: ocs::ServerSsh, request: ocs::CreateGroupRequest) -> Result<ocs::ServerGroup, AppError> {
    Ok(ocs::create_group(&ssh, &request).await?)
}

#[tauri::command]
#[specta::specta]
async fn group_delete(ssh: ocs::ServerSsh, name: String) -> Result<(), AppError> {
    Ok(ocs::delete_group(&ssh, &name).await?)
}

/// Activates a package on every server of a group (`info_location` None: the console's default).
#[tauri::command]
#[specta::specta]
async fn group_activate(ssh: ocs::ServerSsh, server_id: String, group: String, info_location: Option<String>) -> Result<Vec<ocs::GroupActivation>, AppError> {
    Ok(ocs::activate_on_group(&ssh, &server_id, &group, info_location.as_deref()).await?)
}

/// Assigns a package activated on a group with the "same subnet" rule; the computers left out are named.
#[tauri::command]
#[specta::specta]
async fn group_assign(ssh: ocs::ServerSsh, request: ocs::SubnetAssignRequest) -> Result<ocs::SubnetAssignReport, AppError> {
    Ok(ocs::assign_same_subnet(&ssh, &request).await?)
}

/// Opens a package of the server as a studio package (files, package.toml, the archive kept as it was).
#[tauri::command]
#[specta::specta]
async fn import_server_package(key: String, request: ocs::ImportRequest, on_progress: Channel<Progress>, servers: State<'_, Servers>, jobs: State<'_, Jobs>) -> Result<ocs::ImportOutput, AppError> {
    let console = servers.get(&key)?;
    let cancel = CancelToken::new();
    *jobs.current.lock().expect("jobs lock") = Some(cancel.clone());
    let sink = move |p: Progress| {
        let _ = on_progress.send(p);
    };
    let r = ocs::import_package(&console, &request, &sink, &cancel).await;
    *jobs.current.lock().expect("jobs lock") = None;
    Ok(r?)
}

/// Every command of the app, in one builder: the invoke handler and the TypeScript bindings come from it.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new().commands(tauri_specta::collect_commands![
        app_info,
        pick_folder,
        build_package,
        cancel_build,
        verify_package,
        open_package,
        save_package,
        recent_packages,
        generate_script,
        write_script,
        write_script_text,
        pick_manifest,
        set_target_os,
        check_manifest,
        code_pages,
        preview_notification,
        notification_texts,
        use_notification_text,
        save_notification_text,
        rename_notification_text,
        delete_notification_text,
        compute_footprint,
        publish_defaults,
        deploy_defaults,
        saved_servers,
        connect_server,
        forget_server,
        server_packages,
        publish_package,
        search_computers,
        check_ring,
        deploy_package,
        package_stats,
        delete_server_package,
        relay_list,
        relay_add,
        relay_remove,
        relay_import,
        relay_defaults,
        relay_check,
        relay_copy,
        relay_schedule_line,
        relay_retire,
        ssh_host_key,
        ssh_trust,
        ssh_save_password,
        ssh_save_passphrase,
        ssh_parse_target,
        ssh_check,
        group_list,
        group_create,
        group_delete,
        group_activate,
        group_assign,
        import_server_package
    ])
}

pub fn run() {
    software_rendering_defaults();
    let builder = specta_builder();
    tauri::Builder::default()
        .manage(Jobs::default())
        .manage(Servers::default())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running OCS Package Studio");
}

#[cfg(test)]
mod tests {
    /// Regenerates ui/src/bindings.ts; CI fails if the committed file differs (git diff --exit-code).
    #[test]
    fn export_bindings() {
        super::specta_builder()
            .export(specta_typescript::Typescript::default(), "../ui/src/bindings.ts")
            .expect("bindings export");
        let text = std::fs::read_to_string("../ui/src/bindings.ts").unwrap();
        assert!(text.contains("buildPackage"), "commands are exported");
        assert!(text.contains("BuildReport"), "types are exported");
    }

    #[test]
    fn opening_a_missing_folder_is_an_actionable_error() {
        let e = tauri::async_runtime::block_on(super::open_package("/definitely/not/here".into())).err().unwrap();
        assert_eq!(e.code, ocs_studio::ErrorCode::Source);
        assert!(e.message.contains("does not exist"), "{}", e.message);
    }
}
