//! The stable codes of every error the studio reports: the CLI prints them (`--json`), the window keys its
//! French and English headlines by them (a missing translation fails the UI's type check).

macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident => $text:literal,)*) => {
        /// What went wrong, as a stable code. The message beside it says what, where and how to fix.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub enum ErrorCode {
            $($(#[doc = $doc])* #[serde(rename = $text)] $variant,)*
        }

        impl ErrorCode {
            /// Every code, for the UI's dictionaries and for tests.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as scripts see it (`{"error": {"code": …}}`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $text,)*
                }
            }
        }
    };
}

error_codes! {
    /// The application folder or a file in it cannot be read or packaged.
    Source => "source",
    /// The manifest (package.toml) or a setting is not valid.
    Manifest => "manifest",
    /// The action's command, file or folder is empty.
    ActionEmpty => "action_empty",
    /// The fragment size or count is not possible.
    Fragments => "fragments",
    LaunchFileMissing => "launch_file_missing",
    InvalidId => "invalid_id",
    /// A package folder with that ID already exists.
    Exists => "exists",
    /// The output folder cannot be written.
    Output => "output",
    /// Paths a Windows PC cannot unzip.
    WindowsPaths => "windows_paths",
    /// A Windows package that would need Zip64, which the Windows agent cannot read.
    Zip64 => "zip64",
    /// An install.bat template cannot be written with these values.
    Script => "script",
    /// The notification text library cannot be read or written.
    Texts => "texts",
    /// The fragment plan cannot be computed.
    Plan => "plan",
    Cancelled => "cancelled",
    BadUrl => "bad_url",
    InsecureHttp => "insecure_http",
    Unreachable => "unreachable",
    Tls => "tls",
    NotAConsole => "not_a_console",
    LoginRefused => "login_refused",
    NoPassword => "no_password",
    Keyring => "keyring",
    Forbidden => "forbidden",
    UploadTooLarge => "upload_too_large",
    /// The console would give the package another digest than the one it was built and verified with.
    ConsoleDigest => "console_digest",
    ConsoleError => "console_error",
    ConsoleUnexpected => "console_unexpected",
    NameTaken => "name_taken",
    ServerMismatch => "server_mismatch",
    /// What the server serves for a package cannot be imported (broken, or unsafe to unpack).
    Unimportable => "unimportable",
    NotServed => "not_served",
    NoSuchPackage => "no_such_package",
    NotActivated => "not_activated",
    PriorityAbovePeriod => "priority_above_period",
    RingGate => "ring_gate",
    /// The studio refused a value before sending anything.
    Refused => "refused",
    /// The built package cannot be read.
    Package => "package",
    /// The package folder cannot be read for verification.
    Verify => "verify",
    /// The studio's settings (saved servers, texts) cannot be written.
    Settings => "settings",
    /// No computer matches the filter.
    NoComputers => "no_computers",
    /// The package to publish has no name.
    NoName => "no_name",
    /// The window lost its session with the server.
    NotConnected => "not_connected",
    /// An SSH address (user@host:port) cannot be read.
    BadTarget => "bad_target",
    /// First contact with an SSH server: its key fingerprint must be checked and accepted.
    SshUnknownHost => "ssh_unknown_host",
    /// The SSH server's key differs from the one known for it (or was revoked).
    SshHostKeyChanged => "ssh_host_key_changed",
    /// The SSH server refused every way of logging in.
    SshAuth => "ssh_auth",
    /// An SSH key file cannot be read or unlocked.
    SshKey => "ssh_key",
    /// A command or file operation on an SSH server failed.
    SshRemote => "ssh_remote",
    /// The OCS database reached over SSH refused or failed a request.
    Database => "database",
    /// No redistribution server is kept yet.
    NoRelays => "no_relays",
    /// No redistribution server has that name.
    UnknownRelay => "unknown_relay",
    /// A fault of the studio itself.
    Internal => "internal",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The core's error messages reach the window as they are: they name what to do, never a command-line flag or
    /// command (the CLI appends its own flag to a message, from the error's code).
    #[test]
    fn core_error_messages_name_no_command_line_flag() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    if p.file_name().is_some_and(|n| n != "bin") {
                        walk(&p, out);
                    }
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let mut files = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        let mut found = Vec::new();
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            for (i, chunk) in text.split("#[error(").enumerate().skip(1) {
                let msg = chunk.split(")]").next().unwrap_or("");
                let flag = msg.split_whitespace().any(|w| w.trim_start_matches(['(', '`', '"']).starts_with("--"));
                if flag || msg.contains("ocs-studio ") {
                    found.push(format!("{} (#{i}): {}", f.display(), msg.lines().next().unwrap_or("")));
                }
            }
        }
        assert!(found.is_empty(), "error messages that name the command line: {found:#?}");
    }

    #[test]
    fn codes_serialize_as_their_text_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
            assert!(seen.insert(c.as_str()), "{c} twice");
        }
    }
}
