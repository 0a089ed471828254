//! A package being authored, as the window holds it: opened from an application folder, its `package.toml`, or a
//! built package folder (through the manifest its build kept); every choice kept in the manifest, saved back, and
//! the recently opened ones listed for the Start screen.

use std::path::{Path, PathBuf};

use crate::manifest::{Located, Manifest, ManifestError, TargetOs, MANIFEST_FILE};
use crate::progress::CancelToken;
use crate::scan::{Analysis, ScanError};

/// An opened package: its manifest, where it lives, and what its folder holds.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OpenedPackage {
    /// Every choice of every screen. Without a manifest file: the procedure's defaults, named after the MSI.
    pub manifest: Manifest,
    /// Where the manifest is saved (`<folder>/package.toml` when the folder had none yet).
    pub manifest_file: PathBuf,
    /// Whether that file exists already.
    pub saved: bool,
    /// The application folder.
    pub folder: PathBuf,
    /// The folder's files, installers and warnings (`None` for a command-only package).
    pub analysis: Option<Analysis>,
}

#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error(transparent)]
    Scan(#[from] ScanError),
    #[error("{0} is a built package without the manifest its build keeps beside it ({1} is missing): open the application folder or its package.toml instead")]
    BuiltWithoutManifest(PathBuf, PathBuf),
    #[error("cannot write {path}: {source}; check that the folder is writable")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{0} is not a folder: give the application folder")]
    NotAFolder(PathBuf),
    #[error("{0} already exists: open it and change it, or start again from the defaults (replacing it)")]
    ManifestExists(PathBuf),
}

impl PackageError {
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            PackageError::Manifest(e) => e.code(),
            PackageError::Scan(_) => crate::ErrorCode::Source,
            PackageError::BuiltWithoutManifest(..) => crate::ErrorCode::Manifest,
            PackageError::Write { .. } => crate::ErrorCode::Output,
            PackageError::NotAFolder(_) => crate::ErrorCode::Source,
            PackageError::ManifestExists(_) => crate::ErrorCode::Exists,
        }
    }
}

/// Opens `path`: an application folder, a manifest file, or a built package folder `OUT/<ID>`.
pub fn open(path: &Path, cancel: &CancelToken) -> Result<OpenedPackage, PackageError> {
    let source = if path.join("info").is_file() {
        let kept = crate::build::kept_manifest_path(path);
        if !kept.is_file() {
            return Err(PackageError::BuiltWithoutManifest(path.to_path_buf(), kept));
        }
        kept
    } else {
        path.to_path_buf()
    };
    let located = Located::resolve(&source, TargetOs::Windows)?;
    let project = crate::Project { manifest: &located.manifest, base_dir: &located.base_dir, manifest_file: located.file.as_deref() };
    let folder = project.source_dir().unwrap_or_else(|| located.base_dir.clone());
    let listing = project.list(cancel)?;
    let analysis = match &listing {
        Some(l) => Some(crate::scan::analyze(l, cancel)?),
        None => None,
    };
    let mut manifest = located.manifest.clone();
    if located.file.is_none() {
        name_after_msi(&mut manifest, analysis.as_ref());
    }
    let manifest_file = located.file.clone().unwrap_or_else(|| located.base_dir.join(MANIFEST_FILE));
    if located.file.is_some() {
        remember(&manifest_file);
    }
    Ok(OpenedPackage { saved: located.file.is_some(), manifest, manifest_file, folder, analysis })
}

/// Saves `manifest` to `file` (atomically), adds it to the recent packages.
pub fn save(file: &Path, manifest: &Manifest) -> Result<(), PackageError> {
    manifest.validate()?;
    let text = format!("# OCS Package Studio manifest: every choice of the package, built again identically from it.\n\n{}", manifest.to_toml());
    crate::fsx::write_atomic(file, text.as_bytes()).map_err(|source| PackageError::Write { path: file.to_path_buf(), source })?;
    remember(file);
    Ok(())
}

/// Starting a package in a folder: a `package.toml` with the procedure's defaults.
#[derive(Debug, Clone, Default)]
pub struct InitRequest {
    pub folder: PathBuf,
    pub os: TargetOs,
    /// Default: the MSI's product name, else the folder's name.
    pub name: Option<String>,
    /// Default: the MSI's product version.
    pub version: Option<String>,
    /// Replace an existing `package.toml`.
    pub replace: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InitOutput {
    pub manifest_file: PathBuf,
    pub manifest: Manifest,
    /// Whether the folder already holds the script the LAUNCH action runs (`install.bat` / `install.sh`).
    pub entry_found: bool,
}

/// Files a package never needs, left out of a new manifest's source.
pub const DEFAULT_EXCLUDES: [&str; 4] = [".git", "Thumbs.db", "desktop.ini", ".DS_Store"];

/// Writes `<folder>/package.toml` (atomically) with the procedure's defaults, named after the folder's MSI.
pub fn init(req: &InitRequest, cancel: &CancelToken) -> Result<InitOutput, PackageError> {
    if !req.folder.is_dir() {
        return Err(PackageError::NotAFolder(req.folder.clone()));
    }
    let file = req.folder.join(MANIFEST_FILE);
    if file.exists() && !req.replace {
        return Err(PackageError::ManifestExists(file));
    }
    // What opening the bare folder gives (the MSI's name and version), even when a manifest is being replaced.
    let listing = crate::Project { manifest: &Manifest::for_folder(&req.folder, req.os), base_dir: &req.folder, manifest_file: None }.list(cancel)?;
    let analysis = match &listing {
        Some(l) => Some(crate::scan::analyze(l, cancel)?),
        None => None,
    };
    let mut m = Manifest::for_folder(&req.folder, req.os);
    name_after_msi(&mut m, analysis.as_ref());
    if let Some(n) = &req.name {
        m.package.name = n.clone();
    }
    if let Some(v) = &req.version {
        m.package.version = v.clone();
    }
    if let Some(src) = m.source.as_mut() {
        src.exclude = DEFAULT_EXCLUDES.iter().map(|s| s.to_string()).collect();
    }
    m.validate()?;
    let abs = std::path::absolute(&file).unwrap_or_else(|_| file.clone());
    let text = format!(
        "# OCS Package Studio manifest. Build it with:\n#   ocs-studio build {} --out packages\n# Paths are relative to this file. Priority 1 (first) … 9 (last), never 0.\n\n{}",
        crate::fsx::shell_quote(&abs.to_string_lossy()),
        m.to_toml()
    );
    crate::fsx::write_atomic(&file, text.as_bytes()).map_err(|source| PackageError::Write { path: file.clone(), source })?;
    remember(&file);
    let entry_found = req.folder.join(req.os.default_entry()).is_file();
    Ok(InitOutput { manifest_file: file, manifest: m, entry_found })
}

/// A bare folder's best label: its first MSI's product name and version.
fn name_after_msi(m: &mut Manifest, analysis: Option<&Analysis>) {
    if let Some(msi) = analysis.and_then(|a| a.installers.iter().find(|i| i.msi.product_name.is_some())) {
        m.package.name = msi.msi.product_name.clone().unwrap_or_default();
        m.package.version = msi.msi.product_version.clone().unwrap_or_default();
    }
}

const RECENT_MAX: usize = 12;

#[derive(Default, serde::Serialize, serde::Deserialize)]
struct RecentFile {
    #[serde(default)]
    packages: Vec<PathBuf>,
}

fn recent_path() -> PathBuf {
    crate::fsx::config_dir().join("recent.toml")
}

/// A recently opened package, for the Start screen.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecentPackage {
    pub manifest_file: PathBuf,
    /// "Name Version", read from the manifest (empty when it cannot be read any more).
    pub name: String,
    pub exists: bool,
}

/// The recently opened or saved manifests, most recent first.
pub fn recent() -> Vec<RecentPackage> {
    let list = std::fs::read_to_string(recent_path()).ok().and_then(|s| toml::from_str::<RecentFile>(&s).ok()).unwrap_or_default();
    list.packages
        .into_iter()
        .map(|p| {
            let m = Manifest::load(&p).ok();
            RecentPackage { name: m.map(|m| m.display_name()).unwrap_or_default(), exists: p.is_file(), manifest_file: p }
        })
        .collect()
}

/// Puts `file` first in the recent list (a failure only loses a convenience: logged, not reported).
fn remember(file: &Path) {
    let file = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let p = recent_path();
    let mut list = std::fs::read_to_string(&p).ok().and_then(|s| toml::from_str::<RecentFile>(&s).ok()).unwrap_or_default();
    list.packages.retain(|x| *x != file);
    list.packages.insert(0, file);
    list.packages.truncate(RECENT_MAX);
    let r = p.parent().map_or(Ok(()), crate::fsx::ensure_settings_dir).and_then(|_| crate::fsx::write_atomic(&p, toml::to_string(&list).unwrap_or_default().as_bytes()));
    if let Err(e) = r {
        tracing::warn!(error = %e, "could not update the recent packages list");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_opens_with_defaults_saves_and_reopens_identically() {
        let d = tempfile::tempdir().unwrap();
        std::env::set_var("XDG_CONFIG_HOME", d.path().join("config"));
        let app = d.path().join("app");
        std::fs::create_dir_all(&app).unwrap();
        std::fs::write(app.join("install.bat"), "x").unwrap();
        let o = open(&app, &CancelToken::new()).unwrap();
        assert!(!o.saved);
        assert_eq!(o.manifest_file, app.join(MANIFEST_FILE));
        assert_eq!(o.manifest.package.priority, 5);
        let mut m = o.manifest.clone();
        m.package.name = "Démo".into();
        m.package.version = "1.0".into();
        m.notification.enabled = true;
        m.notification.text = "Bonjour".into();
        save(&o.manifest_file, &m).unwrap();
        let again = open(&app, &CancelToken::new()).unwrap();
        assert!(again.saved);
        assert_eq!(again.manifest, m);
        assert_eq!(recent()[0].name, "Démo 1.0");
        m.package.priority = 0;
        assert!(matches!(save(&o.manifest_file, &m), Err(PackageError::Manifest(ManifestError::PriorityZero))));
        assert_eq!(open(&app, &CancelToken::new()).unwrap().manifest.package.priority, 5, "nothing half-written");
    }
}
