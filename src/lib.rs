//! OCS Package Studio core: turns an application folder into an OCS Inventory NG deployment package
//! (`info` + fragments, in the console's exact layout), verifies it like the agents do, and publishes, deploys and follows it on a real OCS server (`ocs`).
//! The desktop app and the `ocs-studio` CLI are two thin callers of this API; nothing here knows about either.

pub mod build;
pub mod credentials;
pub mod digest;
mod error_code;
pub mod footprint;
pub mod fragment;
pub mod fsx;
pub mod info;
pub mod manifest;
pub mod notify;
pub mod ocs;
pub mod package;
pub mod planner;
pub mod progress;
pub mod relay;
pub mod scan;
pub mod script;
pub mod ssh;
pub mod units;
pub mod verify;
mod xml;

pub use build::{build, BuildError, BuildOptions, BuildReport, Project};
pub use error_code::ErrorCode;
pub use manifest::{Action, Manifest, TargetOs};
pub use progress::{CancelToken, Progress, ProgressSink, Stage};
pub use units::ByteSize;
pub use verify::{verify, Problem, Severity, VerifyReport};

/// `OCS_STUDIO_TIMEOUT` (seconds, 1 to 3600): how long a server may stay silent in the middle of work before the
/// studio gives up on the connection (console requests; SSH keepalives and SFTP requests). Unset: each uses its
/// default (300 s for the console, about a minute for SSH).
pub fn network_timeout() -> Option<std::time::Duration> {
    std::env::var("OCS_STUDIO_TIMEOUT").ok().and_then(|v| v.trim().parse::<u64>().ok()).filter(|s| (1..=3600).contains(s)).map(std::time::Duration::from_secs)
}

/// Log targets of dependencies that write secrets at their verbose levels, silenced whatever level the admin
/// asks for: `cookie_store` prints every Set-Cookie (the console's session cookie) at DEBUG.
pub const NEVER_LOGGED: &[&str] = &["cookie_store"];

/// The studio's version, shown by the CLI and the app.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
