//! Folder analysis (`ocs-studio inspect`): what is in the folder, which installers, what will go wrong on the PC,
//! and a suggested package name and command. The Analysis screen of the app is a view of this.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::installers::{self, Installer, InstallerKind};
use super::{Excludes, Listing, ScanError};
use crate::manifest::Warning;
use crate::progress::CancelToken;
use crate::script::{MsiUi, Script};

/// The extraction folder of the Windows agent is about `C:\Windows\Temp\<ID>.OCS\` (29 characters).
const WINDOWS_EXTRACT_PREFIX: usize = 29;
const WINDOWS_MAX_PATH: usize = 259;

#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileInfo {
    pub path: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub size: u64,
}

#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Analysis {
    pub root: PathBuf,
    pub files: Vec<FileInfo>,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub file_count: usize,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub total_bytes: u64,
    pub installers: Vec<Installer>,
    /// `install.bat` (or `install.sh`) at the root, if there is one.
    pub entry_script: Option<String>,
    pub warnings: Vec<Warning>,
    pub suggested_name: Option<String>,
    /// The command `install.bat` should run (or runs already: "install.bat").
    pub suggested_command: Option<String>,
    /// The template behind the suggested command, to keep in the manifest.
    pub suggested_script: Option<Script>,
}

fn warn(w: &mut Vec<Warning>, code: crate::manifest::WarningCode, message: String) {
    w.push(Warning { code, message });
}

const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2",
    "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Why Windows would refuse this name, if it would.
fn windows_name_problem(component: &str) -> Option<String> {
    if let Some(c) = component.chars().find(|c| "<>:\"|?*\\".contains(*c) || (*c as u32) < 32) {
        return Some(format!("the character {c:?} is not allowed"));
    }
    if component.ends_with('.') || component.ends_with(' ') {
        return Some("names cannot end with a dot or a space".into());
    }
    let stem = component.split('.').next().unwrap_or("").to_ascii_uppercase();
    RESERVED.contains(&stem.as_str()).then(|| format!("{stem} is a reserved device name"))
}

/// The paths of `listing` that a Windows PC cannot unzip: names Windows refuses, two names that differ only by
/// case (one overwrites the other), and paths too long once extracted under the agent's folder. Each names the
/// file. `inspect` shows them as warnings; a Windows build refuses them unless the admin keeps them explicitly.
pub fn windows_path_problems(listing: &Listing) -> Vec<Warning> {
    windows_name_problems(listing.entries.iter().map(|e| e.name.trim_end_matches('/')), WINDOWS_EXTRACT_PREFIX)
}

/// The same checks on any list of archive paths (`/`-separated), `prefix` being the length of the folder the
/// agent extracts them under.
pub fn windows_name_problems<'a>(names: impl IntoIterator<Item = &'a str>, prefix: usize) -> Vec<Warning> {
    let mut out = Vec::new();
    let mut seen: HashMap<String, &str> = HashMap::new();
    for name in names {
        if let Some(prev) = seen.insert(name.to_lowercase(), name) {
            warn(&mut out, crate::manifest::WarningCode::CaseCollision, format!("\"{prev}\" and \"{name}\" differ only by case: on Windows one overwrites the other; rename one"));
        }
        if let Some(p) = name.split('/').find_map(|c| windows_name_problem(c).map(|why| (c, why))) {
            warn(&mut out, crate::manifest::WarningCode::WindowsName, format!("\"{name}\": Windows refuses the name \"{}\" ({}); rename it", p.0, p.1));
        }
        let len = name.chars().count() + prefix;
        if len > WINDOWS_MAX_PATH {
            warn(
                &mut out,
                crate::manifest::WarningCode::PathTooLong,
                format!("\"{name}\" is too long: extracted under C:\\Windows\\Temp\\<ID>.OCS it makes {len} characters, over Windows' limit of {WINDOWS_MAX_PATH}; shorten the folders or the file name"),
            );
        }
    }
    out
}

/// What `install.bat` will trip on at the PC: an MSI, transform or patch it names that the folder lacks, and
/// accents saved in UTF-8 (cmd.exe reads the file in the PCs' OEM code page, so `é` becomes `├®`).
fn batch_file_problems(listing: &Listing, bat: &super::Entry) -> Vec<Warning> {
    let mut out = Vec::new();
    let Ok(bytes) = std::fs::read(&bat.path) else { return out };
    if bytes.len() > 1 << 20 {
        return out;
    }
    let cp = crate::script::CodePage::default();
    if let Some((word, seen)) = crate::script::codepage::utf8_misread(&bytes, cp) {
        warn(
            &mut out,
            crate::manifest::WarningCode::BatchUtf8,
            format!(
                "{} is saved in UTF-8, but cmd.exe reads it in the PCs' code page ({cp} on a French Windows): \"{word}\" will read as \"{seen}\"; save it in the OEM code page (the studio's install.bat templates do), or avoid accents",
                bat.name
            ),
        );
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t.to_string(),
        Err(_) => cp.decode(&bytes),
    };
    for file in referenced_installers(&text) {
        let rel = file.replace('\\', "/");
        let present = listing.files().any(|e| e.name.eq_ignore_ascii_case(&rel));
        if !present {
            warn(&mut out, crate::manifest::WarningCode::MissingInstaller, format!("{} runs \"{file}\", which is not in the folder: add it at that place (next to {}), or correct the name in {}", bat.name, bat.name, bat.name));
        }
    }
    out
}

/// The `.msi`, `.mst` and `.msp` files a batch file names relative to its own folder (`x.msi`, `"%~dp0sub\\x.msi"`,
/// `TRANSFORMS=a.mst;b.mst`). Absolute paths, shares and names built from variables are left out: they are
/// not expected in the package.
fn referenced_installers(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let l = line.trim_start();
        if l.get(..4).is_some_and(|w| w.eq_ignore_ascii_case("rem ")) || l.starts_with("::") {
            continue;
        }
        // Words, with "quoted parts" kept whole; then KEY=value and a;b lists split.
        let mut words = Vec::new();
        let (mut cur, mut quoted) = (String::new(), false);
        for c in line.chars() {
            match c {
                '"' => quoted = !quoted,
                c if c.is_whitespace() && !quoted => words.push(std::mem::take(&mut cur)),
                c => cur.push(c),
            }
        }
        words.push(cur);
        for w in words.iter().flat_map(|w| w.rsplit_once('=').map_or(w.as_str(), |(_, v)| v).split(';')) {
            let w = w.trim();
            let w = w.strip_prefix("%~dp0").unwrap_or(w);
            let w = w.strip_prefix(".\\").unwrap_or(w);
            let lower = w.to_ascii_lowercase();
            let installer = [".msi", ".mst", ".msp"].iter().any(|x| lower.ends_with(x)) && lower.len() > 4;
            let local = !w.contains(['%', ':', '!']) && !w.starts_with('\\') && !w.starts_with('/');
            if installer && local && !out.iter().any(|o| o.eq_ignore_ascii_case(w)) {
                out.push(w.to_string());
            }
        }
    }
    out
}

/// Analyses a listed folder. Unreadable installers become warnings; nothing here fails on bad files.
pub fn analyze(listing: &Listing, cancel: &CancelToken) -> Result<Analysis, ScanError> {
    let mut warnings = Vec::new();
    let mut installers = Vec::new();
    let mut files = Vec::with_capacity(listing.file_count);
    warnings.extend(windows_path_problems(listing));
    for e in &listing.entries {
        if cancel.is_cancelled() {
            return Err(ScanError::Cancelled);
        }
        if e.is_dir {
            continue;
        }
        files.push(FileInfo { path: e.name.clone(), size: e.size });
        match installers::identify(&e.path, &e.name, e.size) {
            Ok(Some(i)) => {
                if matches!(i.kind, InstallerKind::SevenZipSfx | InstallerKind::WinRarSfx | InstallerKind::ZipSfx) {
                    warn(&mut warnings, crate::manifest::WarningCode::SelfExtractor, format!("\"{}\" is a {}: extract it first and package its contents (the procedure forbids self-extracting installers: the agent cannot wait for what they unpack)", i.path, i.label));
                } else if i.kind == InstallerKind::PlainExe {
                    warn(&mut warnings, crate::manifest::WarningCode::UnknownExe, format!("\"{}\" is a Windows program of unknown installer technology: find its silent switches (setup.exe /? often lists them) and test them on a PC before deploying", i.path));
                }
                installers.push(i);
            }
            Ok(None) => {}
            Err(err) => warn(&mut warnings, crate::manifest::WarningCode::UnreadableInstaller, err.to_string()),
        }
    }
    let entry_script = ["install.bat", "install.cmd", "install.sh"]
        .iter()
        .find_map(|n| listing.root_file(n, true).map(|e| e.name.clone()));

    if let Some(bat) = entry_script.as_deref().filter(|n| !n.ends_with(".sh")).and_then(|n| listing.root_file(n, true)) {
        warnings.extend(batch_file_problems(listing, bat));
    }

    let msis: Vec<&Installer> = installers.iter().filter(|i| i.kind == InstallerKind::Msi).collect();
    let msts: Vec<String> = installers.iter().filter(|i| i.kind == InstallerKind::Mst).map(|i| i.path.clone()).collect();
    let root_name = listing.root.file_name().map(|n| n.to_string_lossy().into_owned());
    let suggested_name = msis
        .first()
        .and_then(|m| match (&m.msi.product_name, &m.msi.product_version) {
            (Some(n), Some(v)) => Some(format!("{n} {v}")),
            (Some(n), None) => Some(n.clone()),
            _ => None,
        })
        .or(root_name);
    let suggested_script = if msis.len() == 1 {
        Some(Script::MsiInstall { msi: msis[0].path.clone(), transforms: msts, properties: Default::default(), ui: MsiUi::Quiet, log: true })
    } else if msis.is_empty() {
        let exes: Vec<&Installer> = installers.iter().filter(|i| i.silent_args.is_some() && i.kind != InstallerKind::Msp).collect();
        (exes.len() == 1).then(|| Script::ExeSilent { exe: exes[0].path.clone(), args: exes[0].silent_args.clone().unwrap_or_default() })
    } else {
        warn(&mut warnings, crate::manifest::WarningCode::SeveralMsi, format!("{} MSI packages found: say in install.bat which one to install, in which order", msis.len()));
        None
    };
    let suggested_command = match (&entry_script, &suggested_script) {
        (Some(s), _) => Some(s.clone()),
        (None, Some(script)) => script.command_line(suggested_name.as_deref().unwrap_or("install")).ok(),
        _ => None,
    };
    if entry_script.is_none() {
        let hint = match &suggested_command {
            Some(c) => format!("the studio can write one that runs: {c}"),
            None => "write one with the command that installs the application silently".into(),
        };
        warn(&mut warnings, crate::manifest::WarningCode::NoEntryScript, format!("no install.bat at the root of the folder: {hint}"));
    }
    let total_bytes = listing.total_bytes;
    Ok(Analysis {
        root: listing.root.clone(),
        files,
        file_count: listing.file_count,
        total_bytes,
        installers,
        entry_script,
        warnings,
        suggested_name,
        suggested_command,
        suggested_script,
    })
}

/// Lists and analyses a folder in one call (the CLI's `inspect` and the app's drop).
pub fn inspect(folder: &Path, exclude: &[String], cancel: &CancelToken) -> Result<Analysis, ScanError> {
    let skip = vec![folder.join(crate::manifest::MANIFEST_FILE).canonicalize().unwrap_or_default()];
    let listing = super::list(folder, &Excludes::new(exclude, skip)?, cancel)?;
    analyze(&listing, cancel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installers_named_by_a_batch_file() {
        let bat = "@echo off\r\nrem old: msiexec /i old.msi\r\ncd /d \"%~dp0\"\r\nmsiexec /i \"%~dp0Mon Appli.msi\" TRANSFORMS=\"fr.mst;sub\\de.mst\" /qn\r\n\
                   msiexec /p patch.MSP /qn\r\nmsiexec /i \\\\srv\\share\\x.msi\r\nmsiexec /i %SRC%\\y.msi\r\nmsiexec /x {12345678-1234-1234-1234-123456789012}\r\n";
        assert_eq!(referenced_installers(bat), vec!["Mon Appli.msi", "fr.mst", "sub\\de.mst", "patch.MSP"]);
    }

    #[test]
    fn a_batch_file_naming_a_missing_msi_or_saved_in_utf8_is_reported() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("install.bat"), "msiexec /i \"logiciel été.msi\" /qn\r\nmsiexec /i present.msi\r\n").unwrap();
        std::fs::write(d.path().join("present.msi"), b"not really an msi").unwrap();
        let a = inspect(d.path(), &[], &CancelToken::new()).unwrap();
        let msgs: Vec<(String, &str)> = a.warnings.iter().map(|w| (w.code.as_str(), w.message.as_str())).collect();
        assert!(msgs.iter().any(|(c, m)| *c == "missing_installer" && m.contains("logiciel été.msi")), "{msgs:?}");
        assert!(!msgs.iter().any(|(c, m)| *c == "missing_installer" && m.contains("present.msi")), "{msgs:?}");
        assert!(msgs.iter().any(|(c, m)| *c == "batch_utf8" && m.contains("├®")), "{msgs:?}");
    }

    #[test]
    fn windows_names() {
        assert!(windows_name_problem("CON.txt").is_some());
        assert!(windows_name_problem("a:b").is_some());
        assert!(windows_name_problem("trailing.").is_some());
        assert!(windows_name_problem("réglages.ini").is_none());
    }

    #[test]
    fn sfx_warns_plain_exe_is_not_guessed_and_a_broken_msi_is_reported() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("office.exe"), installers::exe::stub_pe(".text", b"x", b"7z\xBC\xAF\x27\x1C")).unwrap();
        std::fs::write(d.path().join("tool.exe"), installers::exe::stub_pe(".text", b"x", b"")).unwrap();
        std::fs::write(d.path().join("broken.msi"), b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 truncated").unwrap();
        let a = inspect(d.path(), &[], &CancelToken::new()).unwrap();
        let codes: Vec<String> = a.warnings.iter().map(|w| w.code.as_str()).collect();
        for code in ["self_extractor", "unknown_exe", "unreadable_installer", "no_entry_script"] {
            assert!(codes.iter().any(|c| c == code), "{code}: {codes:?}");
        }
        let tool = a.installers.iter().find(|i| i.path == "tool.exe").unwrap();
        assert_eq!(tool.kind, InstallerKind::PlainExe);
        assert_eq!(tool.silent_args, None);
        assert_eq!(a.suggested_command, None, "nothing is guessed");
    }
}
