//! The package manifest (`package.toml`): everything needed to rebuild a package reproducibly.
//! Defaults follow the seed procedure: priority 5 (never 0), countdown 0, can abort NO, can delay YES, 5 MiB fragments.

use std::path::{Path, PathBuf};

use crate::digest::{DigestAlgo, DigestEncoding};
use crate::notify::{DoneMessage, Notification};
use crate::units::ByteSize;

/// The file name `init` writes and `build FOLDER` looks for.
pub const MANIFEST_FILE: &str = "package.toml";

/// The longest COMMAND/NAME the Windows agent runs: it expands %VARIABLES% into a 255-character buffer, the
/// terminating NUL included, so 254 characters after expansion; longer ones are dropped silently.
pub const WINDOWS_COMMAND_MAX: usize = 254;

/// What %VARIABLES% become for the Windows agent, which runs as SYSTEM on a default installation (drive C:).
/// Names are compared case-insensitively, as Windows does.
const SYSTEM_ENVIRONMENT: &[(&str, &str)] = &[
    ("TEMP", "C:\\Windows\\TEMP"),
    ("TMP", "C:\\Windows\\TEMP"),
    ("SYSTEMROOT", "C:\\Windows"),
    ("WINDIR", "C:\\Windows"),
    ("SYSTEMDRIVE", "C:"),
    ("COMSPEC", "C:\\Windows\\system32\\cmd.exe"),
    ("PROGRAMFILES", "C:\\Program Files"),
    ("PROGRAMFILES(X86)", "C:\\Program Files (x86)"),
    ("PROGRAMW6432", "C:\\Program Files"),
    ("COMMONPROGRAMFILES", "C:\\Program Files\\Common Files"),
    ("COMMONPROGRAMFILES(X86)", "C:\\Program Files (x86)\\Common Files"),
    ("PROGRAMDATA", "C:\\ProgramData"),
    ("ALLUSERSPROFILE", "C:\\ProgramData"),
    ("PUBLIC", "C:\\Users\\Public"),
    ("USERPROFILE", "C:\\Windows\\system32\\config\\systemprofile"),
    ("APPDATA", "C:\\Windows\\system32\\config\\systemprofile\\AppData\\Roaming"),
    ("LOCALAPPDATA", "C:\\Windows\\system32\\config\\systemprofile\\AppData\\Local"),
    // At most 15 characters for a NetBIOS name; SYSTEM's USERNAME is the computer's name followed by $.
    ("COMPUTERNAME", "XXXXXXXXXXXXXXX"),
    ("USERNAME", "XXXXXXXXXXXXXXX$"),
    ("USERDOMAIN", "XXXXXXXXXXXXXXX"),
    ("PROCESSOR_ARCHITECTURE", "AMD64"),
    ("OS", "Windows_NT"),
    ("NUMBER_OF_PROCESSORS", "128"),
];

/// A command as the Windows agent will run it: its length once %VARIABLES% are expanded as for SYSTEM (the
/// longest plausible value for the computer's name), and the variables the studio cannot know (left as
/// written, as Windows leaves undefined ones).
#[derive(Debug, Clone, PartialEq)]
pub struct ExpandedCommand {
    pub expanded: String,
    pub len: usize,
    pub unknown: Vec<String>,
}

pub fn expand_for_windows_agent(command: &str) -> ExpandedCommand {
    let mut expanded = String::with_capacity(command.len());
    let mut unknown = Vec::new();
    let mut rest = command;
    while let Some(start) = rest.find('%') {
        expanded.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('%') else {
            expanded.push('%');
            rest = after;
            continue;
        };
        let name = &after[..end];
        if let Some((_, v)) = SYSTEM_ENVIRONMENT.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
            expanded.push_str(v);
            rest = &after[end + 1..];
        } else if !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || "_-.()#$".contains(c)) {
            if !unknown.iter().any(|u: &String| u.eq_ignore_ascii_case(name)) {
                unknown.push(name.to_string());
            }
            expanded.push('%');
            expanded.push_str(name);
            expanded.push('%');
            rest = &after[end + 1..];
        } else {
            // "50% … 20%": not a variable; the second % may open one.
            expanded.push('%');
            rest = after;
        }
    }
    expanded.push_str(rest);
    let len = expanded.chars().count();
    ExpandedCommand { expanded, len, unknown }
}


#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub package: PackageMeta,
    /// The folder to package. Absent only for a command-only EXECUTE package (no fragments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    pub action: Action,
    /// The template `install.bat` was generated from, so `ocs-studio script --regenerate` can redo it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<crate::script::Script>,
    #[serde(default)]
    pub notification: Notification,
    #[serde(default)]
    pub after_install: DoneMessage,
    #[serde(default)]
    pub fragments: Fragments,
    #[serde(default)]
    pub digest: DigestSettings,
    #[serde(default)]
    pub windows: WindowsSettings,
    /// Set when the package was imported from a server: its archive is kept as it was, and building while the
    /// files are unchanged sends that very archive again (same digest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// Where an imported package came from, and the archive kept from it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    /// The console it was imported from, and its ID there.
    pub server: String,
    pub server_id: String,
    /// The archive as the server held it, relative to the manifest's folder.
    pub archive: PathBuf,
    /// The archive's digest, as `info` gave it (algorithm and encoding of `[digest]`).
    pub digest: String,
    /// SHA-256 over every file's name, size and content as imported: when the source folder still gives it, the
    /// kept archive is used as it is.
    pub files: String,
}

/// What the studio needs to know of the admins' Windows PCs.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowsSettings {
    /// The OEM code page `cmd.exe` reads `install.bat` in on the PCs (850 on a French Windows, 437 on an
    /// American one; `chcp` shows it). Generated batch files are written in it.
    #[serde(default)]
    pub batch_code_page: crate::script::CodePage,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageMeta {
    /// The label shown everywhere in the console, with `version` appended.
    pub name: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub os: TargetOs,
    /// 1 (first) … 9 (last). 0 is refused: it starves every other package.
    #[serde(default = "default_priority")]
    pub priority: u8,
    /// Scheme the agent uses for fragments (`info` is always fetched over HTTPS).
    #[serde(default)]
    pub protocol: Protocol,
}

fn default_priority() -> u8 {
    5
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Relative to the manifest's folder.
    pub folder: PathBuf,
    /// Glob patterns of files or folders left out. A pattern without `/` matches a name at any depth.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// What the agent does with the package (`ACT`).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Action {
    /// Run a file of the package, with arguments (`NAME`), e.g. `install.bat`. The agent waits for all its children.
    Launch { file: String },
    /// Run a command line from the extraction folder (`COMMAND`), e.g. `msiexec /i "App.msi" /qn`.
    Execute { command: String },
    /// Copy the files to a folder of the PC (`PATH`), e.g. `C:\Apps\Tool` or `INSTALL_PATH/tool`.
    Store { path: String },
}

impl Action {
    /// The value of `ACT` in `info`.
    pub fn act(&self) -> &'static str {
        match self {
            Action::Launch { .. } => "LAUNCH",
            Action::Execute { .. } => "EXECUTE",
            Action::Store { .. } => "STORE",
        }
    }
    /// The attribute that carries the value (`NAME`, `COMMAND` or `PATH`) and the value.
    pub fn attribute(&self) -> (&'static str, &str) {
        match self {
            Action::Launch { file } => ("NAME", file),
            Action::Execute { command } => ("COMMAND", command),
            Action::Store { path } => ("PATH", path),
        }
    }
    /// The file a LAUNCH runs: the first word of `NAME`, or the quoted part when it starts with a quote.
    pub fn launch_file(&self) -> Option<String> {
        match self {
            Action::Launch { file } => Some(first_word(file)),
            _ => None,
        }
    }
}

/// The three actions, without their field.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionKind {
    Launch,
    Execute,
    Store,
}

/// Changes to a manifest from outside it (the build command's flags): each value given replaces the manifest's.
/// The result is checked by `Manifest::validate` like any manifest, so a missing command or path is reported there.
#[derive(Debug, Clone, Default)]
pub struct ManifestChanges {
    pub os: Option<TargetOs>,
    pub name: Option<String>,
    pub version: Option<String>,
    pub priority: Option<u8>,
    /// Fragments over HTTPS.
    pub https: bool,
    /// The action; a `path` alone means STORE.
    pub action: Option<ActionKind>,
    /// The command (EXECUTE) or the file to launch with its arguments (LAUNCH).
    pub command: Option<String>,
    /// The folder the files are stored to (STORE).
    pub path: Option<String>,
    pub fragment_size: Option<ByteSize>,
    /// Turns the notification on with this text.
    pub notify_text: Option<String>,
    pub dialog: crate::notify::DialogChanges,
    pub digest: Option<crate::digest::DigestAlgo>,
    pub base64: bool,
}

impl ManifestChanges {
    pub fn apply(&self, m: &mut Manifest) -> Result<(), ManifestError> {
        if let Some(os) = self.os {
            m.set_os(os);
        }
        if let Some(n) = &self.name {
            m.package.name = n.clone();
        }
        if let Some(v) = &self.version {
            m.package.version = v.clone();
        }
        if let Some(p) = self.priority {
            m.package.priority = p;
        }
        if self.https {
            m.package.protocol = Protocol::Https;
        }
        let kind = self.action.or(self.path.is_some().then_some(ActionKind::Store));
        if kind == Some(ActionKind::Store) && self.command.is_some() {
            return Err(ManifestError::CommandForStore);
        }
        let (a, file, command, path) = match &m.action {
            Action::Launch { file } => (ActionKind::Launch, Some(file), None, None),
            Action::Execute { command } => (ActionKind::Execute, None, Some(command), None),
            Action::Store { path } => (ActionKind::Store, None, None, Some(path)),
        };
        let given = self.command.as_ref();
        m.action = match kind.unwrap_or(a) {
            ActionKind::Launch => Action::Launch { file: given.or(file).cloned().unwrap_or_else(|| m.package.os.default_entry().into()) },
            ActionKind::Execute => Action::Execute { command: given.or(command).cloned().unwrap_or_default() },
            ActionKind::Store => Action::Store { path: self.path.as_ref().or(path).cloned().unwrap_or_default() },
        };
        if let Some(s) = self.fragment_size {
            m.fragments.size = s;
        }
        if let Some(t) = &self.notify_text {
            m.notification.enabled = true;
            m.notification.text = t.clone();
        }
        self.dialog.apply(&mut m.notification, &mut m.after_install);
        if let Some(d) = self.digest {
            m.digest.algorithm = d;
        }
        if self.base64 {
            m.digest.encoding = crate::digest::DigestEncoding::Base64;
        }
        Ok(())
    }
}

/// The program part of a command line: up to the closing quote if quoted, else up to the first space.
pub fn first_word(command: &str) -> String {
    let c = command.trim_start();
    if let Some(rest) = c.strip_prefix('"') {
        rest.split('"').next().unwrap_or("").to_string()
    } else {
        c.split_whitespace().next().unwrap_or("").to_string()
    }
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetOs {
    #[default]
    Windows,
    Linux,
    Macos,
}

impl TargetOs {
    /// `download_available.OSNAME` as the console writes it.
    pub fn osname(self) -> &'static str {
        match self {
            TargetOs::Windows => "WINDOWS",
            TargetOs::Linux => "LINUX",
            TargetOs::Macos => "MAC",
        }
    }
    /// The entry script the studio expects at the root of the archive.
    pub fn default_entry(self) -> &'static str {
        match self {
            TargetOs::Windows => "install.bat",
            _ => "install.sh",
        }
    }
    /// Windows agents extract zip only; the console uses tar.gz for Linux and macOS.
    pub fn archive_format(self) -> ArchiveFormat {
        match self {
            TargetOs::Windows => ArchiveFormat::Zip,
            _ => ArchiveFormat::TarGz,
        }
    }
}

impl std::str::FromStr for TargetOs {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "windows" | "win" => Ok(TargetOs::Windows),
            "linux" => Ok(TargetOs::Linux),
            "macos" | "mac" | "osx" => Ok(TargetOs::Macos),
            _ => Err(format!("unknown OS \"{s}\": use windows, linux or macos")),
        }
    }
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArchiveFormat {
    Zip,
    #[serde(rename = "tar.gz")]
    TarGz,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Protocol {
    #[default]
    #[serde(rename = "HTTP", alias = "http")]
    Http,
    #[serde(rename = "HTTPS", alias = "https")]
    Https,
}

impl Protocol {
    pub fn as_info(self) -> &'static str {
        match self {
            Protocol::Http => "HTTP",
            Protocol::Https => "HTTPS",
        }
    }
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Fragments {
    /// Largest fragment; the seed recommends 5 to 10 MiB.
    #[cfg_attr(feature = "specta", specta(type = crate::units::ByteSizeJson))]
    pub size: ByteSize,
}

impl Default for Fragments {
    fn default() -> Self {
        Fragments { size: ByteSize::mib(5) }
    }
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DigestSettings {
    pub algorithm: DigestAlgo,
    pub encoding: DigestEncoding,
}

/// Why a manifest cannot be built. Every message says what is wrong and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{0} does not exist: give the application folder or a package.toml manifest")]
    SourceMissing(PathBuf),
    #[error("cannot read the manifest {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("the manifest {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{0} is a file, not an application folder or a package.toml manifest: give the folder that holds the application (with install.bat at its root), or its package.toml")]
    NotAManifest(PathBuf),
    #[error("the package name is empty: give it a name such as \"Firefox ESR 128\" (the name the console shows)")]
    NameEmpty,
    #[error("the package name is {len} characters long; the console stores at most 255: shorten it")]
    NameTooLong { len: usize },
    #[error("priority 0 is refused: it is the absolute priority, and it stops every other package from downloading while it is queued; use 1 (first) to 9 (last), 5 by default")]
    PriorityZero,
    #[error("priority {0} is out of range: use 1 (first) to 9 (last)")]
    PriorityRange(u8),
    #[error("the fragment size is 0: choose a size such as 5MiB (the seed procedure recommends 5 to 10 MiB)")]
    FragmentSizeZero,
    #[error("the {field} of the {act} action is empty: {hint}")]
    ActionEmpty { act: &'static str, field: &'static str, hint: &'static str },
    #[error("the {field} \"{value}\" is {len} characters long{expansion}; the Windows agent ignores a package whose {field} is over {WINDOWS_COMMAND_MAX} characters: put the command in an install.bat at the root of the folder and launch that")]
    CommandTooLong { field: &'static str, value: String, len: usize, expansion: String },
    #[error("the {field} contains a line break: the agent runs a single line; put several commands in an install.bat")]
    LineBreak { field: &'static str },
    #[error("the {field} contains the control character U+{code:04X}, which makes the info file unreadable by the agents: remove it")]
    ControlChar { field: &'static str, code: u32 },
    #[error("a command does not apply to a STORE action, which only copies the files: give the folder to copy them to, or choose EXECUTE or LAUNCH for a command")]
    CommandForStore,
    #[error("the notification countdown is {0} seconds; the console accepts at most 9999 (4 digits)")]
    CountdownRange(u32),
}

/// What a warning is about (the window's headline for it; the message gives the details).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    // The folder (analysis).
    CaseCollision,
    MissingInstaller,
    NoEntryScript,
    SelfExtractor,
    SeveralMsi,
    UnknownExe,
    UnreadableInstaller,
    WindowsName,
    PathTooLong,
    BatchUtf8,
    // The manifest.
    DigestCaveat,
    DoneEmpty,
    EnvExpansion,
    ExecuteFileMissing,
    ManifestNotKept,
    NotifyEmpty,
    NotifyUnix,
    // The notification text (its lint).
    Empty,
    ControlChar,
    TagNotAllowed,
    UnopenedTag,
    UnclosedTag,
    DoubleQuote,
    SlashSwitch,
    NonAscii,
    LineBreaks,
    Long,
    TooLong,
}

impl WarningCode {
    pub fn as_str(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }
}

impl From<crate::notify::LintCode> for WarningCode {
    fn from(c: crate::notify::LintCode) -> Self {
        use crate::notify::LintCode as L;
        match c {
            L::Empty => WarningCode::Empty,
            L::ControlChar => WarningCode::ControlChar,
            L::TagNotAllowed => WarningCode::TagNotAllowed,
            L::UnopenedTag => WarningCode::UnopenedTag,
            L::UnclosedTag => WarningCode::UnclosedTag,
            L::DoubleQuote => WarningCode::DoubleQuote,
            L::SlashSwitch => WarningCode::SlashSwitch,
            L::NonAscii => WarningCode::NonAscii,
            L::LineBreaks => WarningCode::LineBreaks,
            L::Long => WarningCode::Long,
            L::TooLong => WarningCode::TooLong,
        }
    }
}

impl ManifestError {
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            ManifestError::SourceMissing(_) | ManifestError::NotAManifest(_) => crate::ErrorCode::Source,
            ManifestError::ActionEmpty { .. } => crate::ErrorCode::ActionEmpty,
            _ => crate::ErrorCode::Manifest,
        }
    }
}

/// A problem that does not stop the build but that the admin should read.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Warning {
    pub code: WarningCode,
    /// In English (the command line's wording); the window words the code.
    pub message: String,
}

/// A manifest and where it lives: what `build SOURCE` and the app's folder drop resolve to.
#[derive(Debug, Clone)]
pub struct Located {
    pub manifest: Manifest,
    /// The folder `source.folder` is relative to.
    pub base_dir: PathBuf,
    /// The manifest file, if there is one (a bare folder has none).
    pub file: Option<PathBuf>,
}

impl Located {
    /// `source` is a manifest file, a folder holding `package.toml`, or a bare folder (seed defaults for `os`).
    pub fn resolve(source: &Path, os: TargetOs) -> Result<Located, ManifestError> {
        if source.is_file() {
            if !source.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml")) {
                return Err(ManifestError::NotAManifest(source.to_path_buf()));
            }
            let manifest = Manifest::load(source)?;
            let base_dir = source.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
            return Ok(Located { manifest, base_dir, file: Some(source.to_path_buf()) });
        }
        let candidate = source.join(MANIFEST_FILE);
        if candidate.is_file() {
            return Ok(Located { manifest: Manifest::load(&candidate)?, base_dir: source.to_path_buf(), file: Some(candidate) });
        }
        if !source.exists() {
            return Err(ManifestError::SourceMissing(source.to_path_buf()));
        }
        Ok(Located { manifest: Manifest::for_folder(source, os), base_dir: source.to_path_buf(), file: None })
    }
}

impl Manifest {
    /// The manifest `build FOLDER` uses when the folder has none: seed defaults, LAUNCH of the OS's entry script.
    pub fn for_folder(folder: &Path, os: TargetOs) -> Manifest {
        let name = folder
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default();
        Manifest {
            package: PackageMeta {
                name,
                version: String::new(),
                description: String::new(),
                os,
                priority: default_priority(),
                protocol: Protocol::default(),
            },
            source: Some(Source { folder: PathBuf::from("."), exclude: Vec::new() }),
            action: Action::Launch { file: os.default_entry().to_string() },
            script: None,
            windows: Default::default(),
            notification: Notification::default(),
            after_install: DoneMessage::default(),
            fragments: Fragments::default(),
            digest: DigestSettings::default(),
            origin: None,
        }
    }

    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ManifestError::Read { path: path.to_path_buf(), source })?;
        Self::from_toml(&text).map_err(|message| ManifestError::Parse { path: path.to_path_buf(), message })
    }

    pub fn from_toml(text: &str) -> Result<Manifest, String> {
        toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())
    }

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("a manifest always serializes")
    }

    /// "Name Version", the label the console shows (`download_available.NAME`).
    pub fn display_name(&self) -> String {
        let (n, v) = (self.package.name.trim(), self.package.version.trim());
        if v.is_empty() {
            n.to_string()
        } else {
            format!("{n} {v}")
        }
    }

    /// Targets other agents: a LAUNCH of the old OS's default entry script follows (install.bat ↔ install.sh).
    pub fn set_os(&mut self, os: TargetOs) {
        if self.action == (Action::Launch { file: self.package.os.default_entry().into() }) {
            self.action = Action::Launch { file: os.default_entry().into() };
        }
        self.package.os = os;
    }

    /// Checks everything that can be checked without the files; returns the warnings, or the first error.
    pub fn validate(&self) -> Result<Vec<Warning>, ManifestError> {
        let mut warnings = Vec::new();
        let name = self.display_name();
        if self.package.name.trim().is_empty() {
            return Err(ManifestError::NameEmpty);
        }
        if name.chars().count() > 255 {
            return Err(ManifestError::NameTooLong { len: name.chars().count() });
        }
        check_text("package name", &name)?;
        match self.package.priority {
            0 => return Err(ManifestError::PriorityZero),
            p if p > 9 => return Err(ManifestError::PriorityRange(p)),
            _ => {}
        }
        if self.fragments.size.0 == 0 {
            return Err(ManifestError::FragmentSizeZero);
        }
        let act = self.action.act();
        let (attr, value) = self.action.attribute();
        let field = match attr {
            "NAME" => "file to launch",
            "COMMAND" => "command",
            _ => "target path",
        };
        if value.trim().is_empty() {
            let hint = match self.action {
                Action::Launch { .. } => "name the file of the package to run, e.g. install.bat",
                Action::Execute { .. } => "give the command line to run, e.g. install.bat or msiexec /i \"app.msi\" /qn",
                Action::Store { .. } => "give the folder to copy the files to, e.g. C:\\Apps\\Tool or INSTALL_PATH/tool",
            };
            return Err(ManifestError::ActionEmpty { act, field, hint });
        }
        if value.contains(['\n', '\r']) {
            return Err(ManifestError::LineBreak { field });
        }
        check_text(field, value)?;
        if self.package.os == TargetOs::Windows && attr != "PATH" {
            let x = expand_for_windows_agent(value);
            if x.len > WINDOWS_COMMAND_MAX {
                let expansion = if x.expanded == value {
                    String::new()
                } else {
                    format!(" once the agent expands its variables as SYSTEM (\"{}\")", x.expanded)
                };
                return Err(ManifestError::CommandTooLong { field, value: value.to_string(), len: x.len, expansion });
            }
            if !x.unknown.is_empty() {
                warnings.push(Warning {
                    code: crate::manifest::WarningCode::EnvExpansion,
                    message: format!(
                        "the {field} uses {}, which the studio cannot know in advance: the Windows agent expands it as SYSTEM and ignores the package if the result is over {WINDOWS_COMMAND_MAX} characters ({} now, without it)",
                        x.unknown.iter().map(|u| format!("%{u}%")).collect::<Vec<_>>().join(", "),
                        x.len - x.unknown.iter().map(|u| u.chars().count() + 2).sum::<usize>()
                    ),
                });
            }
        }
        if self.source.is_none() && !matches!(self.action, Action::Execute { .. }) {
            return Err(ManifestError::ActionEmpty {
                act,
                field: "source folder",
                hint: "only an EXECUTE package can be built without files; add [source] folder = \".\"",
            });
        }
        let n = &self.notification;
        check_text("notification text", &n.text)?;
        check_text("end-of-installation text", &self.after_install.text)?;
        if n.countdown > 9999 {
            return Err(ManifestError::CountdownRange(n.countdown));
        }
        if n.enabled && n.text.trim().is_empty() {
            warnings.push(Warning {
                code: crate::manifest::WarningCode::NotifyEmpty,
                message: "the user is notified but the text is empty: the PC will show an empty dialog".into(),
            });
        }
        if self.after_install.enabled && self.after_install.text.trim().is_empty() {
            warnings.push(Warning {
                code: crate::manifest::WarningCode::DoneEmpty,
                message: "an end-of-installation message is asked for but its text is empty".into(),
            });
        }
        if self.package.os != TargetOs::Windows && (n.enabled || self.after_install.enabled) {
            warnings.push(Warning {
                code: crate::manifest::WarningCode::NotifyUnix,
                message: "the Linux/macOS agent ignores notifications: the user will see nothing".into(),
            });
        }
        for caveat in [self.digest.algorithm.caveat(), self.digest.encoding.caveat()].into_iter().flatten() {
            warnings.push(Warning { code: crate::manifest::WarningCode::DigestCaveat, message: caveat.to_string() });
        }
        Ok(warnings)
    }
}

fn check_text(field: &'static str, value: &str) -> Result<(), ManifestError> {
    match crate::xml::first_forbidden_char(value) {
        Some(c) => Err(ManifestError::ControlChar { field, code: c as u32 }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        Manifest::for_folder(Path::new("."), TargetOs::Windows)
    }

    #[test]
    fn seed_defaults() {
        let m = sample();
        assert_eq!(m.package.priority, 5);
        assert_eq!(m.fragments.size, ByteSize::mib(5));
        assert_eq!(m.notification.countdown, 0);
        assert!(!m.notification.can_abort);
        assert!(m.notification.can_delay);
        assert_eq!(m.action, Action::Launch { file: "install.bat".into() });
        assert_eq!(m.digest.algorithm, DigestAlgo::Md5);
    }

    #[test]
    fn toml_round_trip_keeps_everything() {
        let mut m = sample();
        m.package.name = "Mon Appli".into();
        m.package.version = "2.1".into();
        m.action = Action::Execute { command: r#"msiexec /i "Mon Appli.msi" /qn"#.into() };
        m.notification = Notification { enabled: true, text: "Bonjour \"toi\"\n<b>ok</b>".into(), countdown: 60, can_abort: true, can_delay: false };
        m.source.as_mut().unwrap().exclude = vec!["*.log".into()];
        let text = m.to_toml();
        assert_eq!(Manifest::from_toml(&text).unwrap(), m, "{text}");
        assert!(text.contains("kind = \"execute\""), "{text}");
    }

    #[test]
    fn minimal_manifest_gets_defaults() {
        let m = Manifest::from_toml("[package]\nname = \"X\"\n[source]\nfolder = \".\"\n[action]\nkind = \"launch\"\nfile = \"install.bat\"\n").unwrap();
        assert_eq!(m.package.priority, 5);
        assert_eq!(m.package.protocol, Protocol::Http);
        assert!(m.notification.can_delay);
    }

    #[test]
    fn unknown_keys_are_reported_with_their_place() {
        let e = Manifest::from_toml("[package]\nname = \"X\"\npriorty = 3\n[action]\nkind=\"launch\"\nfile=\"a\"\n").unwrap_err();
        assert!(e.contains("priorty"), "{e}");
        assert!(e.contains("line 3"), "{e}");
    }

    #[test]
    fn refuses_bad_values_with_a_fix() {
        let mut m = sample();
        m.package.name = "X".into();
        m.package.priority = 0;
        assert!(matches!(m.validate(), Err(ManifestError::PriorityZero)));
        m.package.priority = 5;
        m.fragments.size = ByteSize(0);
        assert!(matches!(m.validate(), Err(ManifestError::FragmentSizeZero)));
        m.fragments.size = ByteSize::mib(5);
        m.package.name = "  ".into();
        assert!(m.validate().unwrap_err().to_string().contains("give it a name"));
        m.package.name = "X".into();
        m.action = Action::Execute { command: "x".repeat(255) };
        assert!(matches!(m.validate(), Err(ManifestError::CommandTooLong { len: 255, .. })));
        m.action = Action::Execute { command: "x".repeat(254) };
        assert!(m.validate().is_ok());
        // 230 characters, 270 once %LocalAppData% is expanded as SYSTEM sees it.
        let cmd = format!("\"%LocalAppData%\\{}\" /S", "d".repeat(210));
        assert_eq!(cmd.chars().count(), 230);
        let e = Manifest { action: Action::Execute { command: cmd }, ..m.clone() }.validate().unwrap_err();
        assert!(e.to_string().contains("C:\\Windows\\system32\\config\\systemprofile\\AppData\\Local\\ddd") && e.to_string().contains("270 characters long once the agent expands"), "{e}");
        // Unknown variables are named in a warning, with the length without them.
        m.action = Action::Execute { command: "\"%MYAPPDIR%\\setup.exe\" /S 50% 20%".into() };
        let w = m.validate().unwrap();
        assert!(w.iter().any(|w| w.code == WarningCode::EnvExpansion && w.message.contains("%MYAPPDIR%") && w.message.contains("(23 now, without it)")), "{w:?}");
        m.action = Action::Execute { command: "a\nb".into() };
        assert!(matches!(m.validate(), Err(ManifestError::LineBreak { .. })));
        m.action = Action::Launch { file: "install.bat".into() };
        assert!(m.validate().unwrap().is_empty());
    }

    #[test]
    fn first_word_handles_quotes() {
        assert_eq!(first_word("install.bat /S"), "install.bat");
        assert_eq!(first_word("\"my setup.exe\" /S"), "my setup.exe");
    }
}
