//! Redistribution servers: web servers next to the PCs that hold copies of big packages, so that each PC downloads
//! from the one on its site. The studio keeps their list, copies a package to all of them in parallel over SSH
//! (progress per server, a bandwidth limit, resume after a cut, a check of every copy), can wait for a time of day
//! to do it, and removes a package from all of them before it is removed from the console.

mod list;
pub mod transfer;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use list::{add_relay, check_url, import_list, parse_line, parse_list, relay_from_form, relays, remove_relay, save_relay, select, RelayImportOutput, LineError, ListProblem, ListProblemCode, Relay, RelayDefaults, RelayForm};
pub use transfer::{FragmentHashes, LocalPackage, TransferOptions, TransferStats};

use crate::progress::{CancelToken, Progress, ProgressSink, Stage};
use crate::ssh::{SshError, SshSession};

/// How many times a copy to one server is tried when its connection is lost (each try resumes the last).
pub const ATTEMPTS: u32 = 3;
const RETRY_PAUSE: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("the redistribution server list cannot be kept: {0}")]
    Settings(String),
    #[error("{0}")]
    Invalid(String),
    #[error("no redistribution server is kept yet: add one, or import the list of servers")]
    NoRelays,
    #[error("no redistribution server is named '{name}' (kept: {known})")]
    UnknownRelay { name: String, known: String },
    #[error("cannot read the package: {0}")]
    Package(String),
    #[error("'{0}' is not a time of day: give it as HH:MM, e.g. 18:00")]
    BadTime(String),
    #[error("cancelled")]
    Cancelled,
    #[error(transparent)]
    Address(Box<crate::ssh::SshError>),
}

impl RelayError {
    pub fn code(&self) -> crate::ErrorCode {
        use crate::ErrorCode as C;
        match self {
            RelayError::Settings(_) => C::Settings,
            RelayError::Invalid(_) | RelayError::BadTime(_) => C::Refused,
            RelayError::NoRelays => C::NoRelays,
            RelayError::UnknownRelay { .. } => C::UnknownRelay,
            RelayError::Package(_) => C::Package,
            RelayError::Cancelled => C::Cancelled,
            RelayError::Address(e) => e.code(),
        }
    }
}

/// How a copy to one server ended.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyStatus {
    /// Copied (all of it, or what a cut copy had left) and verified.
    Copied,
    /// Already there, complete: verified, nothing sent.
    AlreadyThere,
    Failed,
}

/// The report of one server.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RelayCopyResult {
    pub relay: String,
    /// Where agents fetch it from there: `<address>/<ID>/`.
    pub url: String,
    pub status: CopyStatus,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub sent_fragments: usize,
    /// Fragments that were already there with the right size and digest (kept).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub kept_fragments: usize,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub bytes_sent: u64,
    pub attempts: u32,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub ms: u64,
    pub error: Option<String>,
    pub error_code: Option<crate::ErrorCode>,
}

/// What to copy, where, and how.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CopyRequest {
    /// The built package folder (…/<ID>).
    pub package: PathBuf,
    /// The package's ID on the OCS server, when it differs from the folder's (a package published through the
    /// console takes the ID the console gave it): the copy is written under that ID, as agents will ask for it.
    #[serde(default)]
    pub server_id: Option<String>,
    /// The servers, by name; empty: every kept server.
    #[serde(default)]
    pub relays: Vec<String>,
    /// Bytes per second for each server (None: no limit).
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub limit: Option<u64>,
    /// Wait for this time of day (HH:MM, local time) before copying.
    #[serde(default)]
    pub at: Option<String>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CopyOutput {
    pub package_id: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub bytes: u64,
    pub results: Vec<RelayCopyResult>,
    /// Every server holds a verified copy.
    pub all_ok: bool,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub ms: u64,
}

/// Reads "HH:MM" (24-hour).
pub fn parse_time_of_day(s: &str) -> Result<(u32, u32), RelayError> {
    let bad = || RelayError::BadTime(s.to_string());
    let (h, m) = s.trim().split_once([':', 'h', 'H']).ok_or_else(bad)?;
    let h: u32 = h.parse().map_err(|_| bad())?;
    let m: u32 = if m.is_empty() { 0 } else { m.parse().map_err(|_| bad())? };
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok((h, m))
}

/// How long until the next `HH:MM` of local time (today, or tomorrow when it has passed).
pub fn until_time_of_day(at: &str) -> Result<Duration, RelayError> {
    use chrono::{Local, NaiveTime, TimeZone};
    let (h, m) = parse_time_of_day(at)?;
    let now = Local::now();
    let t = NaiveTime::from_hms_opt(h, m, 0).ok_or_else(|| RelayError::BadTime(at.into()))?;
    let mut day = now.date_naive();
    loop {
        if let Some(when) = Local.from_local_datetime(&day.and_time(t)).earliest() {
            if when > now {
                return Ok((when - now).to_std().unwrap_or_default());
            }
        }
        day = day.succ_opt().ok_or_else(|| RelayError::BadTime(at.into()))?;
    }
}

/// The line that schedules the same copy on a server with `at` (the way the procedure does it), for when the
/// studio will not stay open until then.
pub fn schedule_line(req: &CopyRequest, program: &str) -> Result<String, RelayError> {
    let at = req.at.as_deref().unwrap_or("18:00");
    let (h, m) = parse_time_of_day(at)?;
    let mut cmd = format!("{} relay copy {}", crate::fsx::shell_quote(program), crate::fsx::shell_quote(&req.package.display().to_string()));
    if let Some(id) = &req.server_id {
        cmd.push_str(&format!(" --id {id}"));
    }
    if !req.relays.is_empty() {
        cmd.push_str(&format!(" --to {}", req.relays.join(",")));
    }
    if let Some(l) = req.limit {
        cmd.push_str(&format!(" --limit {l}"));
    }
    Ok(format!("echo {} | at {h:02}:{m:02}", crate::fsx::shell_quote(&cmd)))
}

fn is_connection_loss(e: &SshError) -> bool {
    matches!(e, SshError::Lost { .. } | SshError::Unreachable { .. })
}

/// Copies one package to one server, trying again (and resuming) when the connection is lost.
#[allow(clippy::too_many_arguments)]
async fn copy_one(relay: &Relay, pkg: &LocalPackage, id: &str, info: &[u8], hashes: &FragmentHashes, opts: &TransferOptions, progress: &dyn ProgressSink, cancel: &CancelToken) -> RelayCopyResult {
    let started = Instant::now();
    let mut result = RelayCopyResult {
        relay: relay.name.clone(),
        url: format!("{}/{id}/", relay.url),
        status: CopyStatus::Failed,
        sent_fragments: 0,
        kept_fragments: 0,
        bytes_sent: 0,
        attempts: 0,
        ms: 0,
        error: None,
        error_code: None,
    };
    let report = |stage: Stage, done: u64, total: u64| progress.report(Progress { stage, done, total, current: Some(relay.name.clone()) });
    loop {
        result.attempts += 1;
        let attempt = async {
            let s = SshSession::connect(&relay.ssh).await?;
            let r = transfer::put_package(&s, &relay.download_dir, pkg, id, info, hashes, opts, &|d, t| report(Stage::Uploading, d, t), cancel).await;
            s.close().await;
            r
        };
        match attempt.await {
            Ok(stats) => {
                result.status = if stats.already_there { CopyStatus::AlreadyThere } else { CopyStatus::Copied };
                result.sent_fragments += stats.sent_fragments;
                result.kept_fragments = stats.kept_fragments;
                result.bytes_sent += stats.bytes_sent;
                result.error = None;
                result.error_code = None;
                report(Stage::Done, pkg.size, pkg.size);
                break;
            }
            Err(e) => {
                tracing::info!(relay = %relay.name, attempt = result.attempts, error = %e, "copy to a redistribution server failed");
                result.error_code = Some(e.code());
                result.error = Some(e.to_string());
                if !is_connection_loss(&e) || result.attempts >= ATTEMPTS || cancel.is_cancelled() {
                    break;
                }
                tokio::time::sleep(RETRY_PAUSE * result.attempts).await;
            }
        }
    }
    result.ms = started.elapsed().as_millis() as u64;
    result
}

/// Copies the package to `relays` in parallel (after waiting for `req.at` when given).
pub async fn copy(req: &CopyRequest, relays: &[Relay], progress: &dyn ProgressSink, cancel: &CancelToken) -> Result<CopyOutput, RelayError> {
    if relays.is_empty() {
        return Err(RelayError::NoRelays);
    }
    let pkg = LocalPackage::open(&req.package).map_err(RelayError::Package)?;
    if let Some(at) = &req.at {
        let wait = until_time_of_day(at)?;
        tracing::info!(at, seconds = wait.as_secs(), "waiting for the scheduled copy");
        let (start, end) = (Instant::now(), Instant::now() + wait);
        while Instant::now() < end {
            if cancel.is_cancelled() {
                return Err(RelayError::Cancelled);
            }
            progress.report(Progress { stage: Stage::Waiting, done: start.elapsed().as_secs(), total: wait.as_secs(), current: Some(at.clone()) });
            tokio::time::sleep((end - Instant::now()).min(Duration::from_secs(1))).await;
        }
    }
    let started = Instant::now();
    let hashes = FragmentHashes::default();
    let opts = TransferOptions { limit: req.limit };
    let id = match &req.server_id {
        Some(id) if !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()) => id.clone(),
        Some(id) => return Err(RelayError::Invalid(format!("'{id}' is not a package ID: give the number the console shows for the package"))),
        None => pkg.id.clone(),
    };
    let info = pkg.info_with_id(&id);
    let results = futures_util::future::join_all(relays.iter().map(|r| copy_one(r, &pkg, &id, &info, &hashes, &opts, progress, cancel))).await;
    if cancel.is_cancelled() {
        return Err(RelayError::Cancelled);
    }
    Ok(CopyOutput { package_id: id, bytes: pkg.size, all_ok: results.iter().all(|r| r.status != CopyStatus::Failed), results, ms: started.elapsed().as_millis() as u64 })
}

/// How a removal from one server ended.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RelayDeleteResult {
    pub relay: String,
    /// Removed: the package (or a partial copy of it) was there; false: nothing was there.
    pub removed: bool,
    pub error: Option<String>,
    pub error_code: Option<crate::ErrorCode>,
}

/// Removes package `id` (and any partial copy of it) from every server in `relays`, in parallel.
pub async fn delete(id: &str, relays: &[Relay]) -> Vec<RelayDeleteResult> {
    let one = |r: &Relay| {
        let r = r.clone();
        let id = id.to_string();
        async move {
            let res = async {
                let s = SshSession::connect(&r.ssh).await?;
                let root = r.download_dir.trim_end_matches('/');
                let sftp = s.sftp().await?;
                let mut removed = false;
                for dir in [format!("{root}/{id}"), format!("{root}/.{id}.ocs-studio-partial")] {
                    if sftp.try_exists(&dir).await.unwrap_or(false) {
                        transfer::remove_tree(&s, &dir).await?;
                        removed = true;
                    }
                }
                s.close().await;
                Ok::<bool, SshError>(removed)
            }
            .await;
            match res {
                Ok(removed) => RelayDeleteResult { relay: r.name, removed, error: None, error_code: None },
                Err(e) => RelayDeleteResult { relay: r.name, removed: false, error_code: Some(e.code()), error: Some(e.to_string()) },
            }
        }
    };
    futures_util::future::join_all(relays.iter().map(one)).await
}

/// The report of `check`: can the studio log in, and write the download folder?
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RelayCheck {
    pub relay: String,
    pub ok: bool,
    pub check: Option<crate::ssh::CheckOutput>,
    pub error: Option<String>,
    pub error_code: Option<crate::ErrorCode>,
    /// For a server not known yet: its key, to compare and accept.
    pub host_key: Option<crate::ssh::HostKeyInfo>,
}

/// Checks every server in `relays` in parallel.
pub async fn check(relays: &[Relay]) -> Vec<RelayCheck> {
    futures_util::future::join_all(relays.iter().map(check_relay)).await
}

async fn check_relay(r: &Relay) -> RelayCheck {
    {
        match crate::ssh::check(&r.ssh, Some(&r.download_dir)).await {
            Ok(c) => {
                let ok = c.dir_writable == Some(true);
                let error = (!ok).then(|| format!("{} is not writable by {}: give that account write access to it", r.download_dir, r.ssh.user));
                RelayCheck { relay: r.name.clone(), ok, error_code: (!ok).then_some(crate::ErrorCode::SshRemote), error, check: Some(c), host_key: None }
            }
            Err(e) => {
                let host_key = if matches!(e, SshError::UnknownHost { .. }) { crate::ssh::host_key(&r.ssh).await.ok() } else { None };
                RelayCheck { relay: r.name.clone(), ok: false, check: None, error_code: Some(e.code()), error: Some(e.to_string()), host_key }
            }
        }
    }
}

/// The package folder's ID (for messages before it is opened).
pub fn package_id(dir: &Path) -> Option<String> {
    LocalPackage::open(dir).ok().map(|p| p.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_and_the_schedule_line() {
        assert_eq!(parse_time_of_day("18:00").unwrap(), (18, 0));
        assert_eq!(parse_time_of_day("7h30").unwrap(), (7, 30));
        assert_eq!(parse_time_of_day("18h").unwrap(), (18, 0));
        for bad in ["24:00", "18:60", "", "six", "18:xx"] {
            assert_eq!(parse_time_of_day(bad).unwrap_err().code(), crate::ErrorCode::Refused, "{bad}");
        }
        let wait = until_time_of_day("00:00").unwrap();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(25 * 3600), "{wait:?}");
        let req = CopyRequest { package: PathBuf::from("/srv/paquets/1796313743"), server_id: Some("1796313700".into()), relays: vec!["a".into(), "b".into()], limit: Some(2 << 20), at: Some("18:00".into()) };
        assert_eq!(
            schedule_line(&req, "/usr/bin/ocs-studio").unwrap(),
            "echo '/usr/bin/ocs-studio relay copy /srv/paquets/1796313743 --id 1796313700 --to a,b --limit 2097152' | at 18:00"
        );
    }
}
