//! Logging in to a console and out of it, as the window's Server screen and `login` / `logout` do it: the password
//! typed or the one saved, kept in the keyring when asked, the server added to the saved list.

use super::{forget_server, remember_server, Console, ConsoleVersion, OcsError, ServerSpec};
use crate::credentials::{self, Store};

/// A login: the console, and the password typed now (`None`: the saved one, or `OCS_STUDIO_PASSWORD`).
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LoginRequest {
    pub spec: ServerSpec,
    pub password: Option<String>,
    /// Keep the typed password in the system keyring.
    pub remember: bool,
}

/// What a login found and kept.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LoginOutput {
    /// The console's address as the studio uses it.
    pub url: String,
    pub user: String,
    pub console: ConsoleVersion,
    /// Where the password came from (`None`: typed).
    pub password_from: Option<Store>,
    /// Where the typed password was saved, when asked to.
    pub saved_in: Option<Store>,
    /// The password was right but could not be kept (no usable keyring), and how to do without: the login worked.
    pub not_saved: Option<String>,
    /// Where agents fetch packages unless the admin says otherwise: `<console host>/download`.
    pub download_location: String,
}

/// Logs in (a wrong password or an unreachable console is an error; a keyring that cannot keep the password is not).
pub async fn login(req: &LoginRequest) -> Result<(Console, LoginOutput), OcsError> {
    let (password, from) = match req.password.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => (p.to_string(), None),
        None => credentials::password(&req.spec).map(|(p, s)| (p, Some(s)))?,
    };
    let console = Console::connect(&req.spec, &password).await?;
    let (mut saved_in, mut not_saved) = (None, None);
    if req.remember && from.is_none() {
        match credentials::save(&req.spec, &password) {
            Ok(store) => saved_in = Some(store),
            Err(e) => not_saved = Some(credentials::not_saved_advice(&e)),
        }
    }
    if let Err(e) = remember_server(&req.spec) {
        tracing::warn!(error = %e, "could not add the server to the saved list");
    }
    let out = LoginOutput {
        url: console.base_url().to_string(),
        user: req.spec.user.clone(),
        console: console.version.clone(),
        password_from: from,
        saved_in,
        not_saved,
        download_location: console.default_download_location(),
    };
    Ok((console, out))
}

/// Forgets a server: its saved password (true when there was one) and its place in the saved list.
pub fn logout(spec: &ServerSpec) -> Result<bool, OcsError> {
    let removed = credentials::forget(spec)?;
    if let Err(e) = forget_server(spec) {
        tracing::warn!(error = %e, "could not remove the server from the saved list");
    }
    Ok(removed)
}
