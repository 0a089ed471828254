//! The servers the admin used, for the Start screen: address, user and CA file only (the password is in the
//! keyring). Kept in `servers.toml` of the studio's settings folder, most recent first.

use std::path::{Path, PathBuf};

use super::ServerSpec;

const MAX: usize = 10;

#[derive(Default, serde::Serialize, serde::Deserialize)]
struct File {
    #[serde(default, rename = "server")]
    servers: Vec<ServerSpec>,
}

fn path() -> PathBuf {
    crate::fsx::config_dir().join("servers.toml")
}

fn load(p: &Path) -> Vec<ServerSpec> {
    std::fs::read_to_string(p).ok().and_then(|s| toml::from_str::<File>(&s).ok()).map(|f| f.servers).unwrap_or_default()
}

fn same(a: &ServerSpec, b: &ServerSpec) -> bool {
    a.user == b.user && super::Console::normalized(&a.url).ok() == super::Console::normalized(&b.url).ok()
}

/// The saved servers, most recent first (an unreadable file counts as none: it only holds conveniences).
pub fn saved_servers() -> Vec<ServerSpec> {
    load(&path())
}

fn store(list: Vec<ServerSpec>) -> std::io::Result<()> {
    let p = path();
    if let Some(dir) = p.parent() {
        crate::fsx::ensure_settings_dir(dir)?;
    }
    let text = toml::to_string(&File { servers: list }).map_err(std::io::Error::other)?;
    crate::fsx::write_atomic(&p, text.as_bytes())
}

/// Puts `spec` first in the saved list.
pub fn remember_server(spec: &ServerSpec) -> std::io::Result<()> {
    let mut list: Vec<ServerSpec> = load(&path()).into_iter().filter(|s| !same(s, spec)).collect();
    list.insert(0, spec.clone());
    list.truncate(MAX);
    store(list)
}

/// Removes `spec` from the saved list.
pub fn forget_server(spec: &ServerSpec) -> std::io::Result<()> {
    store(load(&path()).into_iter().filter(|s| !same(s, spec)).collect())
}
