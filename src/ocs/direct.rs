//! Direct publishing: the package folder is copied over SSH into the OCS server's download folder and the rows the
//! console writes are written through the database reached over that same connection. No upload limit applies.
//!
//! Atomic: the package ID is chosen and both rows (`download_available`, `download_enable`) are written in one
//! transaction, under a database lock that other studios take too; the files go to a hidden staging folder and
//! take their real name once complete and checked; the server must then serve exactly the package (read back over
//! HTTPS, like an agent) before the transaction commits. Any failure rolls the rows back and removes the files.
//!
//! The ID: the console names a package by the second of its upload (`time()` when its build runs), so the studio
//! takes a second already past (from two seconds ago downwards) that no package row, agent history row or folder
//! uses: a console upload can never land on it afterwards, and the lock keeps two studios apart.

use std::time::Instant;

use mysql_async::prelude::Queryable;

use super::db::{db_error, html_escape, ssh, Db};
use super::publish::{PublishStepKind, StepDetail};
use super::OcsError;
use crate::manifest::TargetOs;
use crate::progress::{CancelToken, Progress, Stage};
use crate::relay::transfer::{self, FragmentHashes, LocalPackage, TransferOptions};
use crate::ssh::{SshSession, SshTarget};

/// SSH access to the OCS server itself, for direct publishing and server groups.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ServerSsh {
    pub target: SshTarget,
    /// The console's package folder on the server; default: from the console's settings (DOWNLOAD_PACK_DIR), else
    /// Debian's `/var/lib/ocsinventory-reports/download`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_dir: Option<String>,
    /// The console's `dbconfig.inc.php` on the server; default: where Debian and the tarball put it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_config: Option<String>,
}

/// The database lock every studio takes while it picks an ID and writes a package's rows.
const LOCK: &str = "ocs_package_studio_publish";

/// What a direct publication made.
pub(super) struct Direct {
    pub server_id: String,
    pub enable_id: String,
    pub download_dir: String,
}

fn os_name(os: TargetOs) -> &'static str {
    match os {
        TargetOs::Windows => "WINDOWS",
        TargetOs::Linux => "LINUX",
        TargetOs::Macos => "MAC",
    }
}

/// Picks a free ID at or below `start`: no package row (deleted ones included), no agent history row, no folder.
async fn free_id(db: &mut Db, s: &SshSession, root: &str, start: u64) -> Result<u64, OcsError> {
    let sftp = s.sftp().await.map_err(ssh)?;
    let mut id = start;
    for _ in 0..3600 {
        let rows: Option<u64> = db
            .conn
            .exec_first(
                "SELECT (SELECT COUNT(*) FROM download_available WHERE FILEID=?) + (SELECT COUNT(*) FROM download_history WHERE PKG_ID=?) + (SELECT COUNT(*) FROM download_enable WHERE FILEID=?)",
                (id.to_string(), id.to_string(), id.to_string()),
            )
            .await
            .map_err(|e| db_error("choosing a package ID", e))?;
        let folder = sftp.try_exists(format!("{root}/{id}")).await.unwrap_or(true) || sftp.try_exists(format!("{root}/.{id}.ocs-studio-partial")).await.unwrap_or(true);
        if rows == Some(0) && !folder {
            return Ok(id);
        }
        id -= 1;
    }
    Err(db_error("choosing a package ID", "no free second in the last hour: the server's packages are unusually dense; try again later"))
}

/// Copies the package to the server and writes its rows; the server must then serve it exactly (read back as
/// agents will) before the commit. On any failure nothing of it stays on the server.
#[allow(clippy::too_many_arguments)]
pub(super) async fn publish(
    c: &super::Console,
    spec: &ServerSsh,
    local: &super::publish::Local,
    dir: &std::path::Path,
    name: &str,
    description: &str,
    os: TargetOs,
    info_loc: &str,
    pack_loc: &str,
    steps: &mut super::publish::Steps<'_>,
    cancel: &CancelToken,
) -> Result<(Direct, String, Option<String>), OcsError> {
    let pkg = LocalPackage::open(dir).map_err(OcsError::Package)?;
    steps.start(Stage::Uploading, PublishStepKind::DirectCopy);
    let started = Instant::now();
    let s = SshSession::connect(&spec.target).await.map_err(ssh)?;
    let mut db = Db::open(&s, spec.db_config.as_deref()).await?;
    let root = match &spec.download_dir {
        Some(d) => d.trim_end_matches('/').to_string(),
        None => db.download_root().await?,
    };

    // One studio at a time picks an ID and writes rows.
    let locked: Option<i64> = db.conn.exec_first("SELECT GET_LOCK(?, 60)", (LOCK,)).await.map_err(|e| db_error("taking the publishing lock", e))?;
    if locked != Some(1) {
        db.close().await;
        s.close().await;
        return Err(db_error("taking the publishing lock", "another studio has held it for 60 s; publish again when it is done"));
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let outcome = async {
        let id = free_id(&mut db, &s, &root, now - 2).await?.to_string();
        let mut tx = db.conn.start_transaction(mysql_async::TxOpts::default()).await.map_err(|e| db_error("starting a transaction", e))?;
        tx.exec_drop(
            "INSERT INTO download_available (FILEID, NAME, PRIORITY, FRAGMENTS, SIZE, OSNAME, COMMENT) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (&id, html_escape(name), pkg.get("PRI").parse::<i64>().unwrap_or(5), pkg.fragments.len() as i64, pkg.size as i64, os_name(os), html_escape(description)),
        )
        .await
        .map_err(|e| db_error("writing download_available", e))?;
        tx.exec_drop(
            "INSERT INTO download_enable (FILEID, INFO_LOC, PACK_LOC, CERT_PATH, CERT_FILE) VALUES (?, ?, ?, 'INSTALL_PATH', 'INSTALL_PATH/cacert.pem')",
            (&id, info_loc, pack_loc),
        )
        .await
        .map_err(|e| db_error("writing download_enable", e))?;
        let enable_id = tx.last_insert_id().ok_or_else(|| db_error("writing download_enable", "no activation ID was returned"))?.to_string();

        let progress = steps.progress;
        let total = pkg.size;
        let copied = transfer::put_package(
            &s,
            &root,
            &pkg,
            &id,
            &pkg.info_with_id(&id),
            &FragmentHashes::default(),
            &TransferOptions::default(),
            &|d, t| progress.report(Progress { stage: Stage::Uploading, done: d, total: t, current: Some(PublishStepKind::DirectCopy.as_str().into()) }),
            cancel,
        )
        .await;
        let result = match copied {
            Ok(_) => {
                steps.done(PublishStepKind::DirectCopy, StepDetail::DirectCopied { server_id: id.clone(), bytes: total, target: spec.target.to_string(), download_dir: root.clone(), ms: started.elapsed().as_millis() as u64 });
                super::publish::check_served(c, local, &id, info_loc, pack_loc, steps, cancel).await
            }
            Err(e) => Err(ssh(e)),
        };
        match result {
            Ok((info_url, fragment_url)) => {
                tx.commit().await.map_err(|e| db_error("committing the package's rows", e))?;
                steps.start(Stage::Activating, PublishStepKind::Activate);
                steps.done(PublishStepKind::Activate, StepDetail::Activated { enable_id: enable_id.clone(), info_loc: info_loc.to_string(), pack_loc: pack_loc.to_string() });
                Ok((Direct { server_id: id, enable_id, download_dir: root.clone() }, info_url, fragment_url))
            }
            Err(e) => {
                let _ = tx.rollback().await;
                for d in [format!("{root}/{id}"), format!("{root}/.{id}.ocs-studio-partial")] {
                    if let Err(r) = transfer::remove_tree(&s, &d).await {
                        tracing::error!(dir = d, error = %r, "could not remove a failed direct publication");
                        return Err(OcsError::Console { page: "rollback".into(), message: format!("{e} — and removing {d} on the server failed ({r}): remove it by hand") });
                    }
                }
                Err(e)
            }
        }
    }
    .await;
    let _: Result<Option<i64>, _> = db.conn.exec_first("SELECT RELEASE_LOCK(?)", (LOCK,)).await;
    db.close().await;
    s.close().await;
    outcome
}
