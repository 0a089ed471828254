//! File-system helpers shared by every writer of the crate.

use std::io::Write;
use std::path::Path;

/// Writes a file through a temporary sibling and a rename, so readers never see half of it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The studio's settings folder: `%APPDATA%\OCS Package Studio` on Windows, else `$XDG_CONFIG_HOME/ocs-studio` (or
/// `~/.config/ocs-studio`). Secrets never go there.
pub fn config_dir() -> std::path::PathBuf {
    #[cfg(windows)]
    {
        // %APPDATA% (the roaming profile, C:\Users\<user>\AppData\Roaming), where Windows programs keep settings.
        if let Some(base) = std::env::var_os("APPDATA").or_else(|| std::env::var_os("LOCALAPPDATA")) {
            return std::path::PathBuf::from(base).join("OCS Package Studio");
        }
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".config")))
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    base.join("ocs-studio")
}

/// `s` as one word for the shell the admin uses (POSIX single quotes; double quotes on Windows).
pub fn shell_quote(s: &str) -> String {
    if cfg!(windows) {
        format!("\"{s}\"")
    } else if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+:=@".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
