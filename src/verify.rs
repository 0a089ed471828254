//! Offline verification of a package directory, checking what the agents check, in their order:
//! `info` parses and carries valid attributes, the fragments exist and concatenate to the DIGEST,
//! the archive opens and every entry extracts, and the file to launch sits at its root.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::build::MAX_ID;
use crate::digest::{DigestAlgo, DigestEncoding, Hasher};
use crate::info::{self, ParsedInfo};
use crate::manifest::{expand_for_windows_agent, first_word, TargetOs, WINDOWS_COMMAND_MAX};
use crate::progress::{CancelToken, Progress, ProgressSink, Stage};

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The agent would fail or refuse the package.
    Error,
    /// It works, but not as the admin probably expects.
    Warning,
}

/// One finding, with the agent's likely result and how to fix it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub fix: String,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, serde::Serialize)]
pub struct VerifyReport {
    pub ok: bool,
    pub dir: PathBuf,
    pub id: Option<String>,
    pub problems: Vec<Problem>,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub fragments: usize,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub archive_size: u64,
    pub archive_format: Option<&'static str>,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub entries: usize,
    pub computed_digest: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// The agents the package is meant for; `None` checks for both.
    pub os: Option<TargetOs>,
}

struct Findings(Vec<Problem>);

impl Findings {
    fn error(&mut self, code: &'static str, message: impl Into<String>, fix: impl Into<String>) {
        self.0.push(Problem { severity: Severity::Error, code, message: message.into(), fix: fix.into() });
    }
    fn warn(&mut self, code: &'static str, message: impl Into<String>, fix: impl Into<String>) {
        self.0.push(Problem { severity: Severity::Warning, code, message: message.into(), fix: fix.into() });
    }
}

const REBUILD: &str = "build the package again with the studio";

/// Verifies `dir` (a `…/<ID>` package folder). Only cancellation is an `Err`; everything else is a problem.
pub fn verify(dir: &Path, opts: &VerifyOptions, progress: &dyn ProgressSink, cancel: &CancelToken) -> Result<VerifyReport, io::Error> {
    let mut f = Findings(Vec::new());
    let mut report = VerifyReport {
        ok: false,
        dir: dir.to_path_buf(),
        id: None,
        problems: Vec::new(),
        fragments: 0,
        archive_size: 0,
        archive_format: None,
        entries: 0,
        computed_digest: None,
    };
    let info_path = dir.join("info");
    let bytes = match std::fs::read(&info_path) {
        Ok(b) => b,
        Err(e) => {
            let (code, msg) = if !dir.is_dir() {
                ("no_package_dir", format!("{} is not a folder", dir.display()))
            } else {
                ("no_info", format!("cannot read {}: {e}", info_path.display()))
            };
            f.error(code, msg, "give the package folder OUT/<ID> that the studio's build wrote (it holds info and the fragments)");
            return Ok(finish(report, f));
        }
    };
    check_layout(&bytes, &mut f);
    let parsed = match info::parse(&bytes) {
        Ok(p) => p,
        Err(e) => {
            f.error("info_not_xml", e.to_string(), "escape &, < and \" in every value (&amp; &lt; &quot;); ".to_string() + REBUILD);
            return Ok(finish(report, f));
        }
    };
    let dir_name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let Some(checked) = check_attributes(&parsed, &dir_name, opts, &mut f) else {
        return Ok(finish(report, f));
    };
    report.id = Some(checked.id.clone());
    report.fragments = checked.frags;

    // Fragments: the agent downloads <ID>-1..FRAGS and concatenates them.
    let mut paths = Vec::new();
    for i in 1..=checked.frags {
        let p = dir.join(format!("{}-{i}", checked.id));
        match std::fs::metadata(&p) {
            Ok(m) if m.is_file() && m.len() > 0 => paths.push((p, m.len())),
            Ok(_) => f.error("fragment_empty", format!("fragment {} is empty", p.display()), REBUILD),
            Err(_) => f.error("fragment_missing", format!("fragment {} is missing (FRAGS=\"{}\")", p.display(), checked.frags), "copy every fragment file with info, or ".to_string() + REBUILD),
        }
    }
    let extra = dir.join(format!("{}-{}", checked.id, checked.frags + 1));
    if extra.exists() {
        let fix = "remove the extra files or ".to_string() + REBUILD;
        if checked.frags == 0 {
            f.error("frags_zero_with_files", "FRAGS=\"0\" but fragment files are present: the agents skip the archive and still report SUCCESS", fix);
        } else {
            f.warn("extra_fragment", format!("{} exists beyond FRAGS=\"{}\"; the agents ignore it", extra.display(), checked.frags), fix);
        }
    }
    if checked.frags == 0 || paths.len() != checked.frags {
        return Ok(finish(report, f));
    }
    report.archive_size = paths.iter().map(|(_, l)| l).sum();

    // Digest of the concatenation, as build_package / CPackage::build compute it.
    let mut hasher = Hasher::new(checked.algo);
    let mut buf = vec![0u8; 1 << 20];
    let mut done = 0u64;
    for (p, _) in &paths {
        let mut file = File::open(p)?;
        loop {
            if cancel.is_cancelled() {
                return Err(io::Error::new(io::ErrorKind::Interrupted, "verification cancelled"));
            }
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            done += n as u64;
            progress.report(Progress { stage: Stage::Verifying, done, total: report.archive_size, current: None });
        }
    }
    let computed = checked.encoding.encode(&hasher.finish());
    if computed != checked.digest {
        f.error(
            "bad_digest",
            format!("the fragments' {} is {computed} but info says {}: the agent reports ERR_BAD_DIGEST", checked.algo.as_info(), checked.digest),
            "never edit or re-split fragments without rewriting info; ".to_string() + REBUILD,
        );
    }
    report.computed_digest = Some(computed);

    let mut reader = Concat::open(&paths)?;
    let mut head = [0u8; 4];
    reader.read_exact(&mut head).ok();
    reader.seek(SeekFrom::Start(0))?;
    if head.starts_with(b"PK") {
        report.archive_format = Some("zip");
        if opts.os.is_none_or(|o| o == TargetOs::Windows) {
            windows_zip_checks(&mut reader, &checked.id, opts.os == Some(TargetOs::Windows), &mut f)?;
            reader.seek(SeekFrom::Start(0))?;
        }
        check_zip(reader, &checked, &mut report, &mut f, cancel)?;
    } else if head.starts_with(&[0x1f, 0x8b]) {
        report.archive_format = Some("tar.gz");
        if opts.os.is_none_or(|o| o == TargetOs::Windows) {
            let sev_fix = "build it for Windows: Windows agents extract zip only";
            if opts.os == Some(TargetOs::Windows) {
                f.error("not_zip", "the archive is a tar.gz: the Windows agent reports ERR_UNZIP", sev_fix);
            } else {
                f.warn("not_zip", "the archive is a tar.gz: only Linux/macOS agents can extract it (Windows reports ERR_UNZIP)", sev_fix);
            }
        }
        check_targz(reader, &checked, &mut report, &mut f, cancel)?;
    } else {
        f.error("unknown_archive", "the fragments do not form a zip or tar.gz archive: the agent reports ERR_UNZIP / ERR_BUILD", "build the package from a folder (or a .zip) with the studio; never a self-extracting installer");
    }
    Ok(finish(report, f))
}

fn finish(mut r: VerifyReport, f: Findings) -> VerifyReport {
    r.ok = !f.0.iter().any(|p| p.severity == Severity::Error);
    for p in &f.0 {
        tracing::debug!(dir = %r.dir.display(), code = p.code, severity = ?p.severity, "{}", p.message);
    }
    r.problems = f.0;
    r
}

/// Byte layout the console writes; the agents tolerate other layouts, so deviations are warnings.
fn check_layout(bytes: &[u8], f: &mut Findings) {
    let text = String::from_utf8_lossy(bytes);
    let fix = "agents accept it, but the console's layout is two LF-terminated lines; ".to_string() + REBUILD;
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        f.warn("layout_bom", "info starts with a byte-order mark", fix.clone());
    }
    if text.contains('\r') {
        f.warn("layout_crlf", "info has CR line ends", fix.clone());
    }
    let lines: Vec<&str> = text.trim_end_matches('\n').split('\n').collect();
    if lines.len() != 2 || lines[0] != info::XML_DECL || !lines[1].starts_with("<DOWNLOAD ") || !text.ends_with(" />\n") {
        f.warn("layout", "info is not laid out as the console writes it (declaration line, then one <DOWNLOAD … /> line)", fix);
    }
}

struct Checked {
    id: String,
    frags: usize,
    algo: DigestAlgo,
    encoding: DigestEncoding,
    digest: String,
    act: String,
    action_value: String,
}

fn check_attributes(p: &ParsedInfo, dir_name: &str, opts: &VerifyOptions, f: &mut Findings) -> Option<Checked> {
    if p.root != "DOWNLOAD" {
        f.error("info_root", format!("the root element is <{}>, not <DOWNLOAD>", p.root), REBUILD);
        return None;
    }
    let windows = opts.os.is_none_or(|o| o == TargetOs::Windows);
    let get = |k: &str| p.get(k);
    let mut fatal = false;
    for k in ["ID", "PRI", "ACT", "DIGEST", "PROTO", "FRAGS", "DIGEST_ALGO", "DIGEST_ENCODE"] {
        if get(k).is_none() {
            f.error("attr_missing", format!("info has no {k} attribute"), REBUILD);
            fatal = true;
        }
    }
    if fatal {
        return None;
    }
    let id = get("ID").unwrap().to_string();
    if id != dir_name {
        f.error("bad_id", format!("info says ID=\"{id}\" but the folder is named \"{dir_name}\": the agent reports ERR_BAD_ID"), "the folder name, the URL and ID must be the same; ".to_string() + REBUILD);
    }
    match id.parse::<u64>() {
        Ok(n) if n > 0 && n <= MAX_ID && id.bytes().all(|b| b.is_ascii_digit()) => {}
        _ => f.error("bad_id_value", format!("ID=\"{id}\" is not a number from 1 to {MAX_ID}: the server clamps larger IDs in its history"), REBUILD),
    }
    let pri = get("PRI").unwrap();
    match pri.parse::<u8>() {
        Ok(0) if pri == "0" => f.warn("priority_zero", "PRI=\"0\": this package will stop every other package from downloading while it is queued", "use a priority from 1 to 9"),
        Ok(1..=9) if pri.len() == 1 => {}
        _ => f.error("bad_priority", format!("PRI=\"{pri}\" is not a priority from 0 to 9"), "use a priority from 1 to 9"),
    }
    let act = get("ACT").unwrap().to_string();
    let attr = match act.as_str() {
        "LAUNCH" => "NAME",
        "EXECUTE" => "COMMAND",
        "STORE" => "PATH",
        other => {
            f.error("bad_act", format!("ACT=\"{other}\" is not STORE, EXECUTE or LAUNCH (upper case): the Windows agent reports ERR_BAD_PARAM"), REBUILD);
            return None;
        }
    };
    let action_value = get(attr).unwrap_or("").to_string();
    if action_value.trim().is_empty() {
        f.error("action_empty", format!("ACT=\"{act}\" but {attr} is missing or empty: the Windows agent reports ERR_BAD_PARAM"), format!("give the {attr} value and rebuild"));
    } else if windows && attr != "PATH" {
        let x = expand_for_windows_agent(&action_value);
        if x.len > WINDOWS_COMMAND_MAX {
            let after = if x.expanded != action_value { " once its variables are expanded as SYSTEM sees them" } else { "" };
            f.error(
                "command_too_long",
                format!("{attr} is {} characters long{after}: the Windows agent expands it into {} characters at most and ignores the package", x.len, WINDOWS_COMMAND_MAX),
                "put the command in an install.bat at the root of the package and launch that",
            );
        }
    }
    let proto = get("PROTO").unwrap();
    if proto != "HTTP" && proto != "HTTPS" {
        f.error("bad_proto", format!("PROTO=\"{proto}\" is not HTTP or HTTPS"), REBUILD);
    }
    let frags_s = get("FRAGS").unwrap();
    let frags = match frags_s.parse::<usize>() {
        Ok(n) if !frags_s.is_empty() && frags_s.bytes().all(|b| b.is_ascii_digit()) => n,
        _ => {
            f.error("bad_frags", format!("FRAGS=\"{frags_s}\" is not a number: the Windows agent refuses the metadata"), REBUILD);
            return None;
        }
    };
    if frags == 0 && act != "EXECUTE" {
        f.error("no_files", format!("FRAGS=\"0\" with ACT=\"{act}\": there is nothing to {}", if act == "STORE" { "store" } else { "launch" }), "only an EXECUTE package may have no files; ".to_string() + REBUILD);
    }
    let algo_s = get("DIGEST_ALGO").unwrap();
    let algo = match algo_s {
        "MD5" => DigestAlgo::Md5,
        "SHA1" => DigestAlgo::Sha1,
        other => match DigestAlgo::from_info(other) {
            Some(a) => {
                f.warn("digest_algo_windows_only", format!("DIGEST_ALGO=\"{other}\": only the Windows agent accepts it; Unix agents know exactly MD5 and SHA1"), "use MD5 (what the console writes)");
                a
            }
            None => {
                f.error("bad_digest_algo", format!("DIGEST_ALGO=\"{other}\" is unknown to the agents"), "use MD5");
                return None;
            }
        },
    };
    let Some(encoding) = DigestEncoding::from_info(get("DIGEST_ENCODE").unwrap()) else {
        f.error("bad_digest_encode", format!("DIGEST_ENCODE=\"{}\" is neither Hexa nor Base64", get("DIGEST_ENCODE").unwrap()), "use Hexa");
        return None;
    };
    let digest = get("DIGEST").unwrap().to_string();
    if frags > 0 {
        let len = encoding.encoded_len(algo);
        if digest.len() != len {
            f.error("bad_digest_format", format!("DIGEST=\"{digest}\" is not a {} {} digest ({len} characters)", algo.as_info(), encoding.as_info()), REBUILD);
        } else if encoding == DigestEncoding::Hexa && digest.chars().any(|c| c.is_ascii_uppercase()) {
            f.error("digest_uppercase", "DIGEST is in upper case: both agents compare lowercase hex and report ERR_BAD_DIGEST", "write the digest in lower case");
        }
    } else if !digest.is_empty() {
        f.warn("digest_without_files", "DIGEST is set but FRAGS=\"0\"", REBUILD);
    }
    for k in ["NOTIFY_USER", "NOTIFY_CAN_ABORT", "NOTIFY_CAN_DELAY", "NEED_DONE_ACTION"] {
        match get(k) {
            Some("0") | Some("1") => {}
            Some(v) => f.error("bad_flag", format!("{k}=\"{v}\" is not 0 or 1"), REBUILD),
            None => f.warn("attr_missing", format!("info has no {k} attribute (the console always writes it)"), REBUILD),
        }
    }
    if let Some(c) = get("NOTIFY_COUNTDOWN") {
        if !c.bytes().all(|b| b.is_ascii_digit()) {
            f.error("bad_countdown", format!("NOTIFY_COUNTDOWN=\"{c}\" is not a number of seconds"), "use digits only, e.g. 0 or 60");
        }
    }
    for k in ["NOTIFY_TEXT", "NEED_DONE_ACTION_TEXT"] {
        if let Some(t) = get(k) {
            if t.contains('"') {
                f.error("text_quote", format!("{k} holds a double quote after XML decoding: the Windows agent passes it as /MSG=\"…\" and the message is cut at that quote"), "write the quote as &amp;quot; in info (the studio does), or use « »");
            }
        }
    }
    if get("GARDEFOU").is_none() {
        f.warn("attr_missing", "info has no GARDEFOU attribute (the console always writes GARDEFOU=\"rien\")", REBUILD);
    }
    Some(Checked { id, frags, algo, encoding, digest, act, action_value })
}

fn launch_checks(names: &[String], checked: &Checked, case_insensitive: bool, f: &mut Findings) {
    let first = first_word(&checked.action_value);
    let at_root = |n: &str| names.iter().any(|e| if case_insensitive { e.eq_ignore_ascii_case(n) } else { e == n });
    if checked.act == "LAUNCH" && !first.is_empty() && !at_root(&first) {
        let tops: std::collections::BTreeSet<&str> = names.iter().filter_map(|n| n.split('/').next()).collect();
        let hint = if tops.len() == 1 && names.iter().any(|n| n.ends_with(&format!("/{first}"))) {
            format!("everything is inside the folder \"{}\": put {first} at the root of the archive (pitfall 7)", tops.iter().next().unwrap())
        } else {
            format!("add {first} at the root of the folder, or fix NAME")
        };
        f.error("launch_missing", format!("the file to launch \"{first}\" is not at the root of the archive: the agent reports ERR_EXECUTE"), hint);
    }
    if names.iter().any(|n| n.starts_with('/') || n.split('/').any(|c| c == "..") || n.contains('\\')) {
        f.error("unsafe_path", "the archive holds absolute paths, \"..\" or backslashes in names", REBUILD);
    }
}

fn check_zip(reader: Concat, checked: &Checked, report: &mut VerifyReport, f: &mut Findings, cancel: &CancelToken) -> io::Result<()> {
    let mut zip = match zip::ZipArchive::new(reader) {
        Ok(z) => z,
        Err(e) => {
            f.error("zip_unreadable", format!("the archive is not a readable zip ({e}): the Windows agent reports ERR_UNZIP"), REBUILD);
            return Ok(());
        }
    };
    report.entries = zip.len();
    let mut names = Vec::with_capacity(zip.len());
    let mut sink = vec![0u8; 1 << 16];
    for i in 0..zip.len() {
        if cancel.is_cancelled() {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "verification cancelled"));
        }
        let mut e = match zip.by_index(i) {
            Ok(e) => e,
            Err(err) => {
                f.error("zip_entry", format!("entry {i} cannot be read: {err}"), REBUILD);
                continue;
            }
        };
        let name = e.name().to_string();
        // Reading to the end checks the CRC, as extraction would.
        loop {
            match e.read(&mut sink) {
                Ok(0) => break,
                Ok(_) => {}
                Err(err) => {
                    f.error("zip_corrupt", format!("\"{name}\" does not extract: {err}"), REBUILD);
                    break;
                }
            }
        }
        names.push(name.trim_end_matches('/').to_string());
    }
    launch_checks(&names, checked, true, f);
    Ok(())
}

fn check_targz(reader: Concat, checked: &Checked, report: &mut VerifyReport, f: &mut Findings, cancel: &CancelToken) -> io::Result<()> {
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(reader));
    let mut names = Vec::new();
    let entries = match ar.entries() {
        Ok(e) => e,
        Err(e) => {
            f.error("tar_unreadable", format!("the tar.gz cannot be read: {e}"), REBUILD);
            return Ok(());
        }
    };
    for e in entries {
        if cancel.is_cancelled() {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "verification cancelled"));
        }
        match e {
            Ok(mut e) => {
                let name = e.path().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
                if let Err(err) = io::copy(&mut e, &mut io::sink()) {
                    f.error("tar_corrupt", format!("\"{name}\" does not extract: {err}"), REBUILD);
                    break;
                }
                names.push(name.trim_start_matches("./").trim_end_matches('/').to_string());
            }
            Err(err) => {
                f.error("tar_corrupt", format!("the tar.gz is damaged: {err}"), REBUILD);
                break;
            }
        }
    }
    report.entries = names.len();
    launch_checks(&names, checked, false, f);
    Ok(())
}

/// What the Windows agent's zip library (ZipArchive) does differently from other extractors, read from the
/// central directory itself: it throws on Zip64, decodes names by the "made by" host byte (not flag bit 11), reads
/// a Unix mode 0 as read-only and hidden, and creates paths without the long-path prefix. `sure`: the package is
/// for Windows (errors); otherwise for both kinds of agent (the Windows failures are warnings).
fn windows_zip_checks(reader: &mut Concat, id: &str, sure: bool, f: &mut Findings) -> io::Result<()> {
    let mut push = |code: &'static str, message: String, fix: &str| {
        if sure {
            f.error(code, message, fix);
        } else {
            f.warn(code, format!("{message} (if the package is meant for Windows)"), fix);
        }
    };
    let len = reader.len;
    let tail_len = len.min(65_557 + 20);
    reader.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0u8; tail_len as usize];
    reader.read_exact(&mut tail)?;
    let Some(eocd) = (0..tail.len().saturating_sub(21)).rev().find(|&i| tail[i..].starts_with(b"PK\x05\x06")) else {
        return Ok(()); // check_zip reports an unreadable zip
    };
    let le16 = |b: &[u8], at: usize| u16::from_le_bytes([b[at], b[at + 1]]) as u64;
    let le32 = |b: &[u8], at: usize| u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as u64;
    let zip64_fix = "split the files into several packages (each under 4 GiB and 65,535 files), or build for Linux/macOS agents";
    let zip64 = |why: String| format!("the archive uses Zip64 ({why}): the Windows agent's zip library throws on it, download.exe dies and after 5 tries the server gets ERR_EXECUTE_TOO_MANY_TRY");
    if eocd >= 20 && tail[eocd - 20..].starts_with(b"PK\x06\x07") {
        push("zip64_windows", zip64("a Zip64 end record: over 4 GiB or over 65,535 entries".into()), zip64_fix);
        return Ok(());
    }
    let (count, cd_size, cd_offset) = (le16(&tail, eocd + 10), le32(&tail, eocd + 12), le32(&tail, eocd + 16));
    if cd_offset.saturating_add(cd_size) > len {
        return Ok(());
    }
    reader.seek(SeekFrom::Start(cd_offset))?;
    let mut cd = vec![0u8; cd_size as usize];
    reader.read_exact(&mut cd)?;
    let prefix = format!("C:\\Windows\\Temp\\{id}.OCS\\");
    let (mut at, mut names, mut modes) = (0usize, Vec::new(), Vec::new());
    let mut zip64_entry = None;
    for _ in 0..count {
        if at + 46 > cd.len() || !cd[at..].starts_with(b"PK\x01\x02") {
            break;
        }
        let host = cd[at + 5];
        let flags = le16(&cd, at + 8);
        let (csize, usize_, offset) = (le32(&cd, at + 20), le32(&cd, at + 24), le32(&cd, at + 42));
        let (n, x, c) = (le16(&cd, at + 28) as usize, le16(&cd, at + 30) as usize, le16(&cd, at + 32) as usize);
        let ext = le32(&cd, at + 38);
        let Some(raw) = cd.get(at + 46..at + 46 + n) else { break };
        let name = String::from_utf8_lossy(raw).into_owned();
        if [csize, usize_, offset].contains(&0xFFFF_FFFF) && zip64_entry.is_none() {
            zip64_entry = Some(name.clone());
        }
        if !raw.is_ascii() {
            match host {
                3 | 7 if std::str::from_utf8(raw).is_err() => push(
                    "zip_name_encoding",
                    format!("the name \"{name}\" is marked UTF-8 (Unix host) but is not UTF-8: the Windows agent extracts it under a garbled name"),
                    REBUILD,
                ),
                0 if flags & 0x800 != 0 => push(
                    "zip_name_encoding",
                    format!("the name \"{name}\" is stored in UTF-8 with a DOS host byte: the Windows agent ignores the UTF-8 flag and decodes it in the PC's OEM code page, so the file is extracted as \"{}\" and a command naming it fails", crate::script::CodePage::default().decode(raw)),
                    "build the package with the studio, which stores names in UTF-8 with a Unix host byte",
                ),
                _ => {}
            }
        }
        if matches!(host, 3 | 7) && !name.ends_with('/') {
            modes.push((name.clone(), (ext >> 16) & 0o777));
        }
        names.push(name);
        at += 46 + n + x + c;
    }
    if let Some(e) = zip64_entry {
        push("zip64_windows", zip64(format!("\"{e}\" or its place in the archive is over 4 GiB")), zip64_fix);
    } else if count == 0xFFFF || cd_offset == 0xFFFF_FFFF {
        push("zip64_windows", zip64("the entry count or the directory's place needs it".into()), zip64_fix);
    }
    if let Some((name, _)) = modes.iter().find(|(_, m)| *m == 0) {
        push(
            "zip_mode_zero",
            format!("\"{name}\" has the Unix mode 0: the Windows agent extracts it as a read-only, hidden file"),
            REBUILD,
        );
    }
    for w in crate::scan::windows_name_problems(names.iter().map(|n| n.trim_end_matches('/')), prefix.chars().count()) {
        let code = match w.code {
            crate::manifest::WarningCode::CaseCollision => "zip_case_collision",
            crate::manifest::WarningCode::PathTooLong => "zip_path_too_long",
            _ => "zip_windows_name",
        };
        push(code, format!("{} (the Windows agent extracts under {prefix})", w.message), "rename the files and build again");
    }
    Ok(())
}

/// The fragments read as one file, as the agent's `build.zip` / `build.tar.gz`.
struct Concat {
    parts: Vec<(File, u64, u64)>,
    len: u64,
    pos: u64,
}

impl Concat {
    fn open(paths: &[(PathBuf, u64)]) -> io::Result<Concat> {
        let mut parts = Vec::with_capacity(paths.len());
        let mut start = 0;
        for (p, len) in paths {
            parts.push((File::open(p)?, start, *len));
            start += len;
        }
        Ok(Concat { parts, len: start, pos: 0 })
    }
}

impl Read for Concat {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.len || buf.is_empty() {
            return Ok(0);
        }
        let idx = self.parts.partition_point(|(_, start, len)| start + len <= self.pos);
        let (file, start, len) = &mut self.parts[idx];
        let within = self.pos - *start;
        file.seek(SeekFrom::Start(within))?;
        let want = buf.len().min((*len - within) as usize);
        let n = file.read(&mut buf[..want])?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Concat {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let new = match to {
            SeekFrom::Start(n) => n as i128,
            SeekFrom::End(d) => self.len as i128 + d as i128,
            SeekFrom::Current(d) => self.pos as i128 + d as i128,
        };
        if new < 0 {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "seek before start"));
        }
        self.pos = new as u64;
        Ok(self.pos)
    }
}
