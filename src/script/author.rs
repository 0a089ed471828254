//! Writing `install.bat` for a folder, as one operation for the window and the CLI: the admin's template choice,
//! completed from the folder's analysis (the single MSI, its ProductCode, the silent switches of the detected
//! technology) and its manifest (the kept template, the PCs' code page); then the text, the bytes `cmd.exe` will
//! read, and what the file holds today, so a caller can show what would change before overwriting.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{CodePage, MsiUi, Script, ScriptError, SUCCESS_CODES};
use crate::manifest::{Located, ManifestError, TargetOs};
use crate::progress::CancelToken;
use crate::scan::installers::InstallerKind;
use crate::scan::{Analysis, ScanError};

/// The template the admin picked, with what they filled in; an empty field is completed from the folder.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "template", rename_all = "kebab-case")]
pub enum TemplateChoice {
    /// `msiexec /i`: the folder's only MSI unless one is named.
    MsiInstall {
        msi: Option<String>,
        #[serde(default)]
        transforms: Vec<String>,
        #[serde(default)]
        properties: BTreeMap<String, String>,
        #[serde(default)]
        ui: MsiUi,
        #[serde(default = "yes")]
        log: bool,
    },
    /// `msiexec /x {ProductCode}`: read from the folder's MSI unless given.
    MsiUninstall {
        product_code: Option<String>,
        #[serde(default)]
        ui: MsiUi,
    },
    /// An installer program with its silent switches: the standard ones of its technology unless given.
    ExeSilent { exe: String, args: Option<String> },
    /// Any command.
    Command { line: String },
}

fn yes() -> bool {
    true
}

/// What the window or the CLI asks for.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScriptRequest {
    /// The application folder (its `package.toml`, if any, gives the kept template and the code page).
    pub folder: PathBuf,
    /// `None`: the template kept in the manifest, else the one the analysis suggests.
    pub choice: Option<TemplateChoice>,
    /// The package name, for the comment and the log file name (default: the suggested name).
    pub name: Option<String>,
    /// The PCs' OEM code page (default: the manifest's, 850).
    pub code_page: Option<CodePage>,
}

/// A success exit code of the agent, for the screen's list.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SuccessCode {
    pub code: i32,
    pub status: &'static str,
    pub meaning: &'static str,
}

/// The generated script and what it would replace.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScriptOutput {
    pub script: Script,
    /// The script's text (CRLF), as `cmd.exe` will read it once encoded.
    pub text: String,
    pub code_page: CodePage,
    pub name: String,
    /// The folder's `install.bat` today, read in that code page (or as UTF-8 when it is UTF-8); `None`: there is none.
    pub current: Option<String>,
    /// The current file was generated from a template kept in the manifest (so overwriting it loses no edit).
    pub current_is_generated: bool,
    /// Writing would change the file.
    pub changes: bool,
    pub success_codes: Vec<SuccessCode>,
    /// The file `write` wrote (`None` from `generate`).
    pub written: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthorError {
    #[error(transparent)]
    Scan(#[from] ScanError),
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error(transparent)]
    Script(#[from] ScriptError),
    #[error("no MSI in {0}: name the MSI file to install")]
    NoMsi(PathBuf),
    #[error("several MSIs in the folder ({0}): choose the one to install")]
    SeveralMsi(String),
    #[error("no MSI in the folder to read the ProductCode from: give the product code {{…}} to uninstall")]
    NoProductCode,
    #[error("the silent switches of {0} are not known: give them (run {0} /? on a PC to list them) and test them before deploying")]
    UnknownSwitches(String),
    #[error("{0} is not in the folder: choose a file that is there")]
    NotInFolder(String),
    #[error("nothing to suggest for this folder (no single MSI nor installer of a known technology): choose a template")]
    NothingToSuggest,
    #[error("{0} exists and was not generated from a template (it may hold your own edits): look at what would change, then replace it explicitly")]
    WouldOverwrite(PathBuf),
    #[error("cannot write {path}: {source}; check that the folder is writable")]
    Write { path: PathBuf, source: std::io::Error },
}

impl AuthorError {
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            AuthorError::Scan(_) | AuthorError::NotInFolder(_) => crate::ErrorCode::Source,
            AuthorError::Manifest(e) => e.code(),
            AuthorError::WouldOverwrite(_) => crate::ErrorCode::Exists,
            AuthorError::Write { .. } => crate::ErrorCode::Output,
            _ => crate::ErrorCode::Script,
        }
    }
}

fn single_msi(a: &Analysis) -> Result<String, AuthorError> {
    let msis: Vec<&str> = a.installers.iter().filter(|i| i.kind == InstallerKind::Msi).map(|i| i.path.as_str()).collect();
    match msis.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Err(AuthorError::NoMsi(a.root.clone())),
        many => Err(AuthorError::SeveralMsi(many.join(", "))),
    }
}

/// Completes the admin's choice from the folder: the script to write.
pub fn resolve(choice: Option<&TemplateChoice>, kept: Option<&Script>, a: &Analysis) -> Result<Script, AuthorError> {
    let has = |f: &str| a.files.iter().any(|x| x.path.eq_ignore_ascii_case(&f.replace('\\', "/")));
    let script = match choice {
        Some(TemplateChoice::MsiInstall { msi, transforms, properties, ui, log }) => Script::MsiInstall {
            msi: match msi.as_deref().filter(|m| !m.trim().is_empty()) {
                Some(m) if has(m) => m.to_string(),
                Some(m) => return Err(AuthorError::NotInFolder(m.to_string())),
                None => single_msi(a)?,
            },
            transforms: transforms.clone(),
            properties: properties.clone(),
            ui: *ui,
            log: *log,
        },
        Some(TemplateChoice::MsiUninstall { product_code, ui }) => Script::MsiUninstall {
            product_code: match product_code.as_deref().filter(|c| !c.trim().is_empty()) {
                Some(c) => c.to_string(),
                None => a.installers.iter().find_map(|i| i.msi.product_code.clone()).ok_or(AuthorError::NoProductCode)?,
            },
            ui: *ui,
        },
        Some(TemplateChoice::ExeSilent { exe, args }) => {
            if !has(exe) {
                return Err(AuthorError::NotInFolder(exe.clone()));
            }
            let known = a.installers.iter().find(|i| i.path.eq_ignore_ascii_case(exe)).and_then(|i| i.silent_args.clone());
            let args = args.clone().filter(|s| !s.trim().is_empty()).or(known).ok_or_else(|| AuthorError::UnknownSwitches(exe.clone()))?;
            Script::ExeSilent { exe: exe.clone(), args }
        }
        Some(TemplateChoice::Command { line }) => Script::Command { line: line.clone() },
        None => {
            let mut s = kept.cloned().or_else(|| a.suggested_script.clone()).ok_or(AuthorError::NothingToSuggest)?;
            // A new version of the MSI under a new name: the kept template follows it when there is no doubt.
            if let Script::MsiInstall { msi, .. } = &mut s {
                if !has(msi) {
                    *msi = single_msi(a)?;
                }
            }
            s
        }
    };
    Ok(script)
}

/// Generates `install.bat` for `req.folder` without writing anything.
pub fn generate(req: &ScriptRequest, cancel: &CancelToken) -> Result<ScriptOutput, AuthorError> {
    let located = Located::resolve(&req.folder, TargetOs::Windows)?;
    let analysis = crate::scan::inspect(&req.folder, &[], cancel)?;
    let script = resolve(req.choice.as_ref(), located.manifest.script.as_ref(), &analysis)?;
    let name = req.name.clone().filter(|n| !n.trim().is_empty()).or(analysis.suggested_name.clone()).unwrap_or_else(|| "install".into());
    let code_page = req.code_page.unwrap_or(located.manifest.windows.batch_code_page);
    let text = script.render(&name)?;
    code_page.encode_batch(&text).map_err(ScriptError::from)?;
    let current = std::fs::read(req.folder.join("install.bat")).ok().map(|b| match String::from_utf8(b.clone()) {
        Ok(t) => t,
        Err(_) => code_page.decode(&b),
    });
    let changes = current.as_deref() != Some(text.as_str());
    Ok(ScriptOutput {
        current_is_generated: current.is_some() && located.manifest.script.is_some(),
        current,
        changes,
        script,
        text,
        code_page,
        name,
        success_codes: SUCCESS_CODES.iter().map(|(code, status, meaning)| SuccessCode { code: *code, status, meaning }).collect(),
        written: None,
    })
}

/// Writes `install.bat` in the PCs' code page and keeps the template (and the code page) in the folder's
/// manifest when it has one. An `install.bat` not generated from a template is replaced only with `overwrite`.
/// Returns the output as `generate` would now give it (the file holds the text), without scanning the folder again.
pub fn write(folder: &Path, out: &ScriptOutput, overwrite: bool) -> Result<ScriptOutput, AuthorError> {
    let target = folder.join("install.bat");
    if out.current.is_some() && !out.current_is_generated && !overwrite && out.changes {
        return Err(AuthorError::WouldOverwrite(target));
    }
    let bytes = out.code_page.encode_batch(&out.text).map_err(ScriptError::from)?;
    crate::fsx::write_atomic(&target, &bytes).map_err(|source| AuthorError::Write { path: target.clone(), source })?;
    let located = Located::resolve(folder, TargetOs::Windows)?;
    if let Some(file) = &located.file {
        let mut m = located.manifest.clone();
        m.script = Some(out.script.clone());
        m.windows.batch_code_page = out.code_page;
        crate::fsx::write_atomic(file, m.to_toml().as_bytes()).map_err(|source| AuthorError::Write { path: file.clone(), source })?;
    }
    Ok(ScriptOutput { current: Some(out.text.clone()), current_is_generated: located.file.is_some(), changes: false, written: Some(target), ..out.clone() })
}

/// Writes `install.bat` as the admin edited it (in the PCs' code page). The file is then the admin's own: the
/// manifest forgets its template (a later regeneration shows what would change before replacing it), and keeps
/// the code page.
pub fn write_text(folder: &Path, text: &str, code_page: CodePage) -> Result<PathBuf, AuthorError> {
    // cmd.exe wants CRLF; an editor may give LF.
    let text = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let bytes = code_page.encode_batch(&text).map_err(ScriptError::from)?;
    let target = folder.join("install.bat");
    crate::fsx::write_atomic(&target, &bytes).map_err(|source| AuthorError::Write { path: target.clone(), source })?;
    let located = Located::resolve(folder, TargetOs::Windows)?;
    if let Some(file) = &located.file {
        let mut m = located.manifest.clone();
        m.script = None;
        m.windows.batch_code_page = code_page;
        crate::fsx::write_atomic(file, m.to_toml().as_bytes()).map_err(|source| AuthorError::Write { path: file.clone(), source })?;
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        for (n, b) in files {
            std::fs::write(d.path().join(n), b).unwrap();
        }
        d
    }

    #[test]
    fn a_command_template_is_written_in_the_code_page_and_an_edited_file_is_kept_until_asked() {
        let d = folder(&[("install.bat", b"echo mine\r\n")]);
        let req = ScriptRequest { folder: d.path().into(), choice: Some(TemplateChoice::Command { line: "echo été".into() }), name: Some("Démo".into()), code_page: None };
        let out = generate(&req, &CancelToken::new()).unwrap();
        assert_eq!(out.current.as_deref(), Some("echo mine\r\n"));
        assert!(out.changes && !out.current_is_generated);
        assert!(matches!(write(d.path(), &out, false), Err(AuthorError::WouldOverwrite(_))));
        assert_eq!(std::fs::read(d.path().join("install.bat")).unwrap(), b"echo mine\r\n", "untouched");
        let after = write(d.path(), &out, true).unwrap();
        let bytes = std::fs::read(d.path().join("install.bat")).unwrap();
        assert!(bytes.windows(3).any(|w| w == [0x82, b't', 0x82]), "code page 850");
        let again = generate(&req, &CancelToken::new()).unwrap();
        assert!(!again.changes, "the same text again changes nothing");
        assert_eq!((after.current, after.changes, after.current_is_generated), (again.current, again.changes, again.current_is_generated), "write answers what generate would");
    }

    #[test]
    fn an_edited_text_is_written_with_crlf_in_the_code_page_and_becomes_the_admins_own() {
        let d = folder(&[("package.toml", b"[package]\nname = \"x\"\n\n[source]\nfolder = \".\"\n\n[action]\nkind = \"launch\"\nfile = \"install.bat\"\n\n[script]\ntemplate = \"command\"\nline = \"echo a\"\n")]);
        write_text(d.path(), "@echo off\nmsiexec /i \"été.msi\"\n", CodePage::default()).unwrap();
        let bytes = std::fs::read(d.path().join("install.bat")).unwrap();
        assert_eq!(CodePage::default().decode(&bytes), "@echo off\r\nmsiexec /i \"été.msi\"\r\n");
        let m = crate::manifest::Manifest::load(&d.path().join("package.toml")).unwrap();
        assert_eq!(m.script, None, "no template claims the file any more");
        assert!(matches!(write_text(d.path(), "echo Ł", CodePage::default()), Err(AuthorError::Script(ScriptError::CodePage(_)))));
    }

    #[test]
    fn choices_are_completed_from_the_folder_or_refused_with_the_reason() {
        let d = folder(&[("setup.exe", b"MZ")]);
        let gen = |c: TemplateChoice| generate(&ScriptRequest { folder: d.path().into(), choice: Some(c), ..Default::default() }, &CancelToken::new());
        let msi = TemplateChoice::MsiInstall { msi: None, transforms: vec![], properties: Default::default(), ui: MsiUi::Quiet, log: true };
        assert!(matches!(gen(msi), Err(AuthorError::NoMsi(_))));
        assert!(matches!(gen(TemplateChoice::ExeSilent { exe: "setup.exe".into(), args: None }), Err(AuthorError::UnknownSwitches(_))));
        assert!(matches!(gen(TemplateChoice::ExeSilent { exe: "other.exe".into(), args: Some("/S".into()) }), Err(AuthorError::NotInFolder(_))));
        let ok = gen(TemplateChoice::ExeSilent { exe: "setup.exe".into(), args: Some("/S".into()) }).unwrap();
        assert!(ok.text.contains("setup.exe /S\r\n"), "{}", ok.text);
        assert!(matches!(gen(TemplateChoice::MsiUninstall { product_code: None, ui: MsiUi::Quiet }), Err(AuthorError::NoProductCode)));
    }
}
