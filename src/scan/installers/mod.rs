//! Installer detection: one module per technology. Each says "not mine" rather than guessing.

pub mod exe;
pub mod msi;

pub use exe::ExeKind;
pub use msi::{MsiInfo, MsiKind};

use std::path::Path;

/// What a file of the folder is, as far as installing goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum InstallerKind {
    Msi,
    Mst,
    Msp,
    Nsis,
    InnoSetup,
    InstallShield,
    WixBurn,
    SevenZipSfx,
    WinRarSfx,
    ZipSfx,
    PlainExe,
}

impl From<ExeKind> for InstallerKind {
    fn from(k: ExeKind) -> Self {
        match k {
            ExeKind::Nsis => InstallerKind::Nsis,
            ExeKind::InnoSetup => InstallerKind::InnoSetup,
            ExeKind::InstallShield => InstallerKind::InstallShield,
            ExeKind::WixBurn => InstallerKind::WixBurn,
            ExeKind::SevenZipSfx => InstallerKind::SevenZipSfx,
            ExeKind::WinRarSfx => InstallerKind::WinRarSfx,
            ExeKind::ZipSfx => InstallerKind::ZipSfx,
            ExeKind::PlainExe => InstallerKind::PlainExe,
        }
    }
}

/// One installer found in the folder.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Installer {
    /// Archive name (relative, `/` separators).
    pub path: String,
    pub kind: InstallerKind,
    /// In plain words: "MSI package", "NSIS installer"…
    pub label: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub size: u64,
    #[serde(flatten)]
    pub msi: MsiInfo,
    /// Switches for an unattended run, when the technology has standard ones.
    pub silent_args: Option<String>,
}

const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Looks at one file. `Ok(None)`: not an installer. `Err`: it claims to be one (by its bytes) but cannot be read.
pub fn identify(path: &Path, name: &str, size: u64) -> Result<Option<Installer>, msi::MsiError> {
    let lower = name.to_ascii_lowercase();
    let mut head = [0u8; 8];
    let n = std::fs::File::open(path).and_then(|mut f| std::io::Read::read(&mut f, &mut head)).unwrap_or(0);
    let head = &head[..n];
    let make = |kind: InstallerKind, label: &str, msi: MsiInfo, silent: Option<&str>| Installer {
        path: name.to_string(),
        kind,
        label: label.to_string(),
        size,
        msi,
        silent_args: silent.map(str::to_string),
    };
    let is_installer_ext = [".msi", ".mst", ".msp"].iter().any(|x| lower.ends_with(x));
    if head == CFB_MAGIC && is_installer_ext {
        let (kind, info) = msi::read(path)?;
        return Ok(Some(match kind {
            MsiKind::Msi => make(InstallerKind::Msi, "MSI package", info, Some("/qn /norestart")),
            MsiKind::Mst => make(InstallerKind::Mst, "MSI transform (MST)", info, None),
            MsiKind::Msp => make(InstallerKind::Msp, "MSI patch (MSP)", info, Some("/qn /norestart")),
        }));
    }
    if is_installer_ext {
        return Err(msi::MsiError { path: path.to_path_buf(), reason: "it does not start like a Windows Installer file".into() });
    }
    if head.starts_with(b"MZ") {
        if let Ok(Some(kind)) = exe::detect(path) {
            // DLLs and other PE files that are not .exe are libraries, not installers.
            if lower.ends_with(".exe") {
                return Ok(Some(make(kind.into(), kind.label(), MsiInfo::default(), kind.silent_args())));
            }
        }
    }
    Ok(None)
}
