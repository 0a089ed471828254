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

/// Creates a file of a package (a fragment, `info`, an imported file) readable by all and writable by its owner
/// only, whatever the umask: a package runs as SYSTEM on every PC, so no other account may alter it before it
/// is published; and the web server must read it.
pub fn create_package_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o644);
    }
    let f = o.open(path)?;
    #[cfg(unix)]
    {
        // An existing file keeps its mode through open(): set it.
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    Ok(f)
}

/// `create_package_file` with its content.
pub fn write_package_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    create_package_file(path)?.write_all(bytes)
}

/// Creates the folder of a settings file (and its parents) if missing. The studio's own settings folder is made
/// readable by its owner only: it names the servers, their host keys and the relays, which another account must
/// not be able to change. A folder the admin chose elsewhere (OCS_STUDIO_KNOWN_HOSTS) is left as it is. Files are
/// written by `write_atomic`, which creates them private.
pub fn ensure_settings_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    if dir == config_dir() {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
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
