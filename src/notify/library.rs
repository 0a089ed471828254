//! Ready-to-edit notification texts (French and English), plus the admin's own, saved in the user's config folder.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Template {
    pub id: String,
    /// "fr" or "en".
    pub lang: String,
    pub title: String,
    /// "before" (pre-install dialog) or "after" (end-of-installation message).
    pub when: String,
    pub text: String,
    /// Suggested options for this kind of message.
    pub countdown: u32,
    pub can_abort: bool,
    pub can_delay: bool,
    #[serde(default)]
    pub builtin: bool,
}

fn t(id: &str, lang: &str, title: &str, when: &str, text: &str, countdown: u32, can_delay: bool) -> Template {
    Template { id: id.into(), lang: lang.into(), title: title.into(), when: when.into(), text: text.into(), countdown, can_abort: false, can_delay, builtin: true }
}

/// The built-in texts: before install, reboot needed, end of install, urgent security update.
pub fn builtin() -> Vec<Template> {
    vec![
        t("before-fr", "fr", "Avant l'installation", "before", "Le service informatique va installer <b>{application}</b> sur votre poste.\nEnregistrez votre travail et fermez l'application si elle est ouverte, puis cliquez sur OK.\nSi le moment ne convient pas, cliquez sur Reporter.", 0, true),
        t("before-en", "en", "Before installation", "before", "IT is about to install <b>{application}</b> on your computer.\nSave your work and close the application if it is open, then click OK.\nIf now is not a good time, click Delay.", 0, true),
        t("reboot-fr", "fr", "Redémarrage nécessaire", "after", "L'installation de <b>{application}</b> est terminée.\nVotre poste doit <b>redémarrer</b> pour la finaliser : enregistrez votre travail et redémarrez dès que possible.", 0, true),
        t("reboot-en", "en", "Restart needed", "after", "<b>{application}</b> has been installed.\nYour computer must <b>restart</b> to finish: save your work and restart as soon as you can.", 0, true),
        t("done-fr", "fr", "Fin de l'installation", "after", "L'installation de <b>{application}</b> est terminée. Merci de votre patience.", 0, true),
        t("done-en", "en", "End of installation", "after", "<b>{application}</b> is installed. Thank you for your patience.", 0, true),
        t("urgent-fr", "fr", "Mise à jour de sécurité urgente", "before", "<b>Mise à jour de sécurité urgente</b>\nLe service informatique installe une correction de sécurité pour <b>{application}</b>.\nEnregistrez votre travail : l'installation démarre automatiquement à la fin du compte à rebours.", 300, false),
        t("urgent-en", "en", "Urgent security update", "before", "<b>Urgent security update</b>\nIT is installing a security fix for <b>{application}</b>.\nSave your work: installation starts automatically when the countdown ends.", 300, false),
    ]
}

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("cannot read or write the text library {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("the text library {path} is not valid: {message}; fix or delete it")]
    Parse { path: PathBuf, message: String },
    #[error("\"{0}\" is a built-in text: save your version under another id")]
    Builtin(String),
    #[error("there is no text with the id \"{0}\": pick one of the list")]
    Unknown(String),
}

#[derive(Default, serde::Serialize, serde::Deserialize)]
struct File {
    #[serde(default, rename = "text")]
    texts: Vec<Template>,
}

/// `$XDG_CONFIG_HOME/ocs-studio/texts.toml` (or `~/.config/…`).
pub fn default_path() -> PathBuf {
    crate::fsx::config_dir().join("texts.toml")
}

fn load_user(path: &Path) -> Result<Vec<Template>, LibraryError> {
    match std::fs::read_to_string(path) {
        Ok(s) => toml::from_str::<File>(&s)
            .map(|f| f.texts)
            .map_err(|e| LibraryError::Parse { path: path.to_path_buf(), message: e.to_string().trim().to_string() }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(LibraryError::Io { path: path.to_path_buf(), source: e }),
    }
}

/// The texts with `{application}` replaced by the package's name, ready to put in the dialog.
pub fn filled(texts: Vec<Template>, application: &str) -> Vec<Template> {
    let application = application.trim();
    texts.into_iter().map(|t| Template { text: if application.is_empty() { t.text } else { t.text.replace("{application}", application) }, ..t }).collect()
}

/// Starting from a text of the library: the dialog as it stands, and the text to use.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UseTextRequest {
    pub id: String,
    /// Replaces `{application}` (the package's name and version).
    pub application: String,
    pub notification: super::Notification,
    pub done: super::DoneMessage,
}

#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UseTextOutput {
    pub notification: super::Notification,
    pub done: super::DoneMessage,
}

/// A text shown before the installation turns the notification on with it and with its suggested options
/// (countdown, cancel, delay); one shown after it becomes the end-of-installation message.
pub fn use_text(path: &Path, req: &UseTextRequest) -> Result<UseTextOutput, LibraryError> {
    let t = filled(all(path)?, &req.application).into_iter().find(|t| t.id == req.id).ok_or_else(|| LibraryError::Unknown(req.id.clone()))?;
    let (mut notification, mut done) = (req.notification.clone(), req.done.clone());
    if t.when == "after" {
        done = super::DoneMessage { enabled: true, text: t.text };
    } else {
        notification = super::Notification { enabled: true, text: t.text, countdown: t.countdown, can_abort: t.can_abort, can_delay: t.can_delay };
    }
    Ok(UseTextOutput { notification, done })
}

/// Built-in texts followed by the admin's own.
pub fn all(path: &Path) -> Result<Vec<Template>, LibraryError> {
    let mut v = builtin();
    v.extend(load_user(path)?.into_iter().map(|mut t| {
        t.builtin = false;
        t
    }));
    Ok(v)
}

/// Adds or replaces one of the admin's texts (atomically rewrites the file).
pub fn save(path: &Path, mut template: Template) -> Result<(), LibraryError> {
    if builtin().iter().any(|b| b.id == template.id) {
        return Err(LibraryError::Builtin(template.id));
    }
    template.builtin = false;
    if template.id.trim().is_empty() {
        return Err(LibraryError::Unknown(String::new()));
    }
    let mut texts = load_user(path)?;
    texts.retain(|t| t.id != template.id);
    texts.push(template);
    write_user(path, texts)
}

fn write_user(path: &Path, texts: Vec<Template>) -> Result<(), LibraryError> {
    let io = |e| LibraryError::Io { path: path.to_path_buf(), source: e };
    let dir = path.parent().unwrap_or(Path::new("."));
    crate::fsx::ensure_settings_dir(dir).map_err(io)?;
    let body = toml::to_string_pretty(&File { texts }).expect("texts serialize");
    crate::fsx::write_atomic(path, body.as_bytes()).map_err(io)
}

/// Renames one of the admin's texts (its title; the id stays).
pub fn rename(path: &Path, id: &str, title: &str) -> Result<(), LibraryError> {
    if builtin().iter().any(|b| b.id == id) {
        return Err(LibraryError::Builtin(id.to_string()));
    }
    let mut texts = load_user(path)?;
    let t = texts.iter_mut().find(|t| t.id == id).ok_or_else(|| LibraryError::Unknown(id.to_string()))?;
    t.title = title.trim().to_string();
    write_user(path, texts)
}

/// Deletes one of the admin's texts.
pub fn delete(path: &Path, id: &str) -> Result<(), LibraryError> {
    if builtin().iter().any(|b| b.id == id) {
        return Err(LibraryError::Builtin(id.to_string()));
    }
    let mut texts = load_user(path)?;
    let before = texts.len();
    texts.retain(|t| t.id != id);
    if texts.len() == before {
        return Err(LibraryError::Unknown(id.to_string()));
    }
    write_user(path, texts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_texts_lint_clean_in_both_languages() {
        let b = builtin();
        for kind in ["before", "reboot", "done", "urgent"] {
            assert!(b.iter().any(|t| t.id == format!("{kind}-fr")) && b.iter().any(|t| t.id == format!("{kind}-en")));
        }
        for t in &b {
            let serious: Vec<_> = super::super::lint::lint(&t.text, true).into_iter().filter(|l| l.level != super::super::lint::Level::Info).collect();
            assert!(serious.is_empty(), "{}: {serious:?}", t.id);
        }
    }

    #[test]
    fn user_texts_are_saved_and_listed() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("sub/texts.toml");
        let mine = Template { id: "maintenance".into(), lang: "fr".into(), title: "Maintenance".into(), when: "before".into(), text: "Mise à jour \"ce soir\"".into(), countdown: 60, can_abort: false, can_delay: true, builtin: false };
        save(&path, mine.clone()).unwrap();
        save(&path, Template { text: "v2".into(), ..mine.clone() }).unwrap();
        let all = all(&path).unwrap();
        let found: Vec<_> = all.iter().filter(|t| t.id == "maintenance").collect();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, "v2");
        assert!(matches!(save(&path, Template { id: "before-fr".into(), ..mine }), Err(LibraryError::Builtin(_))));
        std::fs::write(&path, "not toml [").unwrap();
        assert!(matches!(super::all(&path), Err(LibraryError::Parse { .. })));
    }
}
