//! Deployment: find computers by TAG (contains ALPHA by default) or name, assign a package to them in one step,
//! and widen the rollout in rings only when the previous ring succeeded well enough.

use super::console::form_fields;
use super::stats::{check_id, field, snapshot, Activation, MachineState, PackageStats};
use super::{Console, OcsError};

/// A computer as the console lists it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Computer {
    pub id: String,
    pub name: String,
    pub tag: String,
    /// Last contact with the server.
    pub last_contact: String,
    pub os: String,
}

/// Which computers: TAG and name are "contains", case-insensitive (as the console's search); both must match.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ComputerFilter {
    pub tag: Option<String>,
    pub name: Option<String>,
}

impl ComputerFilter {
    pub fn matches(&self, c: &Computer) -> bool {
        let has = |hay: &str, needle: &Option<String>| needle.as_deref().is_none_or(|n| hay.to_lowercase().contains(&n.to_lowercase()));
        has(&c.tag, &self.tag) && has(&c.name, &self.name)
    }

    pub fn describe(&self) -> String {
        match (&self.tag, &self.name) {
            (None, None) => "all computers".into(),
            (Some(t), None) => format!("computers whose TAG contains '{t}'"),
            (None, Some(n)) => format!("computers whose name contains '{n}'"),
            (Some(t), Some(n)) => format!("computers whose TAG contains '{t}' and name contains '{n}'"),
        }
    }
}

/// Computers matching `filter`, by name.
pub async fn find_computers(c: &Console, filter: &ComputerFilter) -> Result<Vec<Computer>, OcsError> {
    let cols = ["ID", "TAG", "name", "lastcome", "osname"];
    let rows = c.datatable("function=visu_computers", "onglet=ACTIVE", &cols, "").await?;
    let mut out: Vec<Computer> = rows
        .iter()
        .map(|r| Computer { id: field(r, "ID"), name: field(r, "name"), tag: field(r, "TAG"), last_contact: field(r, "lastcome"), os: field(r, "osname") })
        .filter(|c| !c.id.is_empty() && filter.matches(c))
        .collect();
    out.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// The result of one assignment.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DeployReport {
    pub server_id: String,
    pub enable_id: String,
    /// Newly assigned.
    pub assigned: Vec<Computer>,
    /// Already had the package (left as they were, so a success is never reset).
    pub already: Vec<Computer>,
}

/// Assigns package `server_id` to `computers`, skipping those that already have it.
pub async fn affect(c: &Console, server_id: &str, computers: &[Computer]) -> Result<DeployReport, OcsError> {
    check_id(server_id)?;
    let (current, acts) = snapshot(c, server_id).await?;
    affect_with(c, server_id, &current, &acts, computers).await
}

/// `affect` with the package's statistics and activations already read.
async fn affect_with(c: &Console, server_id: &str, current: &PackageStats, acts: &[Activation], computers: &[Computer]) -> Result<DeployReport, OcsError> {
    let enable_id = acts.first().ok_or_else(|| OcsError::NotActivated(server_id.to_string()))?.enable_id.clone();
    let (already, todo): (Vec<Computer>, Vec<Computer>) = computers.iter().cloned().partition(|m| current.machines.iter().any(|s| s.id == m.id));
    // The ids travel in the URL, as the console's own links do: keep each request short.
    for chunk in todo.chunks(200) {
        let ids = chunk.iter().map(|m| m.id.as_str()).collect::<Vec<_>>().join(",");
        let q = format!("function=pack_search&idchecked={ids}&origine=mach");
        let page = c.get(&q).await?;
        let csrf = c.csrf_of(&page, Some("pack_affect"), &q)?;
        let fields = form_fields(csrf, &[("onglet", "MACH"), ("old_onglet", "MACH"), ("DWL_OPT", "NO"), ("MODIF", &enable_id)]);
        let answer = c.post(&q, &fields).await?;
        let said = answer.alerts("success").join(" ");
        let n: Option<usize> = said.split_whitespace().next().and_then(|w| w.parse().ok());
        if n != Some(chunk.len()) {
            let err = answer.alerts("danger").join(" ");
            return Err(OcsError::Console { page: "pack_search".into(), message: format!("expected {} assignments, the console says: {said} {err}", chunk.len()) });
        }
    }
    tracing::info!(server_id, assigned = todo.len(), already = already.len(), "package assigned");
    Ok(DeployReport { server_id: server_id.to_string(), enable_id, assigned: todo, already })
}

/// The procedure's first ring: test computers whose TAG contains ALPHA.
pub const FIRST_RING_TAG: &str = "ALPHA";
/// The share of a ring's finished computers that must have succeeded before the next ring, by default.
pub const DEFAULT_MIN_SUCCESS: f64 = 90.0;

/// What the Deploy screen and `deploy` start from.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DeployDefaults {
    pub filter: ComputerFilter,
    pub rule: RingRule,
}

impl Default for DeployDefaults {
    fn default() -> Self {
        DeployDefaults { filter: ComputerFilter { tag: Some(FIRST_RING_TAG.into()), name: None }, rule: RingRule { after: FIRST_RING_TAG.into(), min_success: DEFAULT_MIN_SUCCESS } }
    }
}

/// "Only after ring `after` succeeded on at least `min_success` % of its finished computers".
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RingRule {
    pub after: String,
    pub min_success: f64,
}

/// Where ring `rule.after` stands for package `server_id`, before widening the rollout.
pub async fn ring_status(c: &Console, server_id: &str, rule: &RingRule) -> Result<RingGate, OcsError> {
    check_id(server_id)?;
    Ok(ring_gate(&snapshot(c, server_id).await?.0, &rule.after, rule.min_success))
}

/// Assigns package `server_id` to `computers`; with a ring rule, only when the previous ring passes its gate.
/// The package's state is read once, for the gate and for the assignment.
pub async fn deploy(c: &Console, server_id: &str, computers: &[Computer], rule: Option<&RingRule>) -> Result<(DeployReport, Option<RingGate>), OcsError> {
    check_id(server_id)?;
    let mut read = None;
    let gate = match rule {
        Some(r) => {
            let (st, acts) = snapshot(c, server_id).await.map_err(|e| e.while_doing("deploying", "reading the previous ring's results"))?;
            let g = ring_gate(&st, &r.after, r.min_success);
            if !g.open {
                return Err(OcsError::RingClosed(g.reason()));
            }
            read = Some((st, acts));
            Some(g)
        }
        None => None,
    };
    if computers.is_empty() {
        return Err(OcsError::Refused("no computer chosen: search by TAG or name and select the computers to deploy to".into()));
    }
    let (st, acts) = match read {
        Some(v) => v,
        None => snapshot(c, server_id).await.map_err(|e| e.while_doing("deploying", "reading which computers already have the package"))?,
    };
    // Assigned one by one, skipping those that have it: after a failure, deploying again assigns the rest.
    let report = affect_with(c, server_id, &st, &acts, computers).await.map_err(|e| e.while_doing("deploying", "assigning the package to the computers (deploying again assigns those left)"))?;
    Ok((report, gate))
}

/// `deploy` from the command line: the computers a filter finds, optionally only looked at (`dry_run`).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DeployRequest {
    pub server_id: String,
    /// `tag: None, name: None` is every computer.
    pub filter: ComputerFilter,
    /// Widen the rollout only when this ring did well enough.
    pub rule: Option<RingRule>,
    /// Find the computers and read the gate, assign nothing.
    pub dry_run: bool,
}

/// What a deployment found and did.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeployOutput {
    pub computers: Vec<Computer>,
    /// `None` on a dry run.
    pub report: Option<DeployReport>,
    pub gate: Option<RingGate>,
}

/// Assigns package `req.server_id` to every computer `req.filter` finds (none found: `NoComputers`, which says why).
pub async fn deploy_matching(c: &Console, req: &DeployRequest) -> Result<DeployOutput, OcsError> {
    check_id(&req.server_id)?;
    let computers = find_computers(c, &req.filter).await.map_err(|e| e.while_doing("deploying", "finding the computers to deploy to"))?;
    if computers.is_empty() {
        let all = req.filter.tag.is_none() && req.filter.name.is_none();
        return Err(OcsError::NoComputers { filter: req.filter.clone(), all });
    }
    if req.dry_run {
        let gate = match &req.rule {
            Some(r) => Some(ring_status(c, &req.server_id, r).await?),
            None => None,
        };
        return Ok(DeployOutput { computers, report: None, gate });
    }
    let (report, gate) = deploy(c, &req.server_id, &computers, req.rule.as_ref()).await?;
    Ok(DeployOutput { computers, report: Some(report), gate })
}

/// Whether the previous ring did well enough to widen the rollout.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RingGate {
    /// The previous ring's TAG text.
    pub ring: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub machines: usize,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub finished: usize,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub succeeded: usize,
    /// Successes among finished computers, in percent.
    pub rate: Option<f64>,
    pub threshold: f64,
    pub open: bool,
    /// Why the gate is open or closed; the numbers are the fields above. The window words it in its language.
    pub verdict: GateVerdict,
}

/// Why a ring gate is open or closed.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GateVerdict {
    /// No computer of the previous ring has the package: deploy to that ring first.
    NotDeployed,
    /// None of the previous ring's computers has finished yet: wait for results.
    NoneFinished,
    /// The previous ring's success rate is below the threshold: fix the failures first.
    BelowThreshold,
    /// The previous ring did well enough.
    Passed,
}

impl RingGate {
    /// The verdict in English, with its numbers (the CLI's words, and the refusal's message).
    pub fn reason(&self) -> String {
        let (ring, n, ok, fin, t) = (&self.ring, self.machines, self.succeeded, self.finished, self.threshold);
        let r = self.rate.unwrap_or(0.0);
        match self.verdict {
            GateVerdict::NotDeployed => format!("no computer of ring '{ring}' has this package: deploy to that ring first"),
            GateVerdict::NoneFinished => format!("none of the {n} computers of ring '{ring}' has finished yet: wait for results"),
            GateVerdict::BelowThreshold => {
                format!("ring '{ring}' succeeded on {ok} of {fin} finished computers ({r:.0} %), below the {t:.0} % required: fix the failures first (see stats)")
            }
            GateVerdict::Passed => format!("ring '{ring}' succeeded on {ok} of {fin} finished computers ({r:.0} %, at least {t:.0} % required)"),
        }
    }
}

/// Judges ring `ring` (computers whose TAG contains it) of a package's statistics against `threshold` percent.
pub fn ring_gate(st: &PackageStats, ring: &str, threshold: f64) -> RingGate {
    let members: Vec<&MachineState> = st.machines.iter().filter(|m| m.tag.to_lowercase().contains(&ring.to_lowercase())).collect();
    let rate = PackageStats::success_rate(&members);
    let finished = members.iter().filter(|m| super::explain(&m.state).outcome != super::Outcome::Pending).count();
    let succeeded = members.iter().filter(|m| super::explain(&m.state).outcome == super::Outcome::Success).count();
    let verdict = match rate {
        _ if members.is_empty() => GateVerdict::NotDeployed,
        None => GateVerdict::NoneFinished,
        Some(r) if r + 1e-9 < threshold => GateVerdict::BelowThreshold,
        Some(_) => GateVerdict::Passed,
    };
    RingGate { ring: ring.to_string(), machines: members.len(), finished, succeeded, rate, threshold, open: verdict == GateVerdict::Passed, verdict }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comp(name: &str, tag: &str) -> Computer {
        Computer { id: name.into(), name: name.into(), tag: tag.into(), last_contact: String::new(), os: String::new() }
    }

    #[test]
    fn filters_are_contains_and_case_insensitive() {
        let f = ComputerFilter { tag: Some("alpha".into()), name: None };
        assert!(f.matches(&comp("PC1", "COMPTA-ALPHA")));
        assert!(!f.matches(&comp("PC2", "BETA")));
        let f = ComputerFilter { tag: Some("ALPHA".into()), name: Some("pc1".into()) };
        assert!(f.matches(&comp("PC1", "ALPHA")) && !f.matches(&comp("PC2", "ALPHA")));
        assert!(ComputerFilter::default().matches(&comp("x", "")));
    }

    #[test]
    fn the_gate_needs_finished_successes() {
        let m = |id: &str, tag: &str, s: &str| MachineState { id: id.into(), name: id.into(), tag: tag.into(), state: s.into(), since: String::new() };
        let mut st = PackageStats { server_id: "1".into(), name: "x".into(), total: 0, counts: vec![], machines: vec![], succeeded: 0, failed: 0, pending: 0 };
        assert!(!ring_gate(&st, "ALPHA", 90.0).open);
        st.machines = vec![m("1", "ALPHA", "NOTIFIED")];
        let g = ring_gate(&st, "ALPHA", 90.0);
        assert!(!g.open && g.verdict == GateVerdict::NoneFinished && g.reason().contains("finished"));
        st.machines = vec![m("1", "ALPHA", "SUCCESS"), m("2", "ALPHA", "ERR_EXECUTE"), m("3", "BETA", "ERR_EXECUTE")];
        let g = ring_gate(&st, "alpha", 50.0);
        assert!(g.open && g.rate == Some(50.0) && g.machines == 2, "{g:?}");
        let g = ring_gate(&st, "ALPHA", 90.0);
        assert!(!g.open && g.verdict == GateVerdict::BelowThreshold && g.reason().contains("1 of 2"), "{}", g.reason());
    }
}
