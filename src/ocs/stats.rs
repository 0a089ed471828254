//! What the server holds: its packages, their activations, the state of each assigned computer, and deletion.
//! Everything is read through the console's own lists, so it needs no database access.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::codes::{explain, Explanation, Outcome};
use super::console::{cell_text, form_fields};
use super::{Console, OcsError};

/// A package as the console lists it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ServerPackage {
    /// The FILEID (the package's id on the server).
    pub server_id: String,
    pub name: String,
    pub created: String,
    pub priority: String,
    pub fragments: String,
    pub os: String,
    pub comment: String,
}

/// One activation (`download_enable` row): where agents fetch the package.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Activation {
    /// The activation id, which assignments refer to.
    pub enable_id: String,
    pub info_loc: String,
    pub pack_loc: String,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MachineState {
    pub id: String,
    pub name: String,
    pub tag: String,
    /// `WAITING` when the computer has not been told yet; else the console's value (NOTIFIED, SUCCESS, ERR_…).
    pub state: String,
    /// When the server recorded the state (the console's text), empty while waiting.
    pub since: String,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StateCount {
    pub state: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub count: usize,
    pub explanation: Explanation,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PackageStats {
    pub server_id: String,
    pub name: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub total: usize,
    /// By state, most frequent first.
    pub counts: Vec<StateCount>,
    pub machines: Vec<MachineState>,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub succeeded: usize,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub failed: usize,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub pending: usize,
}

impl PackageStats {
    /// Successes among the computers of `machines` that finished, in percent; `None` when none finished.
    pub fn success_rate(machines: &[&MachineState]) -> Option<f64> {
        let (mut ok, mut done) = (0usize, 0usize);
        for m in machines {
            match explain(&m.state).outcome {
                Outcome::Success => {
                    ok += 1;
                    done += 1
                }
                Outcome::Failure => done += 1,
                Outcome::Pending => {}
            }
        }
        (done > 0).then(|| ok as f64 * 100.0 / done as f64)
    }
}

pub(crate) fn field(row: &Map<String, Value>, key: &str) -> String {
    match row.get(key) {
        Some(Value::String(s)) => cell_text(s),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// The packages the console lists (not deleted), newest first; `search` filters on id or name like the console's box.
pub async fn package_list(c: &Console, search: &str) -> Result<Vec<ServerPackage>, OcsError> {
    let cols = ["FILEID", "CREADATE", "NAME", "PRIORITY", "FRAGMENTS", "OSNAME", "COMMENT"];
    let rows = c.datatable("function=tele_activate", "onglet=AVAILABLE_PACKET&old_onglet=AVAILABLE_PACKET&SHOW_SELECT=download", &cols, search).await?;
    Ok(rows
        .iter()
        .map(|r| ServerPackage {
            server_id: field(r, "FILEID"),
            name: field(r, "NAME"),
            created: field(r, "CREADATE"),
            priority: field(r, "PRIORITY"),
            fragments: field(r, "FRAGMENTS"),
            os: field(r, "OSNAME"),
            comment: field(r, "COMMENT"),
        })
        .filter(|p| !p.server_id.is_empty())
        .collect())
}

/// The package `server_id`, or `NoSuchPackage`.
pub(crate) async fn find_package(c: &Console, server_id: &str) -> Result<ServerPackage, OcsError> {
    check_id(server_id)?;
    package_list(c, "").await?.into_iter().find(|p| p.server_id == server_id).ok_or_else(|| OcsError::NoSuchPackage(server_id.to_string()))
}

pub(crate) fn check_id(server_id: &str) -> Result<(), OcsError> {
    if server_id.is_empty() || !server_id.chars().all(|c| c.is_ascii_digit()) {
        return Err(OcsError::Refused(format!("'{server_id}' is not a package id: give the digits the console shows as the package's id (Timestamp), e.g. 1796008323")));
    }
    Ok(())
}

/// The activations of a package.
pub async fn activations(c: &Console, server_id: &str) -> Result<Vec<Activation>, OcsError> {
    check_id(server_id)?;
    let rows = match c.datatable(&format!("function=tele_actives&head=1&timestamp={server_id}"), "", &["ID", "FILEID", "INFO_LOC", "PACK_LOC"], "").await {
        // The page divides by floor(DOWNLOAD_PERIOD_LENGTH / priority) to estimate a delivery time.
        Err(OcsError::Unexpected { detail, .. }) if detail.contains("HTTP 500") => return Err(OcsError::PriorityAbovePeriod(server_id.to_string())),
        r => r?,
    };
    Ok(rows
        .iter()
        .filter(|r| field(r, "FILEID") == server_id)
        .map(|r| Activation { enable_id: field(r, "ID"), info_loc: field(r, "INFO_LOC"), pack_loc: field(r, "PACK_LOC") })
        .collect())
}

/// The state keys the console's statistics page links to (SUCCESS, ERRORS, WAITING, NOTIFIED, SUCCESS_0…).
pub(crate) fn stat_keys(html: &str, server_id: &str) -> Vec<String> {
    let needle = format!("id_pack={server_id}&stat=");
    let mut keys = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let end = rest.find(['\'', '"', '&']).unwrap_or(rest.len());
        let key = percent_decode(&rest[..end]);
        if !key.is_empty() && !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("k={s}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}

/// Per-state counts and the computers in each state, with explanations.
pub async fn stats(c: &Console, server_id: &str) -> Result<PackageStats, OcsError> {
    Ok(snapshot(c, server_id).await?.0)
}

/// The statistics of a package together with its activations (read once for both by deployment).
pub(crate) async fn snapshot(c: &Console, server_id: &str) -> Result<(PackageStats, Vec<Activation>), OcsError> {
    let pkg = find_package(c, server_id).await?;
    let acts = activations(c, server_id).await?;
    let enable_ids: Vec<&String> = acts.iter().map(|a| &a.enable_id).collect();
    let page = c.get(&format!("function=tele_stat&head=1&stat={server_id}")).await?;
    let mut machines: BTreeMap<String, MachineState> = BTreeMap::new();
    for key in stat_keys(&page.html, server_id) {
        let q = format!("function=visu_search&prov=stat&id_pack={server_id}&stat={}", url::form_urlencoded::byte_serialize(key.as_bytes()).collect::<String>());
        let cols = ["hardwareNAME", "hardwareID", "devicesTVALUE", "devicesCOMMENTS", "devicesIVALUE", "accountinfoTAG"];
        for r in c.datatable(&q, "onglet=COMPUTERS", &cols, "").await? {
            // The console's "errors" search is not limited to this package: keep only its own assignments.
            if !enable_ids.contains(&&field(&r, "devicesIVALUE")) {
                continue;
            }
            let state = field(&r, "devicesTVALUE");
            let m = MachineState {
                id: field(&r, "hardwareID"),
                name: field(&r, "hardwareNAME"),
                tag: field(&r, "accountinfoTAG"),
                state: if state.is_empty() { "WAITING".into() } else { state.to_ascii_uppercase() },
                since: field(&r, "devicesCOMMENTS"),
            };
            machines.insert(m.id.clone(), m);
        }
    }
    let machines: Vec<MachineState> = machines.into_values().collect();
    let mut by_state: BTreeMap<String, usize> = BTreeMap::new();
    for m in &machines {
        *by_state.entry(m.state.clone()).or_default() += 1;
    }
    let mut counts: Vec<StateCount> = by_state.into_iter().map(|(state, count)| StateCount { explanation: explain(&state), state, count }).collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.state.cmp(&b.state)));
    let tally = |o: Outcome| counts.iter().filter(|s| s.explanation.outcome == o).map(|s| s.count).sum();
    let st = PackageStats {
        server_id: server_id.to_string(),
        name: pkg.name,
        total: machines.len(),
        succeeded: tally(Outcome::Success),
        failed: tally(Outcome::Failure),
        pending: tally(Outcome::Pending),
        counts,
        machines,
    };
    Ok((st, acts))
}

/// Deletes a package the way the console does: its assignments, its activations, its files, its entry.
/// Checks afterwards that the console no longer lists it.
pub async fn delete(c: &Console, server_id: &str) -> Result<ServerPackage, OcsError> {
    let pkg = find_package(c, server_id).await?;
    unassign_all(c, server_id).await?;
    let q = "function=tele_activate";
    let page = c.get(q).await?;
    let csrf = c.csrf_of(&page, Some("packlist"), q)?;
    let fields = form_fields(csrf, &[("onglet", "AVAILABLE_PACKET"), ("old_onglet", "AVAILABLE_PACKET"), ("SHOW_SELECT", "download"), ("SUP_PROF", server_id)]);
    let answer = c.post(q, &fields).await?;
    if package_list(c, "").await?.iter().any(|p| p.server_id == server_id) {
        let said = answer.alerts("danger").join(" ");
        return Err(OcsError::Console { page: q.into(), message: format!("package {server_id} is still listed after deletion {said}") });
    }
    tracing::info!(server_id, name = %pkg.name, "package deleted from the server");
    Ok(pkg)
}

/// Removes every assignment of the package (all computers, whatever their state), through the statistics page's
/// own actions: "delete the rows with a state" then "delete the waiting rows". The console's package deletion
/// alone leaves them behind (2.11's `del_pack` calls `desactive_packet` without computers, which deletes nothing),
/// and the communication server would keep handing the dead activation to those computers.
pub(crate) async fn unassign_all(c: &Console, server_id: &str) -> Result<(), OcsError> {
    // A package whose activations the console cannot list (priority above the period length) has never been
    // assigned through the studio; its statistics page still takes the actions, so they run anyway.
    let before = match snapshot(c, server_id).await {
        Ok((st, acts)) if acts.is_empty() || st.machines.is_empty() => return Ok(()),
        Ok((st, _)) => Some(st),
        Err(OcsError::PriorityAbovePeriod(_)) => None,
        Err(e) => return Err(e),
    };
    let q = format!("function=tele_stat&head=1&stat={server_id}");
    let mut page = c.get(&q).await?;
    for action in ["DEL_ALL", "DEL_NOT"] {
        let csrf = c.csrf_of(&page, Some("show_stats"), &q)?;
        page = c.post(&q, &form_fields(csrf, &[("ACTION", action)])).await?;
    }
    let Some(before) = before else { return Ok(()) };
    let (after, _) = snapshot(c, server_id).await?;
    if !after.machines.is_empty() {
        let left: Vec<String> = after.machines.iter().map(|m| format!("{} ({})", m.name, m.state)).collect();
        return Err(OcsError::Console {
            page: "tele_stat".into(),
            message: format!("{} computer(s) are still assigned to package {server_id} after unassigning them all: {}", left.len(), left.join(", ")),
        });
    }
    tracing::info!(server_id, computers = before.machines.len(), "assignments removed");
    Ok(())
}

/// The name as the console listed it against the name the studio gave: 2.11 stores `&`, `<`, `>` and quotes
/// HTML-escaped (`&amp;`), 2.12 decoded, and the list shows either once more escaped.
pub(crate) fn same_name(listed: &str, ours: &str) -> bool {
    let listed = listed.trim();
    let ours = ours.trim();
    listed == ours || (listed.contains('&') && cell_text(listed) == ours)
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_compare_as_each_console_version_stores_them() {
        assert!(super::same_name("Compta & RH 2.1", "Compta & RH 2.1"), "2.12: stored decoded");
        assert!(super::same_name("Compta &amp; RH &lt;x&gt; &quot;q&quot; 2.1", "Compta & RH <x> \"q\" 2.1"), "2.11: stored escaped");
        assert!(!super::same_name("Compta &amp; RH 2.1", "Compta & RH 2.2"));
        assert!(!super::same_name("Compta", "Compta & RH"));
    }

    use super::*;

    #[test]
    fn state_keys_come_from_the_statistics_links() {
        let html = "<a href='index.php?function=visu_search&prov=stat&id_pack=17&stat=SUCCESS'>1</a>\
                    <a href='index.php?function=visu_search&prov=stat&id_pack=17&stat=ERRORS'>2</a>\
                    <a href=\"index.php?function=stat_speed&head=1&ta=SUCCESS&stat=17\">";
        assert_eq!(stat_keys(html, "17"), vec!["SUCCESS".to_string(), "ERRORS".to_string()]);
    }

    #[test]
    fn success_rate_ignores_unfinished_computers() {
        let m = |s: &str| MachineState { id: s.into(), name: s.into(), tag: "ALPHA".into(), state: s.into(), since: String::new() };
        let all = [m("SUCCESS"), m("ERR_EXECUTE"), m("NOTIFIED"), m("SUCCESS_0"), m("WAITING")];
        let refs: Vec<&MachineState> = all.iter().collect();
        assert_eq!(PackageStats::success_rate(&refs), Some(200.0 / 3.0));
        assert_eq!(PackageStats::success_rate(&refs[2..3]), None);
    }
}
