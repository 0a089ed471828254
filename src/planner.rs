//! Fragment planner: for a fragment size, how many fragments and how long one PC takes to get the package,
//! from the agents' download cycle (both agents follow it): periods of PERIOD_LENGTH cycles; in cycle i a package
//! of priority p is touched when i % p == 0 (priority 0: every cycle); a touch downloads one fragment, and one
//! more touch reassembles and runs it; FRAG_LATENCY after each fragment, CYCLE_LATENCY after each cycle,
//! PERIOD_LATENCY after each period.

use crate::fragment::{self, FragmentError};

/// The download settings of the server (Configuration → Deployment in the console). The defaults are what a fresh
/// Debian server uses: the console's `config` rows override Apache's OCS_OPT_DOWNLOAD_* values.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct DownloadCycle {
    pub period_length: u32,
    pub cycle_latency_s: u32,
    pub frag_latency_s: u32,
    pub period_latency_s: u32,
    /// What one PC gets from the server, in megabits per second.
    pub bandwidth_mbit_s: f64,
}

impl Default for DownloadCycle {
    fn default() -> Self {
        DownloadCycle { period_length: 10, cycle_latency_s: 10, frag_latency_s: 10, period_latency_s: 0, bandwidth_mbit_s: 10.0 }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Plan {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub fragment_size: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub fragments: usize,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub largest: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub smallest: u64,
    /// Seconds for one PC, from its first cycle to the execution.
    pub delivery_seconds: f64,
    /// Agent cycles (touches of this package) it takes.
    pub touches: u32,
    pub recommended: bool,
    pub notes: Vec<PlanNote>,
}

/// What the size means for the delivery, beyond the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PlanNote {
    /// Under 5 MiB and several fragments: more agent cycles, a later delivery.
    SmallFragments,
    /// Over 10 MiB: long downloads that restart from zero when a PC sleeps or loses the network.
    LargeFragments,
}

impl PlanNote {
    pub fn english(self) -> &'static str {
        match self {
            PlanNote::SmallFragments => "small fragments mean more agent cycles: the package arrives later",
            PlanNote::LargeFragments => "large fragments are long downloads that restart from zero when a PC goes to sleep or loses the network",
        }
    }
}

/// Why no delivery can be planned, as data for the window (the command line prints the error itself).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlanBlocked {
    /// The priority is above the server's period length: never downloaded.
    NeverDownloaded { priority: u8, period: u32 },
    /// The period length is 0.
    NoCycle,
    /// The sizes cannot be cut (in English).
    Fragments { message: String },
}

impl From<&PlanError> for PlanBlocked {
    fn from(e: &PlanError) -> Self {
        match e {
            PlanError::NeverDownloaded { priority, period } => PlanBlocked::NeverDownloaded { priority: *priority, period: *period },
            PlanError::NoCycle => PlanBlocked::NoCycle,
            PlanError::Fragment(f) => PlanBlocked::Fragments { message: f.to_string() },
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Fragment(#[from] FragmentError),
    #[error("priority {priority} is above the server's period length ({period}): the agents never download such a package; use a priority from 1 to {period}, or raise DOWNLOAD_PERIOD_LENGTH")]
    NeverDownloaded { priority: u8, period: u32 },
    #[error("the period length is 0: the server would give the agents no cycle to download in")]
    NoCycle,
}

/// Plans `archive_bytes` cut at `fragment_size` for a package of `priority` under `cycle`.
pub fn plan(archive_bytes: u64, fragment_size: u64, priority: u8, cycle: &DownloadCycle) -> Result<Plan, PlanError> {
    let sizes = fragment::plan(archive_bytes, fragment_size)?;
    if cycle.period_length == 0 {
        return Err(PlanError::NoCycle);
    }
    if priority as u32 > cycle.period_length {
        return Err(PlanError::NeverDownloaded { priority, period: cycle.period_length });
    }
    let bytes_per_s = (cycle.bandwidth_mbit_s.max(0.001) * 1_000_000.0) / 8.0;
    let needed = sizes.len() as u32 + 1;
    let (mut t, mut touches, mut i) = (0f64, 0u32, 0u64);
    let mut fragments = sizes.iter();
    while touches < needed {
        let cycle_no = i % cycle.period_length as u64 + 1;
        if priority == 0 || cycle_no.is_multiple_of(priority as u64) {
            touches += 1;
            if let Some(&s) = fragments.next() {
                t += s as f64 / bytes_per_s + cycle.frag_latency_s as f64;
            }
        }
        if touches < needed {
            t += cycle.cycle_latency_s as f64;
            if cycle_no == cycle.period_length as u64 {
                t += cycle.period_latency_s as f64;
            }
        }
        i += 1;
    }
    let mib = 1024 * 1024;
    let recommended = (5 * mib..=10 * mib).contains(&fragment_size);
    let mut notes = Vec::new();
    if fragment_size < 5 * mib && sizes.len() > 1 {
        notes.push(PlanNote::SmallFragments);
    }
    if fragment_size > 10 * mib {
        notes.push(PlanNote::LargeFragments);
    }
    Ok(Plan {
        fragment_size,
        fragments: sizes.len(),
        largest: *sizes.iter().max().unwrap(),
        smallest: *sizes.iter().min().unwrap(),
        delivery_seconds: t,
        touches: needed,
        recommended,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_fragment_priority_5_under_console_defaults() {
        // Observed on the real server: about 122 s from publication to result (agent start-up included).
        let p = plan(1 << 20, 5 << 20, 5, &DownloadCycle { bandwidth_mbit_s: 1000.0, ..Default::default() }).unwrap();
        assert_eq!(p.fragments, 1);
        assert_eq!(p.touches, 2);
        // Cycles 1–4 idle (40 s), cycle 5 fragment + latencies (20 s), 6–9 idle (40 s), cycle 10 runs it.
        assert!((p.delivery_seconds - 100.0).abs() < 1.0, "{}", p.delivery_seconds);
    }

    #[test]
    fn zero_latencies_and_priority_one_is_fast() {
        let c = DownloadCycle { period_length: 1, cycle_latency_s: 0, frag_latency_s: 0, period_latency_s: 0, bandwidth_mbit_s: 80.0 };
        let p = plan(100 << 20, 10 << 20, 1, &c).unwrap();
        assert_eq!(p.fragments, 10);
        assert!((p.delivery_seconds - (100.0 * 1048576.0 / 10_000_000.0)).abs() < 0.01, "{}", p.delivery_seconds);
        assert!(p.recommended);
    }

    #[test]
    fn smaller_fragments_take_longer_and_bad_settings_are_explained() {
        let c = DownloadCycle::default();
        let small = plan(50 << 20, 1 << 20, 5, &c).unwrap();
        let big = plan(50 << 20, 10 << 20, 5, &c).unwrap();
        assert!(small.delivery_seconds > big.delivery_seconds);
        assert!(!small.notes.is_empty());
        assert!(matches!(plan(1 << 20, 5 << 20, 9, &DownloadCycle { period_length: 5, ..c.clone() }), Err(PlanError::NeverDownloaded { .. })));
    }
}
