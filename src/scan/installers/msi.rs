//! Windows Installer files read with the `msi` crate: product properties of an MSI, and what an MST/MSP is.

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum MsiKind {
    Msi,
    /// A transform (.mst), applied with TRANSFORMS= at install time.
    Mst,
    /// A patch (.msp), applied with msiexec /p.
    Msp,
}

/// The properties admins need from an MSI (the Property table and the summary information).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MsiInfo {
    pub product_name: Option<String>,
    pub product_version: Option<String>,
    pub manufacturer: Option<String>,
    pub product_code: Option<String>,
    pub upgrade_code: Option<String>,
    /// Summary information: title/subject of a transform or patch, the MSI's own otherwise.
    pub title: Option<String>,
    /// "x64", "Intel"… from the summary's template.
    pub arch: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("{path} is not a readable Windows Installer file ({reason}): it may be damaged or truncated; download it again")]
pub struct MsiError {
    pub path: std::path::PathBuf,
    pub reason: String,
}

/// Reads an MSI, MST or MSP. Malformed files give an error, never a panic.
pub fn read(path: &Path) -> Result<(MsiKind, MsiInfo), MsiError> {
    let err = |reason: String| MsiError { path: path.to_path_buf(), reason };
    let p = path.to_path_buf();
    // The msi crate parses untrusted structures; a bug in it must not bring the studio down.
    std::panic::catch_unwind(move || read_inner(&p))
        .map_err(|_| err("the file's structure is inconsistent".into()))?
        .map_err(|e| err(e.to_string()))
}

fn read_inner(path: &Path) -> std::io::Result<(MsiKind, MsiInfo)> {
    check_claimed_lengths(path)?;
    let mut pkg = msi::open(path)?;
    let kind = match pkg.package_type() {
        msi::PackageType::Installer => MsiKind::Msi,
        msi::PackageType::Transform => MsiKind::Mst,
        msi::PackageType::Patch => MsiKind::Msp,
    };
    let summary = pkg.summary_info();
    let mut info = MsiInfo {
        title: summary.title().or(summary.subject()).map(str::to_string),
        arch: summary.arch().map(str::to_string),
        ..Default::default()
    };
    let repair = Repair::new(path);
    if kind == MsiKind::Msi && pkg.has_table("Property") {
        for row in pkg.select_rows(msi::Select::table("Property"))? {
            let (Some(name), Some(value)) = (row["Property"].as_str(), row["Value"].as_str()) else { continue };
            let v = Some(repair.fix(value));
            match name {
                "ProductName" => info.product_name = v,
                "ProductVersion" => info.product_version = v,
                "Manufacturer" => info.manufacturer = v,
                "ProductCode" => info.product_code = v,
                "UpgradeCode" => info.upgrade_code = v,
                _ => {}
            }
        }
    }
    Ok((kind, info))
}

/// The msi crate reserves memory from the lengths the file claims before reading what they describe: a damaged or
/// hostile file claiming 4 to 6 GiB made it reserve that much (found by the `installers` fuzzer). Those lengths are
/// checked here first: every stream must fit in the file, every summary-information string in its stream, and the
/// string pool's strings in the string data.
fn check_claimed_lengths(path: &Path) -> std::io::Result<()> {
    use std::io::Read;
    let bad = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
    let mut comp = cfb::open(path)?;
    // The msi crate sizes its tables by the length each stream claims: no stream can hold more than the file.
    let file_len = std::fs::metadata(path)?.len();
    if let Some(e) = comp.walk().find(|e| e.is_stream() && e.len() > file_len) {
        return Err(bad(format!("the stream \"{}\" claims {} bytes in a file of {file_len} bytes", e.name().escape_debug(), e.len())));
    }
    let name = "/\u{5}SummaryInformation";
    if !comp.is_stream(name) {
        return Ok(()); // the msi crate reports the missing stream itself
    }
    let mut data = Vec::new();
    comp.open_stream(name)?.take(16 << 20).read_to_end(&mut data)?;
    let u32_at = |at: usize| data.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let Some(section) = u32_at(44) else { return Err(bad("the summary information is truncated".into())) };
    let Some(count) = u32_at(section + 4) else { return Err(bad("the summary information's section is outside the stream".into())) };
    for i in 0..count {
        let Some(offset) = u32_at(section + 8 + i * 8 + 4) else {
            return Err(bad("the summary information lists more properties than it holds".into()));
        };
        let at = section.saturating_add(offset);
        if u32_at(at) == Some(30) {
            let len = u32_at(at + 4).unwrap_or(usize::MAX);
            if len > data.len() {
                return Err(bad(format!(
                    "a summary information string claims {len} bytes in a stream of {} bytes",
                    data.len()
                )));
            }
        }
    }
    // The string pool: the msi crate reserves each string's claimed length before reading it.
    let (pool_name, data_name) = (format!("/{}", stream_name("_StringPool")), format!("/{}", stream_name("_StringData")));
    if comp.is_stream(&pool_name) && comp.is_stream(&data_name) {
        let data_len = comp.entry(&data_name)?.len();
        let mut pool = Vec::new();
        comp.open_stream(&pool_name)?.take(64 << 20).read_to_end(&mut pool)?;
        let claimed: u64 = pool_lengths(&pool).iter().map(|&l| l as u64).sum();
        if claimed > data_len {
            return Err(bad(format!("the string pool claims {claimed} bytes of strings, but the string data holds {data_len}")));
        }
    }
    Ok(())
}

/// The length of each string the string pool lists (its first 4 bytes are the code page).
fn pool_lengths(pool: &[u8]) -> Vec<usize> {
    let word = |i: usize| pool.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as usize);
    let (mut i, mut out) = (4, Vec::new());
    while let (Some(len), Some(refs)) = (word(i), word(i + 2)) {
        i += 4;
        let len = if len == 0 && refs > 0 {
            let (Some(low), Some(_)) = (word(i), word(i + 2)) else { break };
            i += 4;
            (refs << 16) | low
        } else {
            len
        };
        out.push(len);
    }
    out
}

/// Strings of a codepage-neutral MSI whose bytes are not UTF-8: the msi crate decodes them as UTF-8 and loses
/// the accents ("Compta \u{FFFD}quipe"). Windows reads such strings in the PC's ANSI code page; for the French
/// and Western admins this studio serves that is Windows-1252, so they are decoded again from the raw pool.
struct Repair {
    raw: Vec<Vec<u8>>,
}

impl Repair {
    fn new(path: &Path) -> Repair {
        Repair { raw: raw_pool(path).unwrap_or_default() }
    }

    fn fix(&self, decoded: &str) -> String {
        if !decoded.contains('\u{FFFD}') {
            return decoded.to_string();
        }
        self.raw
            .iter()
            .find(|bytes| String::from_utf8_lossy(bytes) == decoded)
            .map(|bytes| encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned())
            .unwrap_or_else(|| decoded.to_string())
    }
}

/// MSI's encoding of table stream names in the compound file (two base-64 digits per character).
fn stream_name(name: &str) -> String {
    fn b64(c: char) -> Option<u32> {
        match c {
            '0'..='9' => Some(c as u32 - '0' as u32),
            'A'..='Z' => Some(10 + c as u32 - 'A' as u32),
            'a'..='z' => Some(36 + c as u32 - 'a' as u32),
            '.' => Some(62),
            '_' => Some(63),
            _ => None,
        }
    }
    let mut out = String::from('\u{4840}');
    let chars: Vec<char> = name.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match (b64(chars[i]), chars.get(i + 1).and_then(|&c| b64(c))) {
            (Some(a), Some(b)) => {
                out.push(char::from_u32(0x3800 + (b << 6) + a).unwrap());
                i += 2;
            }
            (Some(a), None) => {
                out.push(char::from_u32(0x4800 + a).unwrap());
                i += 1;
            }
            (None, _) => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// The raw bytes of every string of the string pool, when the pool is codepage-neutral.
fn raw_pool(path: &Path) -> std::io::Result<Vec<Vec<u8>>> {
    use std::io::Read;
    let mut comp = cfb::open(path)?;
    let mut pool = Vec::new();
    comp.open_stream(format!("/{}", stream_name("_StringPool")))?.read_to_end(&mut pool)?;
    let mut data = Vec::new();
    comp.open_stream(format!("/{}", stream_name("_StringData")))?.read_to_end(&mut data)?;
    let codepage = pool.get(0..4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) & 0x7FFF_FFFF).unwrap_or(0);
    if codepage != 0 {
        return Ok(Vec::new());
    }
    let (mut at, mut out) = (0usize, Vec::new());
    for len in pool_lengths(&pool) {
        let Some(bytes) = data.get(at..at + len) else { break };
        out.push(bytes.to_vec());
        at += len;
    }
    Ok(out)
}
