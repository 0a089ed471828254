//! Server groups: groups of redistribution servers, as the communication server still serves them although the
//! console removed their pages (ocsreports 2.9). Written in the database reached over SSH, in the console's own
//! form: a group is a `hardware` row with DEVICEID `_DOWNLOADGROUP_`; its members are computers known to OCS (the
//! redistribution servers' own inventories) in `download_servers`; activating a package on a group writes one
//! `download_enable` row per member, with the member's address as the fragment location; assigning with the
//! "same subnet" rule gives each computer the activation of the member in its subnet (the console's
//! `insert_with_rules_opt`, IPSUBNET = IPSUBNET). Computers that match no member are reported by name. Unlike the
//! console, link-local and loopback subnets are not taken as sites: every IPv6 interface has `fe80::`, which would
//! send every computer to the first server.

use mysql_async::prelude::Queryable;

use super::db::{db_error, html_escape, ssh, Db};
use super::deploy::ComputerFilter;
use super::{OcsError, ServerSsh};
use crate::relay::Relay;
use crate::ssh::SshSession;

/// A member of a server group: a computer known to OCS, and where agents fetch packages from it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GroupMember {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub hardware_id: u64,
    /// The computer's name in OCS.
    pub computer: String,
    pub ip: String,
    /// The fragment location agents get (host/path; `$IP$` and `$NAME$` are replaced by the server).
    pub url: String,
    /// The folder packages go to on it.
    pub folder: String,
    pub subnets: Vec<String>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ServerGroup {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub id: u64,
    pub name: String,
    pub description: String,
    pub members: Vec<GroupMember>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CreateGroupRequest {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The redistribution servers (each must be a computer OCS knows: matched by name, else by address).
    pub relays: Vec<Relay>,
}

/// One activation row written for a group member.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GroupActivation {
    pub enable_id: String,
    pub computer: String,
    pub pack_loc: String,
    /// False when the package was already activated on that member (kept as it was).
    pub added: bool,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SubnetAssignRequest {
    pub server_id: String,
    pub group: String,
    pub filter: ComputerFilter,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SubnetAssignment {
    pub computer: String,
    pub tag: String,
    pub subnet: String,
    /// The group member it will download from.
    pub server: String,
}

/// A computer of the selection that no group member serves: named, with its subnets, so the admin can act.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnmatchedComputer {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub id: u64,
    pub name: String,
    pub tag: String,
    pub subnets: Vec<String>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SubnetAssignReport {
    pub assigned: Vec<SubnetAssignment>,
    /// Computers that already had this package (any member): left as they were.
    pub already: Vec<String>,
    pub unmatched: Vec<UnmatchedComputer>,
}

async fn open(spec: &ServerSsh) -> Result<(SshSession, Db), OcsError> {
    let s = SshSession::connect(&spec.target).await.map_err(ssh)?;
    let db = Db::open(&s, spec.db_config.as_deref()).await?;
    Ok((s, db))
}

async fn close(s: SshSession, db: Db) {
    db.close().await;
    s.close().await;
}

async fn members(db: &mut Db, group: u64) -> Result<Vec<GroupMember>, OcsError> {
    let rows: Vec<(u64, String, Option<String>, Option<String>, Option<String>)> = db
        .conn
        .exec(
            "SELECT h.ID, h.NAME, h.IPADDR, s.URL, s.ADD_REP FROM download_servers s JOIN hardware h ON h.ID = s.HARDWARE_ID WHERE s.GROUP_ID = ? ORDER BY h.NAME",
            (group,),
        )
        .await
        .map_err(|e| db_error("reading a group's servers", e))?;
    let mut out = Vec::new();
    for (id, computer, ip, url, folder) in rows {
        let subnets = subnets_of(db, id).await?;
        out.push(GroupMember { hardware_id: id, computer, ip: ip.unwrap_or_default(), url: url.unwrap_or_default(), folder: folder.unwrap_or_default(), subnets });
    }
    Ok(out)
}

/// A subnet that says where a computer is: not link-local (every IPv6 interface has fe80::), loopback or unset.
pub fn is_site_subnet(s: &str) -> bool {
    let l = s.trim().to_ascii_lowercase();
    !(l.is_empty() || l.starts_with("fe80:") || l.starts_with("127.") || l.starts_with("169.254.") || l == "0.0.0.0" || l == "::" || l == "::1")
}

const SUBNETS: &str = "SELECT DISTINCT IPSUBNET FROM networks WHERE HARDWARE_ID = ? AND IPSUBNET IS NOT NULL AND IPSUBNET <> '' ORDER BY IPSUBNET";

async fn subnets_of(db: &mut Db, id: u64) -> Result<Vec<String>, OcsError> {
    let s: Vec<String> = db.conn.exec(SUBNETS, (id,)).await.map_err(|e| db_error("reading subnets", e))?;
    Ok(s.into_iter().filter(|x| is_site_subnet(x)).collect())
}

/// The server groups, with their members.
pub async fn server_groups(spec: &ServerSsh) -> Result<Vec<ServerGroup>, OcsError> {
    let (s, mut db) = open(spec).await?;
    let r = async {
        let rows: Vec<(u64, String, Option<String>)> = db
            .conn
            .query("SELECT ID, NAME, DESCRIPTION FROM hardware WHERE DEVICEID = '_DOWNLOADGROUP_' ORDER BY NAME")
            .await
            .map_err(|e| db_error("listing server groups", e))?;
        let mut out = Vec::new();
        for (id, name, description) in rows {
            let members = members(&mut db, id).await?;
            out.push(ServerGroup { id, name: super::text_from_agent_html(&name), description: description.unwrap_or_default(), members });
        }
        Ok(out)
    }
    .await;
    close(s, db).await;
    r
}

async fn group_id(db: &mut Db, name: &str) -> Result<u64, OcsError> {
    let id: Option<u64> = db
        .conn
        .exec_first("SELECT ID FROM hardware WHERE DEVICEID = '_DOWNLOADGROUP_' AND (NAME = ? OR NAME = ?)", (name, html_escape(name)))
        .await
        .map_err(|e| db_error("finding the server group", e))?;
    id.ok_or_else(|| OcsError::Refused(format!("no server group is named '{name}' on this server: create it first (with its redistribution servers)")))
}

/// The OCS computer that is redistribution server `r`: by name (its host's first label or the relay's name),
/// else by address.
async fn computer_of(db: &mut Db, r: &Relay) -> Result<(u64, String), OcsError> {
    let short = r.ssh.host.split('.').next().unwrap_or(&r.ssh.host).to_string();
    let rows: Vec<(u64, String)> = db
        .conn
        .exec(
            "SELECT DISTINCT h.ID, h.NAME FROM hardware h LEFT JOIN networks n ON n.HARDWARE_ID = h.ID \
             WHERE h.DEVICEID NOT IN ('_SYSTEMGROUP_', '_DOWNLOADGROUP_') \
             AND (LOWER(h.NAME) IN (LOWER(?), LOWER(?), LOWER(?)) OR h.IPADDR = ? OR n.IPADDRESS = ?) ORDER BY h.LASTDATE DESC",
            (&r.name, &short, &r.ssh.host, &r.ssh.host, &r.ssh.host),
        )
        .await
        .map_err(|e| db_error("finding the redistribution server's computer", e))?;
    match rows.as_slice() {
        [] => Err(OcsError::Refused(format!(
            "the redistribution server '{}' ({}) is not a computer OCS knows: a server group's members are inventoried computers — install the OCS agent on it and let it send an inventory, or name the relay as OCS names that computer",
            r.name, r.ssh.host
        ))),
        [one] => Ok(one.clone()),
        many => Err(OcsError::Refused(format!(
            "the redistribution server '{}' matches {} computers in OCS ({}): rename the relay as exactly one of them",
            r.name,
            many.len(),
            many.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// Creates a server group of `req.relays`, in one transaction.
pub async fn create_group(spec: &ServerSsh, req: &CreateGroupRequest) -> Result<ServerGroup, OcsError> {
    let name = req.name.trim();
    if name.is_empty() {
        return Err(OcsError::Refused("the group has no name: give it one, e.g. the site or region it serves".into()));
    }
    if req.relays.is_empty() {
        return Err(OcsError::Refused("a server group needs at least one redistribution server".into()));
    }
    let (s, mut db) = open(spec).await?;
    let r = async {
        let taken: Option<u64> = db.conn.exec_first("SELECT ID FROM hardware WHERE NAME = ? OR NAME = ?", (name, html_escape(name))).await.map_err(|e| db_error("checking the group name", e))?;
        if taken.is_some() {
            return Err(OcsError::Refused(format!("the name '{name}' is already used by a computer or group in OCS: choose another")));
        }
        let mut found = Vec::new();
        for r in &req.relays {
            found.push((computer_of(&mut db, r).await?, r));
        }
        let mut tx = db.conn.start_transaction(mysql_async::TxOpts::default()).await.map_err(|e| db_error("starting a transaction", e))?;
        tx.exec_drop("INSERT INTO hardware (DEVICEID, NAME, DESCRIPTION, LASTDATE) VALUES ('_DOWNLOADGROUP_', ?, ?, NOW())", (html_escape(name), html_escape(&req.description)))
            .await
            .map_err(|e| db_error("creating the group", e))?;
        let gid = tx.last_insert_id().ok_or_else(|| db_error("creating the group", "no ID returned"))?;
        for ((hid, _), r) in &found {
            tx.exec_drop("INSERT INTO download_servers (HARDWARE_ID, URL, ADD_PORT, ADD_REP, GROUP_ID) VALUES (?, ?, 80, ?, ?)", (hid, &r.url, &r.download_dir, gid))
                .await
                .map_err(|e| db_error(&format!("adding {} to the group (a computer can belong to one server group only)", r.name), e))?;
        }
        tx.commit().await.map_err(|e| db_error("committing the group", e))?;
        let members = members(&mut db, gid).await?;
        Ok(ServerGroup { id: gid, name: name.to_string(), description: req.description.clone(), members })
    }
    .await;
    close(s, db).await;
    r
}

/// Deletes a server group that no deployment uses (its activations go with it).
pub async fn delete_group(spec: &ServerSsh, name: &str) -> Result<(), OcsError> {
    let (s, mut db) = open(spec).await?;
    let r = async {
        let gid = group_id(&mut db, name).await?;
        let used: Option<String> = db
            .conn
            .exec_first("SELECT e.FILEID FROM download_enable e JOIN devices d ON d.IVALUE = e.ID AND d.NAME = 'DOWNLOAD' WHERE e.GROUP_ID = ? LIMIT 1", (gid,))
            .await
            .map_err(|e| db_error("checking the group's deployments", e))?;
        if let Some(f) = used {
            return Err(OcsError::Refused(format!("package {f} is deployed through the group '{name}': delete that package (or its assignments) first")));
        }
        let mut tx = db.conn.start_transaction(mysql_async::TxOpts::default()).await.map_err(|e| db_error("starting a transaction", e))?;
        for q in ["DELETE FROM download_enable WHERE GROUP_ID = ?", "DELETE FROM download_servers WHERE GROUP_ID = ?", "DELETE FROM hardware WHERE ID = ? AND DEVICEID = '_DOWNLOADGROUP_'"] {
            tx.exec_drop(q, (gid,)).await.map_err(|e| db_error("deleting the group", e))?;
        }
        tx.commit().await.map_err(|e| db_error("committing", e))
    }
    .await;
    close(s, db).await;
    r
}

/// Activates package `server_id` on every member of `group` (one `download_enable` row each; members that
/// already have it are kept), `info_location` being where agents fetch `info` (host/path; default: the console's
/// DOWNLOAD_URI_INFO setting).
pub async fn activate_on_group(spec: &ServerSsh, server_id: &str, group: &str, info_location: Option<&str>) -> Result<Vec<GroupActivation>, OcsError> {
    let (s, mut db) = open(spec).await?;
    let r = async {
        let info_loc = match info_location {
            Some(l) => l.to_string(),
            None => {
                let v: Option<Option<String>> = db.conn.query_first("SELECT TVALUE FROM config WHERE NAME = 'DOWNLOAD_URI_INFO'").await.map_err(|e| db_error("reading DOWNLOAD_URI_INFO", e))?;
                v.flatten().filter(|v| !v.trim().is_empty()).ok_or_else(|| {
                    OcsError::Refused("the console has no default HTTPS address for packages (DOWNLOAD_URI_INFO): give the address agents fetch info from, e.g. ocs.example.com/download".into())
                })?
            }
        };
        let info_loc = info_loc.trim().trim_start_matches("https://").trim_end_matches('/').to_string();
        let gid = group_id(&mut db, group).await?;
        let exists: Option<String> = db.conn.exec_first("SELECT FILEID FROM download_available WHERE FILEID = ? AND DELETED = 0", (server_id,)).await.map_err(|e| db_error("finding the package", e))?;
        if exists.is_none() {
            return Err(OcsError::NoSuchPackage(server_id.to_string()));
        }
        let before: Vec<u64> = db.conn.exec("SELECT SERVER_ID FROM download_enable WHERE FILEID = ? AND SERVER_ID IS NOT NULL", (server_id,)).await.map_err(|e| db_error("reading activations", e))?;
        let mut tx = db.conn.start_transaction(mysql_async::TxOpts::default()).await.map_err(|e| db_error("starting a transaction", e))?;
        tx.exec_drop(
            "INSERT INTO download_enable (FILEID, INFO_LOC, PACK_LOC, CERT_PATH, CERT_FILE, SERVER_ID, GROUP_ID) \
             SELECT ?, ?, s.URL, 'INSTALL_PATH', 'INSTALL_PATH/cacert.pem', s.HARDWARE_ID, s.GROUP_ID FROM download_servers s \
             WHERE s.GROUP_ID = ? AND s.HARDWARE_ID NOT IN (SELECT SERVER_ID FROM download_enable WHERE FILEID = ? AND SERVER_ID IS NOT NULL)",
            (server_id, &info_loc, gid, server_id),
        )
        .await
        .map_err(|e| db_error("activating on the group", e))?;
        tx.commit().await.map_err(|e| db_error("committing the activation", e))?;
        let rows: Vec<(u64, u64, String, String)> = db
            .conn
            .exec("SELECT e.ID, e.SERVER_ID, h.NAME, e.PACK_LOC FROM download_enable e JOIN hardware h ON h.ID = e.SERVER_ID WHERE e.FILEID = ? AND e.GROUP_ID = ? ORDER BY h.NAME", (server_id, gid))
            .await
            .map_err(|e| db_error("reading activations", e))?;
        Ok(rows.into_iter().map(|(id, sid, computer, pack_loc)| GroupActivation { enable_id: id.to_string(), computer, pack_loc, added: !before.contains(&sid) }).collect())
    }
    .await;
    close(s, db).await;
    r
}

/// Assigns package `server_id`, activated on `group`, to the computers of `filter` with the "same subnet" rule.
pub async fn assign_same_subnet(spec: &ServerSsh, req: &SubnetAssignRequest) -> Result<SubnetAssignReport, OcsError> {
    let (s, mut db) = open(spec).await?;
    let r = async {
        let gid = group_id(&mut db, &req.group).await?;
        // The members' activations of this package, by subnet.
        let servers: Vec<(u64, u64, String)> = db
            .conn
            .exec("SELECT e.ID, e.SERVER_ID, h.NAME FROM download_enable e JOIN hardware h ON h.ID = e.SERVER_ID WHERE e.FILEID = ? AND e.GROUP_ID = ?", (&req.server_id, gid))
            .await
            .map_err(|e| db_error("reading the group's activations", e))?;
        if servers.is_empty() {
            return Err(OcsError::Refused(format!("package {} is not activated on the group '{}': activate it on the group first", req.server_id, req.group)));
        }
        let mut by_subnet: std::collections::BTreeMap<String, (u64, String)> = Default::default();
        for (enable, sid, name) in &servers {
            for sn in subnets_of(&mut db, *sid).await? {
                by_subnet.entry(sn).or_insert((*enable, name.clone()));
            }
        }
        let like = |v: &Option<String>| format!("%{}%", v.clone().unwrap_or_default().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let computers: Vec<(u64, String, Option<String>)> = db
            .conn
            .exec(
                "SELECT h.ID, h.NAME, a.TAG FROM hardware h LEFT JOIN accountinfo a ON a.HARDWARE_ID = h.ID \
                 WHERE h.DEVICEID NOT IN ('_SYSTEMGROUP_', '_DOWNLOADGROUP_') AND IFNULL(a.TAG, '') LIKE ? AND h.NAME LIKE ? ORDER BY h.NAME",
                (like(&req.filter.tag), like(&req.filter.name)),
            )
            .await
            .map_err(|e| db_error("finding the computers", e))?;
        if computers.is_empty() {
            return Err(OcsError::NoComputers { filter: req.filter.clone(), all: req.filter.tag.is_none() && req.filter.name.is_none() });
        }
        let enable_ids: Vec<String> = db.conn.exec("SELECT CAST(ID AS CHAR) FROM download_enable WHERE FILEID = ?", (&req.server_id,)).await.map_err(|e| db_error("reading activations", e))?;
        let mut report = SubnetAssignReport { assigned: Vec::new(), already: Vec::new(), unmatched: Vec::new() };
        let mut tx = db.conn.start_transaction(mysql_async::TxOpts::default()).await.map_err(|e| db_error("starting a transaction", e))?;
        for (id, name, tag) in computers {
            let has: Option<u64> = tx
                .exec_first(format!("SELECT HARDWARE_ID FROM devices WHERE NAME = 'DOWNLOAD' AND HARDWARE_ID = ? AND IVALUE IN ({})", if enable_ids.is_empty() { "NULL".into() } else { enable_ids.join(",") }), (id,))
                .await
                .map_err(|e| db_error("checking assignments", e))?;
            if has.is_some() {
                report.already.push(name);
                continue;
            }
            let subnets: Vec<String> = tx.exec(SUBNETS, (id,)).await.map_err(|e| db_error("reading subnets", e))?;
            let subnets: Vec<String> = subnets.into_iter().filter(|x| is_site_subnet(x)).collect();
            match subnets.iter().find_map(|sn| by_subnet.get(sn).map(|v| (sn.clone(), v.clone()))) {
                Some((subnet, (enable, server))) => {
                    tx.exec_drop("INSERT INTO devices (HARDWARE_ID, NAME, IVALUE) VALUES (?, 'DOWNLOAD', ?)", (id, enable)).await.map_err(|e| db_error("assigning", e))?;
                    report.assigned.push(SubnetAssignment { computer: name, tag: tag.unwrap_or_default(), subnet, server });
                }
                None => report.unmatched.push(UnmatchedComputer { id, name, tag: tag.unwrap_or_default(), subnets }),
            }
        }
        tx.commit().await.map_err(|e| db_error("committing the assignments", e))?;
        Ok(report)
    }
    .await;
    close(s, db).await;
    r
}
