//! `install.bat` templates: MSI install (with transforms and properties), MSI uninstall, EXE silent install, plain
//! command. The result uses CRLF, quotes paths, runs from its own folder and returns the real exit code, so the
//! Windows agent reports it (0, 1641, 3010 and 3011 count as success).

use std::collections::BTreeMap;

pub mod author;
pub mod codepage;
pub use author::{generate, write, write_text, AuthorError, ScriptOutput, ScriptRequest, TemplateChoice};
pub use codepage::{CodePage, NotInCodePage};

/// How msiexec shows itself: nothing at all, or a progress bar without questions (the seed's /passive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum MsiUi {
    #[default]
    Quiet,
    Passive,
}

/// A template and its parameters: what the manifest keeps so the script can be regenerated.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "template", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Script {
    MsiInstall {
        msi: String,
        #[serde(default)]
        transforms: Vec<String>,
        #[serde(default)]
        properties: BTreeMap<String, String>,
        #[serde(default)]
        ui: MsiUi,
        /// Write a verbose msiexec log to %TEMP%\<name>.log.
        #[serde(default = "yes")]
        log: bool,
    },
    MsiUninstall {
        product_code: String,
        #[serde(default)]
        ui: MsiUi,
    },
    ExeSilent {
        exe: String,
        args: String,
    },
    Command {
        line: String,
    },
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    #[error("the {0} is empty: name the file or command")]
    Empty(&'static str),
    #[error("\"{0}\" is not a product code: it looks like {{8-4-4-4-12 hexadecimal digits}} (the folder's analysis shows each MSI's ProductCode)")]
    BadProductCode(String),
    #[error("the property name \"{0}\" is not valid: use letters, digits and underscores (public properties are in capitals)")]
    BadProperty(String),
    #[error("the {0} contains a line break or a double quote, which cmd.exe cannot take there")]
    BadChars(&'static str),
    #[error(transparent)]
    CodePage(#[from] NotInCodePage),
}

/// Exit codes the Windows agent counts as success, and what it reports for them.
pub const SUCCESS_CODES: [(i32, &str, &str); 4] = [
    (0, "SUCCESS", "installed"),
    (1641, "SUCCESS_REBOOT_INITIATED", "installed; the installer started a reboot"),
    (3010, "SUCCESS_REBOOT_REQUIRED", "installed; a reboot is needed to finish"),
    (3011, "SUCCESS_RESTART_REQUIRED", "installed; the application must be restarted"),
];

/// Quotes a path or value for cmd.exe when it holds spaces or special characters.
fn q(s: &str) -> String {
    if s.is_empty() || s.chars().any(|c| c.is_whitespace() || "&()[]{}^=;!'+,`~".contains(c)) {
        format!("\"{s}\"")
    } else {
        s.to_string()
    }
}

fn clean(field: &'static str, s: &str) -> Result<String, ScriptError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(ScriptError::Empty(field));
    }
    if s.contains(['\n', '\r', '"']) {
        return Err(ScriptError::BadChars(field));
    }
    Ok(s.replace('/', "\\"))
}

fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 38
        && b[0] == b'{'
        && b[37] == b'}'
        && s[1..37].char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

/// A name safe for a log file in %TEMP%.
fn log_name(package: &str) -> String {
    let s: String = package.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '.' { c } else { '_' }).collect();
    if s.is_empty() { "install".into() } else { s }
}

impl Script {
    /// The command line the script runs (also usable as an EXECUTE command when short enough).
    pub fn command_line(&self, package: &str) -> Result<String, ScriptError> {
        self.command(package, false)
    }

    /// `in_batch`: the line goes into install.bat, where cmd.exe removes a lone `%` ("Remise 50%.msi" would be
    /// looked for as "Remise 50.msi"): file names get theirs doubled. On the agent's `cmd /c` line a `%` stays.
    fn command(&self, package: &str, in_batch: bool) -> Result<String, ScriptError> {
        let file = |field: &'static str, s: &str| clean(field, s).map(|s| if in_batch { s.replace('%', "%%") } else { s });
        Ok(match self {
            Script::MsiInstall { msi, transforms, properties, ui, log } => {
                let mut c = format!("msiexec /i {}", q(&file("MSI file", msi)?));
                if !transforms.is_empty() {
                    let t: Result<Vec<String>, _> = transforms.iter().map(|t| file("transform", t)).collect();
                    c.push_str(&format!(" TRANSFORMS=\"{}\"", t?.join(";")));
                }
                for (k, v) in properties {
                    if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                        return Err(ScriptError::BadProperty(k.clone()));
                    }
                    if v.contains(['\n', '\r', '"']) {
                        return Err(ScriptError::BadChars("property value"));
                    }
                    c.push_str(&format!(" {k}={}", q(v)));
                }
                c.push_str(match ui {
                    MsiUi::Quiet => " /qn",
                    MsiUi::Passive => " /passive",
                });
                c.push_str(" /norestart");
                if *log {
                    c.push_str(&format!(" /l*v \"%TEMP%\\{}.log\"", log_name(package)));
                }
                c
            }
            Script::MsiUninstall { product_code, ui } => {
                let code = product_code.trim().to_ascii_uppercase();
                if !is_guid(&code) {
                    return Err(ScriptError::BadProductCode(product_code.clone()));
                }
                format!("msiexec /x {code} {} /norestart", if *ui == MsiUi::Quiet { "/qn" } else { "/passive" })
            }
            Script::ExeSilent { exe, args } => {
                let exe = file("installer file", exe)?;
                if args.contains(['\n', '\r']) {
                    return Err(ScriptError::BadChars("arguments"));
                }
                format!("{} {}", q(&exe), args.trim()).trim_end().to_string()
            }
            Script::Command { line } => {
                if line.trim().is_empty() {
                    return Err(ScriptError::Empty("command"));
                }
                if line.contains(['\n', '\r']) {
                    return Err(ScriptError::BadChars("command"));
                }
                line.trim().to_string()
            }
        })
    }

    /// The whole `install.bat`, CRLF line ends.
    pub fn render(&self, package: &str) -> Result<String, ScriptError> {
        let cmd = self.command(package, true)?;
        let lines = [
            "@echo off".to_string(),
            format!("rem {} - generated by OCS Package Studio; edit freely, keep the last line.", package.replace(['\r', '\n'], " ")),
            "rem The agent counts 0, 1641, 3010 and 3011 as success; any other code is reported as EXIT_CODE_n.".to_string(),
            "cd /d \"%~dp0\"".to_string(),
            cmd,
            "exit /b %ERRORLEVEL%".to_string(),
        ];
        Ok(lines.join("\r\n") + "\r\n")
    }

    /// The bytes of `install.bat` as the PCs' `cmd.exe` reads them: `render` encoded in their OEM code page.
    pub fn render_bytes(&self, package: &str, code_page: CodePage) -> Result<Vec<u8>, ScriptError> {
        Ok(code_page.encode_batch(&self.render(package)?)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percent_in_a_file_name_is_doubled_in_install_bat_only() {
        let s = Script::MsiInstall { msi: "Remise 50% été.msi".into(), transforms: vec!["a%b.mst".into()], properties: BTreeMap::new(), ui: MsiUi::Quiet, log: false };
        assert!(s.render("P").unwrap().contains("msiexec /i \"Remise 50%% été.msi\" TRANSFORMS=\"a%%b.mst\" /qn"));
        assert_eq!(s.command_line("P").unwrap(), "msiexec /i \"Remise 50% été.msi\" TRANSFORMS=\"a%b.mst\" /qn /norestart");
        let e = Script::ExeSilent { exe: "setup 100%.exe".into(), args: "/S".into() };
        assert!(e.render("P").unwrap().contains("\"setup 100%%.exe\" /S\r\n"));
    }

    #[test]
    fn msi_install_with_transform_and_properties() {
        let mut props = BTreeMap::new();
        props.insert("ALLUSERS".into(), "1".into());
        props.insert("INSTALLDIR".into(), "C:\\Program Files\\Mon Appli".into());
        let s = Script::MsiInstall { msi: "Mon Appli.msi".into(), transforms: vec!["fr.mst".into()], properties: props, ui: MsiUi::Passive, log: true };
        let bat = s.render("Mon Appli 2.1").unwrap();
        assert_eq!(
            bat,
            "@echo off\r\nrem Mon Appli 2.1 - generated by OCS Package Studio; edit freely, keep the last line.\r\nrem The agent counts 0, 1641, 3010 and 3011 as success; any other code is reported as EXIT_CODE_n.\r\ncd /d \"%~dp0\"\r\nmsiexec /i \"Mon Appli.msi\" TRANSFORMS=\"fr.mst\" ALLUSERS=1 INSTALLDIR=\"C:\\Program Files\\Mon Appli\" /passive /norestart /l*v \"%TEMP%\\Mon_Appli_2.1.log\"\r\nexit /b %ERRORLEVEL%\r\n"
        );
        assert!(!bat.replace("\r\n", "").contains('\n'), "CRLF only");
    }

    #[test]
    fn uninstall_exe_and_command() {
        let u = Script::MsiUninstall { product_code: "{6f1b3c2a-5d4e-4f60-8a7b-9c0d1e2f3a4b}".into(), ui: MsiUi::Quiet };
        assert_eq!(u.command_line("x").unwrap(), "msiexec /x {6F1B3C2A-5D4E-4F60-8A7B-9C0D1E2F3A4B} /qn /norestart");
        assert!(matches!(Script::MsiUninstall { product_code: "nope".into(), ui: MsiUi::Quiet }.command_line("x"), Err(ScriptError::BadProductCode(_))));
        let e = Script::ExeSilent { exe: "Setup Tool.exe".into(), args: "/S".into() };
        assert_eq!(e.command_line("x").unwrap(), "\"Setup Tool.exe\" /S");
        assert!(matches!(Script::MsiInstall { msi: "a\".msi".into(), transforms: vec![], properties: Default::default(), ui: MsiUi::Quiet, log: false }.command_line("x"), Err(ScriptError::BadChars(_))));
    }

    #[test]
    fn manifest_form_round_trips() {
        let s = Script::MsiInstall { msi: "a.msi".into(), transforms: vec![], properties: Default::default(), ui: MsiUi::Quiet, log: true };
        let t = toml::to_string(&s).unwrap();
        assert!(t.contains("template = \"msi-install\""), "{t}");
        assert_eq!(toml::from_str::<Script>(&t).unwrap(), s);
    }
}
