//! Secrets live in the operating system's keyring, one entry per account; never in files, logs or command lines:
//! console passwords (one per server and user), SSH passwords (one per user@host:port) and SSH key passphrases
//! (one per key file). An environment variable overrides each kind for CI and automation
//! (`OCS_STUDIO_PASSWORD`, `OCS_STUDIO_SSH_PASSWORD`, `OCS_STUDIO_SSH_PASSPHRASE`).
//! On a Linux machine without a Secret Service (a headless server, CI), the kernel keyring of the login session
//! is used instead: the password then lasts as long as the session.

use crate::ocs::{OcsError, ServerSpec};

const SERVICE: &str = "ocs-package-studio";
/// The environment variable automation sets instead of using the keyring.
pub const PASSWORD_ENV: &str = "OCS_STUDIO_PASSWORD";

/// Where a password came from, for messages ("saved in …").
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Store {
    Environment,
    Keyring,
    /// The Linux kernel keyring of this login session (no Secret Service was available).
    SessionKeyring,
}

impl Store {
    pub fn describe(self) -> &'static str {
        match self {
            Store::Environment => "an environment variable (OCS_STUDIO_PASSWORD or OCS_STUDIO_SSH_*)",
            Store::Keyring if cfg!(windows) => "the Windows Credential Manager",
            Store::Keyring if cfg!(target_os = "macos") => "the macOS Keychain",
            Store::Keyring => "the system keyring",
            Store::SessionKeyring => "this login session's kernel keyring (no Secret Service is running; it is forgotten at logout)",
        }
    }
}

fn account(spec: &ServerSpec) -> String {
    let url = crate::ocs::Console::normalized(&spec.url).unwrap_or_else(|_| spec.url.clone());
    format!("{}@{}", spec.user, url)
}

fn entries_for(acc: &str) -> Vec<(Store, Result<keyring::Entry, keyring::Error>)> {
    #[allow(unused_mut)]
    let mut v = vec![(Store::Keyring, keyring::Entry::new(SERVICE, acc))];
    #[cfg(target_os = "linux")]
    {
        // The kernel session keyring the process already has: in a `keyctl session` or a desktop login its own, in a
        // plain root shell or an SSH login the user's session keyring (_uid_ses). The keyring crate's own keyutils
        // store also links the key into the persistent keyring; where the kernel refuses that link (a plain shell),
        // it reports the key as missing and may give the process a new, empty session keyring. So no persistent
        // link here: the password lasts as long as the session keyring does.
        use keyring::keyutils::KeyutilsCredential;
        use linux_keyutils::{KeyRing, KeyRingIdentifier};
        let cred = KeyRing::from_special_id(KeyRingIdentifier::Session, false)
            .map(|session| KeyutilsCredential { session, persistent: None, description: format!("keyring-rs:{acc}@{SERVICE}") })
            .map_err(|e| keyring::Error::PlatformFailure(format!("kernel keyring: {e:?}").into()));
        v.push((Store::SessionKeyring, cred.map(|c| keyring::Entry::new_with_credential(Box::new(c)))));
    }
    v
}

fn unavailable(e: &keyring::Error) -> bool {
    matches!(e, keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_))
}

/// The password for `spec`: the environment variable first, then the keyring.
pub fn password(spec: &ServerSpec) -> Result<(String, Store), OcsError> {
    secret(&account(spec), PASSWORD_ENV)
        .map_err(OcsError::Keyring)?
        .ok_or_else(|| OcsError::NoPassword { url: spec.url.clone(), user: spec.user.clone() })
}

/// Saves the password for `spec` in the system keyring (or the session keyring when there is none).
pub fn save(spec: &ServerSpec, password: &str) -> Result<Store, OcsError> {
    save_secret(&account(spec), password).map_err(OcsError::Keyring)
}

/// What `login` says when the password could not be saved anywhere: the login itself worked.
pub fn not_saved_advice(e: &OcsError) -> String {
    format!(
        "the password is correct but could not be saved ({e}); no keyring can be used on this machine, so give it to each \
         command in the {PASSWORD_ENV} environment variable (e.g. read -rs {PASSWORD_ENV}; export {PASSWORD_ENV})"
    )
}

/// Removes the saved password for `spec`; true when there was one.
pub fn forget(spec: &ServerSpec) -> Result<bool, OcsError> {
    forget_secret(&account(spec)).map_err(OcsError::Keyring)
}

/// A secret by its keyring account (`<user>@<console url>`, `ssh:user@host:port`, `ssh-key:/path/to/key`): the
/// environment variable `env` first, then the keyring (each store in turn: not saved there, or that store does not
/// exist on this machine, tries the next one).
/// `Ok(None)` when none is kept; `Err` with the keyring's own words when the keyring failed.
pub fn secret(account: &str, env: &str) -> Result<Option<(String, Store)>, String> {
    if let Ok(p) = std::env::var(env) {
        if !p.is_empty() {
            return Ok(Some((p, Store::Environment)));
        }
    }
    for (store, entry) in entries_for(account) {
        match entry.and_then(|e| e.get_password()) {
            Ok(p) => return Ok(Some((p, store))),
            Err(keyring::Error::NoEntry) => {}
            Err(e) if unavailable(&e) => tracing::debug!(store = ?store, error = %e, "keyring store unavailable"),
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(None)
}

/// Keeps a secret under `account` in the system keyring (or the session keyring when there is none).
pub fn save_secret(account: &str, value: &str) -> Result<Store, String> {
    let mut errors = Vec::new();
    for (store, entry) in entries_for(account) {
        match entry.and_then(|e| e.set_password(value)) {
            Ok(()) => {
                tracing::info!(account, store = ?store, "secret saved");
                return Ok(store);
            }
            Err(e) => errors.push(format!("{}: {e}", store.describe())),
        }
    }
    Err(errors.join("; "))
}

/// Removes the secret kept under `account`; true when there was one.
pub fn forget_secret(account: &str) -> Result<bool, String> {
    let mut removed = false;
    for (_, entry) in entries_for(account) {
        match entry.and_then(|e| e.delete_credential()) {
            Ok(()) => removed = true,
            Err(keyring::Error::NoEntry) => {}
            Err(e) if unavailable(&e) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(removed)
}
