//! Talking to a real OCS Inventory NG server the way a browser does: the console (ocsreports) has no write API,
//! so publishing, activation, deployment, statistics and deletion drive its pages and AJAX tables over HTTP(S).

mod codes;
mod console;
pub mod db;
mod deploy;
mod direct;
mod groups;
mod import;
mod publish;
mod servers;
mod session;
mod stats;
mod tls;

use std::path::PathBuf;

pub use codes::{explain, Explanation, Outcome};
pub use direct::ServerSsh;
pub use groups::{activate_on_group, assign_same_subnet, create_group, delete_group, server_groups, CreateGroupRequest, GroupActivation, GroupMember, ServerGroup, SubnetAssignReport, SubnetAssignRequest, SubnetAssignment, UnmatchedComputer};
pub use import::{import_package, text_from_agent_html, ImportOutput, ImportRequest};
pub use console::{BuildFlow, Console, ConsoleVersion, UploadLimit};
pub use deploy::{affect, deploy, deploy_matching, find_computers, DeployOutput, DeployRequest, ring_gate, ring_status, Computer, ComputerFilter, DeployDefaults, DeployReport, GateVerdict, RingGate, RingRule, DEFAULT_MIN_SUCCESS, FIRST_RING_TAG};
pub use publish::{default_description, default_options, package_os, prepare_source, publish, PublishSource, PublishOptions, PublishReport, PublishStep, PublishStepKind, StepDetail, DEFAULT_UPLOAD_LIMIT};
pub use servers::{forget_server, remember_server, saved_servers};
pub use session::{login, logout, LoginOutput, LoginRequest};
pub use stats::{activations, delete, package_list, stats, Activation, MachineState, PackageStats, ServerPackage, StateCount};
pub use tls::{CertInfo, TlsFailure};

/// Which server, as whom, trusting what. The password is never part of it (see `crate::credentials`).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ServerSpec {
    /// The console's address, e.g. `https://ocs.example.com/ocsreports/`.
    pub url: String,
    pub user: String,
    /// A PEM file with the CA(s) that signed the server's certificate (the `cacert.pem` deployed to agents).
    /// Without it the system's trust store is used.
    pub ca: Option<PathBuf>,
    /// Accept a plain `http://` address. Only for a test console on this machine (loopback): anywhere else the
    /// password would travel in clear, so it is refused whatever this says.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_http: bool,
    /// SSH access to the OCS server itself: direct publishing (no upload limit) and server groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh: Option<ServerSsh>,
}

/// What can go wrong between the studio and an OCS server. Each message says what happened, where, and how to fix it.
fn no_computers_message(filter: &ComputerFilter, all: bool) -> String {
    if all {
        "the server knows no computer yet: a computer appears once its OCS agent has sent an inventory to this server".into()
    } else {
        format!("no {} on the server: check the text (TAGs are set by the agents' --tag option), or deploy to all computers", filter.describe())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OcsError {
    #[error("{url} is not a valid console address ({reason}); give the console's URL, e.g. https://ocs.example.com/ocsreports/")]
    BadUrl { url: String, reason: String },
    #[error(
        "{url} is a plain http:// address: the console password would travel in clear. Use the console's https:// address \
         (e.g. {https}); for a test console on this machine only, allow plain HTTP explicitly"
    )]
    InsecureHttp { url: String, https: String },
    #[error("cannot reach {url}: {detail}. Check the address and port, that the server is up, and any proxy or firewall in between")]
    Unreachable { url: String, detail: String },
    #[error("{0}")]
    Tls(Box<tls::TlsFailure>),
    #[error("no OCS console answers at {url} ({detail}); give the console's address, usually https://<server>/ocsreports/")]
    NotAConsole { url: String, detail: String },
    #[error("the console at {url} refused user '{user}'{detail}. Check the user name and password, and log in again to keep the right one")]
    LoginRefused { url: String, user: String, detail: String },
    #[error("no password for '{user}' on {url}: log in once and keep the password (it goes to the system keyring), or set OCS_STUDIO_PASSWORD")]
    NoPassword { url: String, user: String },
    #[error("the system keyring failed ({0}); set OCS_STUDIO_PASSWORD for this run, or unlock/start the keyring service")]
    Keyring(String),
    #[error("user '{user}' may not {what} on this console: ask an OCS administrator for a profile with deployment rights")]
    Forbidden { user: String, what: String },
    #[error(
        "the archive is {size} but this console accepts uploads up to {limit}{assumed}: above that PHP drops the file \
         and the console stores an empty package (or answers \"CSRF ATTACK!!!\"). Fix one of: give the studio SSH access \
         to the OCS server (its SSH settings), and it publishes the package directly, with no size limit; or raise PHP's \
         upload_max_filesize and post_max_size for /ocsreports (Debian: /etc/apache2/conf-available/ocsinventory-reports.conf) \
         above {size}; or split the application into several smaller packages"
    )]
    UploadTooLarge { size: crate::ByteSize, limit: crate::ByteSize, assumed: &'static str },
    #[error(
        "this package's digest is {algo} in {encoding}, but the console computes MD5 in hexadecimal for every package \
         it builds: agents would be given another digest than the one built and verified here. Build it again with the \
         MD5 digest in hexadecimal (the default), or publish it directly over SSH, which keeps the package as built. \
         Nothing was sent"
    )]
    ConsoleDigest { algo: String, encoding: String },
    #[error("the console rejected the request to {page}: {message}")]
    Console { page: String, message: String },
    #[error("the console answered {page} with something unexpected ({detail}); it may be a version the studio does not know (seen: {version})")]
    Unexpected { page: String, detail: String, version: String },
    #[error("a package named '{name}' already exists on the server as {server_id} with different content; publish it as a replacement (the new one takes over the old one's computers, then the old one is removed), or change the version")]
    NameTaken { name: String, server_id: String },
    #[error("the server does not hold what was sent for package {server_id}: {detail}. The package was removed from the server again")]
    Mismatch { server_id: String, detail: String },
    #[error("package {server_id} on the server cannot be imported: {detail}. Nothing was written")]
    Unimportable { server_id: String, detail: String },
    #[error("the package files are not served at {url}: {detail}. Check the HTTPS/file server addresses (agents fetch https://<address>/<id>/info) and the web server's /download alias; nothing was activated")]
    NotServed { url: String, detail: String },
    #[error("package {0} does not exist on the server (or was deleted); look it up in the server's package list")]
    NoSuchPackage(String),
    #[error("package {0} is not activated yet: publish it with the studio (which activates it) or activate it in the console first")]
    NotActivated(String),
    #[error(
        "the console fails to list the activations of package {0} (HTTP 500). On ocsreports 2.11 this happens when the \
         package's priority is above this server's DOWNLOAD_PERIOD_LENGTH, and agents then never download it: ask the \
         OCS administrator for that setting (Configuration → Deployment, with the advanced settings shown; its stock \
         value is 10) and publish with a priority no higher than it, or have it raised"
    )]
    PriorityAbovePeriod(String),
    #[error(
        "the package name is empty, and {dir} has no name kept with it ({kept} is missing: it was not built by this \
         studio, or was moved without it): give the name the console will show, e.g. \"Firefox 128.0\", or the package's manifest"
    )]
    NoName { dir: PathBuf, kept: PathBuf },
    #[error("{}", no_computers_message(filter, *all))]
    NoComputers { filter: ComputerFilter, all: bool },
    #[error("not widening the rollout: {0}")]
    RingClosed(String),
    #[error("{0}")]
    Refused(String),
    #[error("cannot read the package: {0}")]
    Package(String),
    #[error("{0}")]
    Ssh(Box<crate::ssh::SshError>),
    #[error("the OCS database failed while {step}: {detail}")]
    Database { step: String, detail: String },
    #[error("cancelled")]
    Cancelled,
    /// Taking over an old package stopped after the new one was published and activated: the new one is kept (it
    /// may already hold some of the old one's computers), and publishing again finishes the take-over.
    #[error(
        "{source} — package {server_id} is published and activated, but package {old} is still on the server: publish \
         again, replacing, to finish moving its computers and delete it"
    )]
    Unfinished { server_id: String, old: String, source: Box<OcsError> },
    /// A failure inside a step of publishing or deploying, named for the admin; the code stays the cause's.
    #[error("{what} stopped while {doing}: {source}")]
    During { what: &'static str, doing: &'static str, source: Box<OcsError> },
}

impl OcsError {
    /// A stable code for scripts and for the UI's translated headlines.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            OcsError::BadUrl { .. } => crate::ErrorCode::BadUrl,
            OcsError::InsecureHttp { .. } => crate::ErrorCode::InsecureHttp,
            OcsError::Unreachable { .. } => crate::ErrorCode::Unreachable,
            OcsError::Tls(_) => crate::ErrorCode::Tls,
            OcsError::NotAConsole { .. } => crate::ErrorCode::NotAConsole,
            OcsError::LoginRefused { .. } => crate::ErrorCode::LoginRefused,
            OcsError::NoPassword { .. } => crate::ErrorCode::NoPassword,
            OcsError::Keyring(_) => crate::ErrorCode::Keyring,
            OcsError::Forbidden { .. } => crate::ErrorCode::Forbidden,
            OcsError::UploadTooLarge { .. } => crate::ErrorCode::UploadTooLarge,
            OcsError::ConsoleDigest { .. } => crate::ErrorCode::ConsoleDigest,
            OcsError::Console { .. } => crate::ErrorCode::ConsoleError,
            OcsError::Unexpected { .. } => crate::ErrorCode::ConsoleUnexpected,
            OcsError::NameTaken { .. } => crate::ErrorCode::NameTaken,
            OcsError::Mismatch { .. } => crate::ErrorCode::ServerMismatch,
            OcsError::Unimportable { .. } => crate::ErrorCode::Unimportable,
            OcsError::NotServed { .. } => crate::ErrorCode::NotServed,
            OcsError::NoSuchPackage(_) => crate::ErrorCode::NoSuchPackage,
            OcsError::NoComputers { .. } => crate::ErrorCode::NoComputers,
            OcsError::NoName { .. } => crate::ErrorCode::NoName,
            OcsError::NotActivated(_) => crate::ErrorCode::NotActivated,
            OcsError::PriorityAbovePeriod(_) => crate::ErrorCode::PriorityAbovePeriod,
            OcsError::RingClosed(_) => crate::ErrorCode::RingGate,
            OcsError::Refused(_) => crate::ErrorCode::Refused,
            OcsError::Package(_) => crate::ErrorCode::Package,
            OcsError::Ssh(e) => e.code(),
            OcsError::Database { .. } => crate::ErrorCode::Database,
            OcsError::Cancelled => crate::ErrorCode::Cancelled,
            OcsError::During { source, .. } | OcsError::Unfinished { source, .. } => source.code(),
        }
    }

    /// This failure, said to have happened in publishing's `step` (nothing changes for a cancellation or an
    /// error that already names its step).
    pub fn during(self, step: Option<publish::PublishStepKind>) -> OcsError {
        match step {
            Some(step) => self.while_doing("publishing", step.doing()),
            None => self,
        }
    }

    /// This failure, said to have stopped `what` ("deploying") while `doing` ("assigning the package").
    pub fn while_doing(self, what: &'static str, doing: &'static str) -> OcsError {
        match self {
            e @ (OcsError::Cancelled | OcsError::During { .. }) => e,
            e => OcsError::During { what, doing, source: Box::new(e) },
        }
    }

    /// The cause, without the step it happened in.
    pub fn cause(&self) -> &OcsError {
        match self {
            OcsError::During { source, .. } | OcsError::Unfinished { source, .. } => source.cause(),
            e => e,
        }
    }
}

/// Every reading the studio does of a console answer, on any text (the fuzzer's entry point; see fuzz/): the login
/// form, CSRF tokens, alerts, the upload limit, the statistics links, a new package's ID, a DataTables answer.
#[doc(hidden)]
pub fn fuzz_console_page(html: &str) {
    let p = console::Page { html: html.to_string() };
    let _ = (p.has_login_form(), p.is_csrf_attack(), p.csrf(None), p.csrf(Some("form_active")), p.js_alert(), p.has_function("tele_build"));
    let _ = (p.alerts("danger"), p.alerts("info"), p.input_value("timestamp"), p.submit_value("Valid_modif"));
    let _ = console::parse_php_size(html);
    let _ = console::cell_text(html);
    let _ = stats::stat_keys(html, "1796310864");
    let _ = publish::created_id(&p);
    let _ = codes::explain(html);
    if let Ok(serde_json::Value::Object(row)) = serde_json::from_str::<serde_json::Value>(html) {
        let _ = stats::field(&row, "FILEID");
    }
}

/// Unpacking a downloaded archive as an import does (the fuzzer's entry point).
#[doc(hidden)]
pub fn import_unpack_for_fuzzing(archive: &std::path::Path, dest: &std::path::Path) -> Result<usize, OcsError> {
    import::unpack("0", archive, dest, &crate::CancelToken::new())
}
