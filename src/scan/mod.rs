//! Walks an application folder: the files that go into the package, in a fixed order, with sizes.
//! Excludes are glob patterns; a pattern without `/` matches a file or folder name at any depth.

pub mod analysis;
pub mod installers;

pub use analysis::{analyze, inspect, windows_name_problems, windows_path_problems, Analysis};

use std::path::{Path, PathBuf};

use globset::{GlobSet, GlobSetBuilder};

use crate::progress::CancelToken;

/// One file or folder of the package, named as it will be in the archive (`/` separators, no leading `/`).
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    pub name: String,
    #[serde(skip)]
    pub path: PathBuf,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub size: u64,
    pub is_dir: bool,
    /// The owner-execute bit on the source file (kept as 0755 in the archive, for Linux/macOS scripts).
    pub executable: bool,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, serde::Serialize)]
pub struct Listing {
    pub root: PathBuf,
    /// Folders and files sorted by archive name: the archive's entry order.
    pub entries: Vec<Entry>,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub file_count: usize,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub total_bytes: u64,
}

impl Listing {
    pub fn files(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| !e.is_dir)
    }
    /// A file at the root of the package, matched like the target OS's file system does.
    pub fn root_file(&self, name: &str, case_insensitive: bool) -> Option<&Entry> {
        self.files().find(|e| {
            !e.name.contains('/') && if case_insensitive { e.name.eq_ignore_ascii_case(name) } else { e.name == name }
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("the folder {0} does not exist: check the path (or the [source] folder of the manifest, which is relative to the manifest)")]
    NotFound(PathBuf),
    #[error("{0} is not a folder: give the application folder (or a package.toml manifest)")]
    NotAFolder(PathBuf),
    #[error("the folder {0} is empty (or everything in it is excluded): put the application's files and its install.bat in it")]
    Empty(PathBuf),
    #[error("cannot read {path}: {source}; check its permissions")]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error("the link {path} points to {target}, a folder that contains it: the package would never end; remove the link or exclude it")]
    LinkLoop { path: PathBuf, target: PathBuf },
    #[error("the link {path} points to {target}, which does not exist: restore its target, or remove or exclude the link")]
    BrokenLink { path: PathBuf, target: PathBuf },
    #[error("{path} is {kind}, not a file: a package holds files and folders only; remove it or exclude it")]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error("the file name {0:?} is not valid UTF-8: rename it (the archive stores UTF-8 names)")]
    NonUtf8Name(PathBuf),
    #[error("the exclude pattern \"{pattern}\" is not valid: {message}")]
    BadPattern { pattern: String, message: String },
    #[error("{0} packages no folder (a command-only package): there are no files to measure")]
    NothingToPackage(PathBuf),
    #[error("cancelled")]
    Cancelled,
}

/// Compiled exclude patterns.
pub struct Excludes {
    by_name: GlobSet,
    by_path: GlobSet,
    skip: Vec<PathBuf>,
}

impl Excludes {
    /// `skip` lists exact paths never packaged (the manifest itself when it sits in the folder).
    pub fn new(patterns: &[String], skip: Vec<PathBuf>) -> Result<Excludes, ScanError> {
        let (mut by_name, mut by_path) = (GlobSetBuilder::new(), GlobSetBuilder::new());
        for p in patterns {
            let pat = p.trim().trim_start_matches("./").trim_end_matches('/');
            let glob = globset::GlobBuilder::new(pat)
                .literal_separator(true)
                .build()
                .map_err(|e| ScanError::BadPattern { pattern: p.clone(), message: e.kind().to_string() })?;
            if pat.contains('/') {
                by_path.add(glob);
            } else {
                by_name.add(glob);
            }
        }
        let build = |b: GlobSetBuilder| b.build().expect("globs already validated");
        Ok(Excludes { by_name: build(by_name), by_path: build(by_path), skip })
    }

    fn excluded(&self, name: &str, path: &Path) -> bool {
        let base = name.rsplit('/').next().unwrap_or(name);
        self.skip.iter().any(|s| s == path) || self.by_name.is_match(base) || self.by_path.is_match(name)
    }
}

/// Lists `root` recursively, following links, skipping excluded names. Errors on an empty result.
pub fn list(root: &Path, excludes: &Excludes, cancel: &CancelToken) -> Result<Listing, ScanError> {
    let meta = std::fs::metadata(root).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ScanError::NotFound(root.to_path_buf()),
        _ => ScanError::Unreadable { path: root.to_path_buf(), source: e },
    })?;
    if !meta.is_dir() {
        return Err(ScanError::NotAFolder(root.to_path_buf()));
    }
    let root_canon = root.canonicalize().map_err(|e| ScanError::Unreadable { path: root.to_path_buf(), source: e })?;
    let mut entries = Vec::new();
    let mut it = walkdir::WalkDir::new(&root_canon).follow_links(true).min_depth(1).into_iter();
    while let Some(item) = it.next() {
        if cancel.is_cancelled() {
            return Err(ScanError::Cancelled);
        }
        let item = item.map_err(|e| {
            let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| root.to_path_buf());
            if let Some(target) = e.loop_ancestor() {
                return ScanError::LinkLoop { path, target: target.to_path_buf() };
            }
            let source = e.into_io_error().unwrap_or_else(|| std::io::Error::other("file system loop"));
            match std::fs::read_link(&path) {
                Ok(target) if source.kind() == std::io::ErrorKind::NotFound => ScanError::BrokenLink { path, target },
                _ => ScanError::Unreadable { path, source },
            }
        })?;
        let rel = item.path().strip_prefix(&root_canon).expect("walkdir stays below its root");
        let mut name = String::new();
        for comp in rel.components() {
            let s = comp.as_os_str().to_str().ok_or_else(|| ScanError::NonUtf8Name(item.path().to_path_buf()))?;
            if !name.is_empty() {
                name.push('/');
            }
            name.push_str(s);
        }
        if excludes.excluded(&name, item.path()) {
            if item.file_type().is_dir() {
                it.skip_current_dir();
            }
            continue;
        }
        let md = item.metadata().map_err(|e| ScanError::Unreadable {
            path: item.path().to_path_buf(),
            source: e.into_io_error().unwrap_or_else(|| std::io::Error::other("metadata")),
        })?;
        let is_dir = md.is_dir();
        if !is_dir && !md.is_file() {
            return Err(ScanError::NotRegular { path: item.path().to_path_buf(), kind: special_kind(&md) });
        }
        entries.push(Entry {
            name: if is_dir { format!("{name}/") } else { name },
            path: item.path().to_path_buf(),
            size: if is_dir { 0 } else { md.len() },
            is_dir,
            executable: is_executable(&md),
        });
    }
    entries.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    let file_count = entries.iter().filter(|e| !e.is_dir).count();
    if file_count == 0 {
        return Err(ScanError::Empty(root.to_path_buf()));
    }
    let total_bytes = entries.iter().map(|e| e.size).sum();
    Ok(Listing { root: root_canon, entries, file_count, total_bytes })
}

/// What a non-regular file is, for the message (a named pipe would block the build forever if read).
fn special_kind(md: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = md.file_type();
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = md;
    "a special file"
}

#[cfg(unix)]
fn is_executable(md: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    !md.is_dir() && md.permissions().mode() & 0o100 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &std::fs::Metadata) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("sub/.git")).unwrap();
        std::fs::write(d.path().join("install.bat"), "x").unwrap();
        std::fs::write(d.path().join("sub/app.dll"), "yy").unwrap();
        std::fs::write(d.path().join("sub/debug.log"), "zzz").unwrap();
        std::fs::write(d.path().join("sub/.git/HEAD"), "ref").unwrap();
        d
    }

    #[test]
    fn lists_sorted_with_excludes() {
        let d = tree();
        let ex = Excludes::new(&["*.log".into(), ".git".into()], vec![]).unwrap();
        let l = list(d.path(), &ex, &CancelToken::new()).unwrap();
        let names: Vec<&str> = l.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["install.bat", "sub/", "sub/app.dll"]);
        assert_eq!(l.total_bytes, 3);
        assert_eq!(l.file_count, 2);
        assert!(l.root_file("INSTALL.BAT", true).is_some());
        assert!(l.root_file("INSTALL.BAT", false).is_none());
    }

    #[test]
    fn path_patterns_and_skips() {
        let d = tree();
        let skip = vec![d.path().canonicalize().unwrap().join("install.bat")];
        let ex = Excludes::new(&["sub/*.log".into(), "sub/.git/**".into()], skip).unwrap();
        let l = list(d.path(), &ex, &CancelToken::new()).unwrap();
        let names: Vec<&str> = l.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["sub/", "sub/.git/", "sub/app.dll"]);
    }

    #[test]
    fn clear_errors() {
        let d = tempfile::tempdir().unwrap();
        let ex = Excludes::new(&[], vec![]).unwrap();
        assert!(matches!(list(d.path(), &ex, &CancelToken::new()), Err(ScanError::Empty(_))));
        assert!(matches!(list(&d.path().join("nope"), &ex, &CancelToken::new()), Err(ScanError::NotFound(_))));
        assert!(matches!(Excludes::new(&["a[".into()], vec![]), Err(ScanError::BadPattern { .. })));
    }
}
