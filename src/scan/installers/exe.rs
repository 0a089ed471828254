//! Windows executables recognised from their bytes: which installer technology built them, if any.
//! Each technology leaves a mark (a PE section, a signature in the overlay, a string in the resources);
//! an executable with none of them is reported as a plain program, never guessed.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ExeKind {
    Nsis,
    InnoSetup,
    InstallShield,
    WixBurn,
    SevenZipSfx,
    WinRarSfx,
    ZipSfx,
    /// A Windows program with no installer signature we know.
    PlainExe,
}

/// How far into a file signatures are looked for (installers put them in the first MiBs).
const SCAN_LIMIT: u64 = 8 << 20;

fn find(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// PE facts needed here: section names and where the image ends (the overlay starts).
struct Pe {
    sections: Vec<String>,
    image_end: u64,
}

fn parse_pe(head: &[u8]) -> Option<Pe> {
    if !head.starts_with(b"MZ") {
        return None;
    }
    let pe = u32_at(head, 0x3C)? as usize;
    if head.get(pe..pe + 4)? != b"PE\0\0" {
        return None;
    }
    let count = u16_at(head, pe + 6)? as usize;
    let opt_size = u16_at(head, pe + 20)? as usize;
    let table = pe + 24 + opt_size;
    let mut sections = Vec::with_capacity(count);
    let mut image_end = 0u64;
    for i in 0..count.min(96) {
        let s = table + i * 40;
        let raw = head.get(s..s + 40)?;
        let name = String::from_utf8_lossy(&raw[..8]).trim_end_matches('\0').to_string();
        let size = u32_at(raw, 16)? as u64;
        let ptr = u32_at(raw, 20)? as u64;
        image_end = image_end.max(ptr + size);
        sections.push(name);
    }
    Some(Pe { sections, image_end })
}

/// What kind of executable `path` is; `None` when it is not a Windows PE file at all.
pub fn detect(path: &Path) -> io::Result<Option<ExeKind>> {
    let mut f = File::open(path)?;
    let len = f.metadata()?.len();
    let mut head = Vec::new();
    (&mut f).take(SCAN_LIMIT).read_to_end(&mut head)?;
    let Some(pe) = parse_pe(&head) else { return Ok(None) };
    if pe.sections.iter().any(|s| s == ".wixburn") {
        return Ok(Some(ExeKind::WixBurn));
    }
    // The overlay (data appended after the image) is where self-extractors keep their payload.
    let mut overlay = Vec::new();
    if pe.image_end > 0 && pe.image_end < len {
        f.seek(SeekFrom::Start(pe.image_end))?;
        (&mut f).take(1 << 20).read_to_end(&mut overlay)?;
    }
    let anywhere = |n: &[u8]| find(&head, n) || find(&overlay, n);
    if anywhere(b"NullsoftInst") {
        return Ok(Some(ExeKind::Nsis));
    }
    if anywhere(b"Inno Setup Setup Data") || anywhere(b"JR.Inno.Setup") || anywhere(&utf16("Inno Setup")) {
        return Ok(Some(ExeKind::InnoSetup));
    }
    if anywhere(b"InstallShield") || anywhere(&utf16("InstallShield")) {
        return Ok(Some(ExeKind::InstallShield));
    }
    let overlay_starts = |magic: &[u8]| overlay.get(..4096).is_some_and(|o| find(o, magic)) || (overlay.len() < 4096 && find(&overlay, magic));
    if overlay_starts(b"7z\xBC\xAF\x27\x1C") {
        return Ok(Some(ExeKind::SevenZipSfx));
    }
    if overlay_starts(b"Rar!\x1A\x07") {
        return Ok(Some(ExeKind::WinRarSfx));
    }
    if overlay_starts(b"PK\x03\x04") {
        return Ok(Some(ExeKind::ZipSfx));
    }
    Ok(Some(ExeKind::PlainExe))
}

impl ExeKind {
    /// The switches that make this kind of installer run without questions, when they are standard.
    pub fn silent_args(self) -> Option<&'static str> {
        match self {
            ExeKind::Nsis => Some("/S"),
            ExeKind::InnoSetup => Some("/VERYSILENT /SUPPRESSMSGBOXES /NORESTART /SP-"),
            ExeKind::WixBurn => Some("/quiet /norestart"),
            ExeKind::InstallShield => Some("/s /v\"/qn /norestart\""),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ExeKind::Nsis => "NSIS installer",
            ExeKind::InnoSetup => "Inno Setup installer",
            ExeKind::InstallShield => "InstallShield installer",
            ExeKind::WixBurn => "WiX Burn bundle",
            ExeKind::SevenZipSfx => "7-Zip self-extracting archive",
            ExeKind::WinRarSfx => "WinRAR self-extracting archive",
            ExeKind::ZipSfx => "zip self-extracting archive",
            ExeKind::PlainExe => "Windows program (no known installer signature)",
        }
    }

    pub fn is_self_extractor(self) -> bool {
        matches!(self, ExeKind::SevenZipSfx | ExeKind::WinRarSfx | ExeKind::ZipSfx)
    }
}

/// Builds a minimal PE file: the test stubs for every signature (used by the unit and integration tests).
pub fn stub_pe(section: &str, in_image: &[u8], overlay: &[u8]) -> Vec<u8> {
    let mut b = vec![0u8; 0x40];
    b[0] = b'M';
    b[1] = b'Z';
    b[0x3C..0x40].copy_from_slice(&0x40u32.to_le_bytes());
    b.extend_from_slice(b"PE\0\0");
    let mut coff = [0u8; 20];
    coff[0..2].copy_from_slice(&0x14Cu16.to_le_bytes()); // i386
    coff[2..4].copy_from_slice(&1u16.to_le_bytes());
    coff[16..18].copy_from_slice(&0xE0u16.to_le_bytes());
    coff[18..20].copy_from_slice(&0x0102u16.to_le_bytes());
    b.extend_from_slice(&coff);
    let mut opt = vec![0u8; 0xE0];
    opt[0..2].copy_from_slice(&0x10Bu16.to_le_bytes());
    b.extend_from_slice(&opt);
    let data_at = 0x200u32;
    let mut raw = in_image.to_vec();
    raw.resize(in_image.len().div_ceil(0x200).max(1) * 0x200, 0);
    let mut sec = [0u8; 40];
    let name = section.as_bytes();
    sec[..name.len().min(8)].copy_from_slice(&name[..name.len().min(8)]);
    sec[8..12].copy_from_slice(&(raw.len() as u32).to_le_bytes());
    sec[12..16].copy_from_slice(&0x1000u32.to_le_bytes());
    sec[16..20].copy_from_slice(&(raw.len() as u32).to_le_bytes());
    sec[20..24].copy_from_slice(&data_at.to_le_bytes());
    b.extend_from_slice(&sec);
    b.resize(data_at as usize, 0);
    b.extend_from_slice(&raw);
    b.extend_from_slice(overlay);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(bytes: Vec<u8>) -> Option<ExeKind> {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("setup.exe");
        std::fs::write(&p, bytes).unwrap();
        detect(&p).unwrap()
    }

    #[test]
    fn recognises_each_technology_from_its_bytes() {
        assert_eq!(kind(stub_pe(".text", b"code", b"\0\0\0\0\xEF\xBE\xAD\xDENullsoftInst")), Some(ExeKind::Nsis));
        assert_eq!(kind(stub_pe(".rsrc", b"<assemblyIdentity name=\"JR.Inno.Setup\"/>", b"")), Some(ExeKind::InnoSetup));
        assert_eq!(kind(stub_pe(".rsrc", &utf16("InstallShield Setup Launcher"), b"")), Some(ExeKind::InstallShield));
        assert_eq!(kind(stub_pe(".wixburn", b"burn", b"")), Some(ExeKind::WixBurn));
        assert_eq!(kind(stub_pe(".text", b"sfx", b"7z\xBC\xAF\x27\x1C\0\x04")), Some(ExeKind::SevenZipSfx));
        assert_eq!(kind(stub_pe(".text", b"sfx", b"Rar!\x1A\x07\x01\0")), Some(ExeKind::WinRarSfx));
        assert_eq!(kind(stub_pe(".text", b"sfx", b"PK\x03\x04\x14\0")), Some(ExeKind::ZipSfx));
        assert_eq!(kind(stub_pe(".text", b"hello", b"")), Some(ExeKind::PlainExe));
    }

    #[test]
    fn not_a_pe_and_truncated_files_are_not_guessed() {
        assert_eq!(kind(b"MZ".to_vec()), None);
        assert_eq!(kind(b"#!/bin/sh\necho".to_vec()), None);
        let mut t = stub_pe(".text", b"x", b"");
        t.truncate(0x50);
        assert_eq!(kind(t), None);
    }
}
