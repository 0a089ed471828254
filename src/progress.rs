//! Progress reporting and cancellation shared by every long operation (build, verify, publish).
//! The core only calls a sink; the CLI draws a progress bar from it, the app forwards it to a channel.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What a long job is doing right now.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Scanning,
    Compressing,
    Fragmenting,
    Verifying,
    /// Talking to the server: checks before and after an upload.
    Checking,
    Uploading,
    /// Fetching from a server (importing a package).
    Downloading,
    /// Waiting for a scheduled time (`done`/`total`: seconds waited of the wait; `current`: the time, HH:MM).
    Waiting,
    Activating,
    Done,
}

/// One progress report: `done` of `total` units (bytes unless told otherwise) in `stage`.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, serde::Serialize)]
pub struct Progress {
    pub stage: Stage,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub done: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub total: u64,
    /// The file being worked on, when there is one.
    pub current: Option<String>,
}

/// Where progress goes. Implemented for closures; `()` ignores everything.
pub trait ProgressSink: Send + Sync {
    fn report(&self, p: Progress);
}

impl ProgressSink for () {
    fn report(&self, _: Progress) {}
}

impl<F: Fn(Progress) + Send + Sync> ProgressSink for F {
    fn report(&self, p: Progress) {
        self(p)
    }
}

/// A cheap, clonable flag: set it from any thread and the job stops at its next check.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst)
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
