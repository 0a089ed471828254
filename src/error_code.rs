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
    ConsoleError => "console_error",
    ConsoleUnexpected => "console_unexpected",
    NameTaken => "name_taken",
    ServerMismatch => "server_mismatch",
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

    #[test]
    fn codes_serialize_as_their_text_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
            assert!(seen.insert(c.as_str()), "{c} twice");
        }
    }
}
