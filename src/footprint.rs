//! Disk footprint on the PC, as the Windows agent really needs it: fragments, then the reassembled archive
//! (fragments deleted), then the unpacked files next to it, then the installation itself. Compared with the
//! agent's own rule (it refuses below 3 × the package size: ERR_OUT_OF_SPACE) and the seed's 5 × rule of thumb.

use crate::scan::installers::InstallerKind;
use crate::scan::Analysis;
use crate::units::ByteSize;

/// The Windows agent refuses to build a package unless this many times its size is free (`CPackage::build`).
pub const AGENT_FACTOR: u64 = 3;
/// The ops procedure's rule of thumb: 100 MB of package → at least 500 MB free.
pub const SEED_FACTOR: u64 = 5;
/// Installers whose payload is compressed (MSI cabinets, setup.exe) unpack to about this many times their size.
pub const INSTALLER_EXPANSION: f64 = 2.5;
/// Above this, the seed advises several smaller packages.
pub const LARGE_PACKAGE: u64 = 500 * 1024 * 1024;

#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Phase {
    pub name: PhaseName,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub bytes: u64,
}

/// The phases of a deployment on the PC, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PhaseName {
    /// The fragments are downloaded.
    Download,
    /// The archive is rebuilt from them (both present until it is checked).
    Reassemble,
    /// The archive is unpacked next to itself.
    Unpack,
    /// The installer runs.
    Install,
}

/// Advice on the package's size, with its figures; the window and the CLI word it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Advice {
    /// Above 500 MiB: split it into several smaller packages (the procedure's advice).
    SplitLargePackage {
        #[cfg_attr(feature = "specta", specta(type = u32))]
        archive_bytes: u64,
    },
    /// The agent checks for 3 × the package only, but the deployment needs more at its peak: a PC in between
    /// accepts the package and fails during installation.
    PeakAboveAgentCheck {
        #[cfg_attr(feature = "specta", specta(type = u32))]
        agent_bytes: u64,
        #[cfg_attr(feature = "specta", specta(type = u32))]
        peak_bytes: u64,
    },
}

impl Advice {
    /// The advice in English (the CLI's words).
    pub fn english(&self) -> String {
        match self {
            Advice::SplitLargePackage { archive_bytes } => format!(
                "The package is {}: split it into several smaller packages (one per application or update) so each PC needs less space and a failure costs less.",
                ByteSize(*archive_bytes)
            ),
            Advice::PeakAboveAgentCheck { agent_bytes, peak_bytes } => format!(
                "The agent only checks for {} (3 × the package) but the deployment peaks at {}: a PC between the two accepts the package and fails during installation.",
                ByteSize(*agent_bytes),
                ByteSize(*peak_bytes)
            ),
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LocalDisk {
    pub mount_point: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub available_bytes: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub total_bytes: u64,
    /// Whether a PC with this much free space would take the package.
    pub enough: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Footprint {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub archive_bytes: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub unzipped_bytes: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub install_estimate_bytes: u64,
    /// Space used on the PC at each phase (fragments, reassembled archive, unpacked files, installation).
    pub phases: Vec<Phase>,
    /// The most the PC holds at once during the deployment.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub peak_bytes: u64,
    /// Below this free space the Windows agent answers ERR_OUT_OF_SPACE (3 × the package).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub agent_required_free_bytes: u64,
    /// The seed's rule of thumb (5 × the package).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub seed_rule_bytes: u64,
    /// The agent's factor (3) and the procedure's (5), for the labels.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub agent_factor: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub seed_factor: u64,
    /// What to ask of the PCs: the peak or the seed's rule, whichever is larger.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub recommended_free_bytes: u64,
    pub local_disks: Vec<LocalDisk>,
    pub advice: Vec<Advice>,
}

impl Footprint {
    /// The verdict in English (the CLI's words; the window words the same figures).
    pub fn verdict(&self) -> String {
        format!(
            "Each PC needs {} free on the agent's drive (C:): the agent refuses below {}, the deployment peaks at {}.",
            ByteSize(self.recommended_free_bytes),
            ByteSize(self.agent_required_free_bytes),
            ByteSize(self.peak_bytes)
        )
    }
}

/// Estimates what installing the files takes: installers expand, other files are copied as they are.
pub fn install_estimate(a: &Analysis) -> u64 {
    let installer_bytes: u64 = a
        .installers
        .iter()
        .filter(|i| !matches!(i.kind, InstallerKind::Mst | InstallerKind::PlainExe))
        .map(|i| i.size)
        .sum();
    let other = a.total_bytes.saturating_sub(installer_bytes);
    (installer_bytes as f64 * INSTALLER_EXPANSION) as u64 + other
}

/// The footprint of a package whose archive is `archive_bytes` and whose files are analysed in `a`.
pub fn footprint(a: &Analysis, archive_bytes: u64, disks: Vec<LocalDisk>) -> Footprint {
    let s = archive_bytes;
    let u = a.total_bytes;
    let i = install_estimate(a);
    let phases = vec![
        Phase { name: PhaseName::Download, bytes: s },
        // build.zip is written from the fragments, which are deleted once it is verified.
        Phase { name: PhaseName::Reassemble, bytes: 2 * s },
        // build.zip stays until the action has run (its digest is checked again just before).
        Phase { name: PhaseName::Unpack, bytes: s + u },
        Phase { name: PhaseName::Install, bytes: s + u + i },
    ];
    let peak = phases.iter().map(|p| p.bytes).max().unwrap_or(0);
    let agent = AGENT_FACTOR * s;
    let seed = SEED_FACTOR * s;
    let recommended = peak.max(seed).max(agent);
    let disks: Vec<LocalDisk> = disks.into_iter().map(|d| LocalDisk { enough: d.available_bytes >= recommended, ..d }).collect();
    let mut advice = Vec::new();
    if s > LARGE_PACKAGE {
        advice.push(Advice::SplitLargePackage { archive_bytes: s });
    }
    // Only a real margin: a peak a few bytes over the agent's check is no advice worth reading.
    if peak > agent + agent / 20 {
        advice.push(Advice::PeakAboveAgentCheck { agent_bytes: agent, peak_bytes: peak });
    }
    Footprint {
        agent_factor: AGENT_FACTOR,
        seed_factor: SEED_FACTOR,
        archive_bytes: s,
        unzipped_bytes: u,
        install_estimate_bytes: i,
        phases,
        peak_bytes: peak,
        agent_required_free_bytes: agent,
        seed_rule_bytes: seed,
        recommended_free_bytes: recommended,
        local_disks: disks,
        advice,
    }
}

/// This computer's disks (for local trials), from sysinfo.
pub fn local_disks() -> Vec<LocalDisk> {
    let disks = sysinfo::Disks::new_with_refreshed_list();
    let mut out: Vec<LocalDisk> = disks
        .list()
        .iter()
        .map(|d| LocalDisk {
            mount_point: d.mount_point().to_string_lossy().into_owned(),
            available_bytes: d.available_space(),
            total_bytes: d.total_space(),
            enough: false,
        })
        .collect();
    out.sort_by(|a, b| a.mount_point.cmp(&b.mount_point));
    out.dedup_by(|a, b| a.mount_point == b.mount_point);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::CancelToken;

    #[test]
    fn seed_example_100_mb() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("install.bat"), "x").unwrap();
        let a = crate::scan::inspect(d.path(), &[], &CancelToken::new()).unwrap();
        let mb = 1024 * 1024;
        let mut a = a;
        a.total_bytes = 150 * mb; // the seed: 100 MB zip, about 150 MB unpacked
        let f = footprint(&a, 100 * mb, vec![LocalDisk { mount_point: "/".into(), available_bytes: 400 * mb, total_bytes: 1000 * mb, enough: false }]);
        assert_eq!(f.agent_required_free_bytes, 300 * mb);
        assert_eq!(f.seed_rule_bytes, 500 * mb);
        assert_eq!(f.peak_bytes, 100 * mb + 150 * mb + 150 * mb);
        assert_eq!(f.recommended_free_bytes, 500 * mb);
        assert!(!f.local_disks[0].enough);
        assert!(f.advice.iter().any(|a| matches!(a, Advice::PeakAboveAgentCheck { .. }) && a.english().contains("peaks at")), "{:?}", f.advice);
    }
}

/// What the Footprint & fragments screen (and `footprint` / `plan`) asks for a folder or manifest.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FootprintRequest {
    /// The application folder or its `package.toml`.
    pub source: std::path::PathBuf,
    /// Target agents (the archive format); default: the manifest's.
    pub os: Option<crate::TargetOs>,
    /// The package's priority, for the delivery times; default: the manifest's.
    pub priority: Option<u8>,
    /// The server's download cycle; default: a fresh Debian server's.
    pub cycle: Option<crate::planner::DownloadCycle>,
}

/// The footprint of a folder's package, and the delivery plan for every whole fragment size from 1 to 100 MiB.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SourceFootprint {
    pub footprint: Footprint,
    pub priority: u8,
    pub cycle: crate::planner::DownloadCycle,
    /// One plan per MiB, 1 to 100 (the slider's range); empty when the priority is never downloaded.
    pub plans: Vec<crate::planner::Plan>,
    /// Why there is no plan (a priority above the period length).
    pub plan_error: Option<crate::planner::PlanBlocked>,
}

/// The largest fragment size the screen offers, in MiB.
pub const MAX_FRAGMENT_MIB: u64 = 100;

/// Lists the package's files, measures its archive by compressing it without writing anything (progress and
/// cancel like a build), and computes the footprint and the delivery plans.
pub fn for_source(
    req: &FootprintRequest,
    progress: &dyn crate::ProgressSink,
    cancel: &crate::CancelToken,
) -> Result<SourceFootprint, crate::BuildError> {
    let l = crate::manifest::Located::resolve(&req.source, req.os.unwrap_or_default())?;
    let os = req.os.unwrap_or(l.manifest.package.os);
    let project = crate::Project { manifest: &l.manifest, base_dir: &l.base_dir, manifest_file: l.file.as_deref() };
    let listing = project.list(cancel)?.ok_or_else(|| crate::scan::ScanError::NothingToPackage(req.source.clone()))?;
    let analysis = crate::scan::analyze(&listing, cancel)?;
    let archive = crate::build::measure(&listing, os, None, progress, cancel)?;
    let priority = req.priority.unwrap_or(l.manifest.package.priority);
    let cycle = req.cycle.clone().unwrap_or_default();
    let plans: Result<Vec<_>, _> = (1..=MAX_FRAGMENT_MIB).map(|mib| crate::planner::plan(archive, mib * ByteSize::MIB, priority, &cycle)).collect();
    let (plans, plan_error) = match plans {
        Ok(p) => (p, None),
        Err(e) => (Vec::new(), Some((&e).into())),
    };
    Ok(SourceFootprint { footprint: footprint(&analysis, archive, local_disks()), priority, cycle, plans, plan_error })
}
