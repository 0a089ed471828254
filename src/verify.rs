//! Offline verification of a package directory, checking what the agents check, in their order:
//! `info` parses and carries valid attributes, the fragments exist and concatenate to the DIGEST,
//! the archive opens and every entry extracts, and the file to launch sits at its root.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::build::MAX_ID;
use crate::digest::{DigestAlgo, DigestEncoding, Hasher};
use crate::info::{self, ParsedInfo};
use crate::manifest::{first_word, TargetOs, WINDOWS_COMMAND_MAX};
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
    } else if windows && attr != "PATH" && action_value.chars().count() > WINDOWS_COMMAND_MAX {
        f.error("command_too_long", format!("{attr} is {} characters long: the Windows agent ignores the package (limit {WINDOWS_COMMAND_MAX})", action_value.chars().count()), "put the command in an install.bat and launch that");
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
