//! Importing a package from a server: its `info` and fragments are downloaded from where agents download them,
//! joined and checked against the digest, then opened as a studio package — the files, a `package.toml` holding
//! every value of the `info` (and the console's name, description and OS), and the archive kept as it was, so
//! that publishing it again unchanged sends the very same archive. The console cannot edit a package; this is how
//! a package built elsewhere is changed and published as a new version.

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use super::{Console, OcsError};
use crate::digest::{DigestAlgo, DigestEncoding, Hasher};
use crate::info::{self, ParsedInfo};
use crate::manifest::{Action, Manifest, Origin, Protocol, Source, TargetOs, MANIFEST_FILE};
use crate::notify::{DoneMessage, Notification};
use crate::progress::{CancelToken, Progress, ProgressSink, Stage};
use crate::ByteSize;

/// The most fragments an import accepts (the console itself never makes more than a few thousand).
const MAX_FRAGMENTS: usize = 100_000;

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportRequest {
    /// The package's ID on the server.
    pub server_id: String,
    /// The folder that receives the studio package folder.
    pub out_dir: PathBuf,
    /// The studio package folder's name (default: from the package's name).
    #[serde(default)]
    pub folder_name: Option<String>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ImportOutput {
    /// The studio package folder (its package.toml, `files/` and `original/`).
    pub dir: PathBuf,
    pub manifest_file: PathBuf,
    pub manifest: Manifest,
    pub server_id: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub files: usize,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub archive_bytes: u64,
    pub digest: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub fragments: usize,
    /// The info's attributes the manifest cannot hold (kept for reference), e.g. an unknown attribute.
    pub unmapped: Vec<String>,
}

fn bad(server_id: &str, detail: impl Into<String>) -> OcsError {
    OcsError::Unimportable { server_id: server_id.to_string(), detail: detail.into() }
}

/// Reverses the agent HTML of a notification text into what the admin typed (`<br>` back to line breaks,
/// character references back to characters).
pub fn text_from_agent_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(['&', '<']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(after) = rest.strip_prefix("<br>").or_else(|| rest.strip_prefix("<br/>")).or_else(|| rest.strip_prefix("<br />")) {
            out.push('\n');
            rest = after;
            continue;
        }
        if rest.starts_with('&') {
            // An entity is at most a dozen characters: look for its ';' that far (by characters: the text may hold
            // any UTF-8 right after a stray '&').
            if let Some((end, _)) = rest.char_indices().take(12).find(|(_, c)| *c == ';') {
                let ent = &rest[1..end];
                let c = match ent {
                    "amp" => Some('&'),
                    "quot" => Some('"'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "apos" => Some('\''),
                    _ => ent
                        .strip_prefix("#x")
                        .or_else(|| ent.strip_prefix("#X"))
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                        .and_then(char::from_u32),
                };
                if let Some(c) = c {
                    out.push(c);
                    rest = &rest[end + 1..];
                    continue;
                }
            }
        }
        out.push_str(&rest[..1]);
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

/// The manifest holding every value of `info`.
fn manifest_from_info(info: &ParsedInfo, name: &str, description: &str, os: TargetOs, fragment_size: u64, unmapped: &mut Vec<String>) -> Manifest {
    let get = |k: &str| info.get(k).unwrap_or_default().to_string();
    let mut m = Manifest::for_folder(Path::new("."), os);
    // "Firefox 128.0": the last word is the version when it starts with a digit.
    let (n, v) = match name.trim().rsplit_once(' ') {
        Some((n, v)) if v.starts_with(|c: char| c.is_ascii_digit()) => (n.to_string(), v.to_string()),
        _ => (name.trim().to_string(), String::new()),
    };
    m.package.name = n;
    m.package.version = v;
    m.package.description = description.to_string();
    m.package.priority = get("PRI").parse().ok().filter(|p| (1..=9).contains(p)).unwrap_or(5);
    m.package.protocol = if get("PROTO").eq_ignore_ascii_case("HTTPS") { Protocol::Https } else { Protocol::Http };
    m.action = match get("ACT").to_ascii_uppercase().as_str() {
        "STORE" => Action::Store { path: get("PATH") },
        "LAUNCH" => Action::Launch { file: get("NAME") },
        _ => Action::Execute { command: get("COMMAND") },
    };
    if info.get("FRAGS").unwrap_or("0") == "0" {
        m.source = None;
    } else {
        m.source = Some(Source { folder: PathBuf::from("files"), exclude: Vec::new() });
    }
    m.notification = Notification {
        enabled: get("NOTIFY_USER") == "1",
        text: text_from_agent_html(&get("NOTIFY_TEXT")),
        countdown: get("NOTIFY_COUNTDOWN").parse().unwrap_or(0),
        can_abort: get("NOTIFY_CAN_ABORT") == "1",
        can_delay: get("NOTIFY_CAN_DELAY") == "1",
    };
    m.after_install = DoneMessage { enabled: get("NEED_DONE_ACTION") == "1", text: text_from_agent_html(&get("NEED_DONE_ACTION_TEXT")) };
    m.digest.algorithm = DigestAlgo::from_info(&get("DIGEST_ALGO")).unwrap_or_default();
    m.digest.encoding = DigestEncoding::from_info(&get("DIGEST_ENCODE")).unwrap_or_default();
    if fragment_size > 0 {
        // The server's cut, in whole MiB as 2.9+ consoles cut (publishing it again through one needs that).
        m.fragments.size = ByteSize(fragment_size.div_ceil(1 << 20).max(1) << 20);
    }
    const KNOWN: [&str; 20] = [
        "ID", "PRI", "ACT", "DIGEST", "PROTO", "FRAGS", "DIGEST_ALGO", "DIGEST_ENCODE", "PATH", "NAME", "COMMAND", "NOTIFY_USER", "NOTIFY_TEXT", "NOTIFY_COUNTDOWN",
        "NOTIFY_CAN_ABORT", "NOTIFY_CAN_DELAY", "NEED_DONE_ACTION", "NEED_DONE_ACTION_TEXT", "GARDEFOU", "TYPE",
    ];
    for (k, v) in &info.attributes {
        if !KNOWN.contains(&k.as_str()) {
            unmapped.push(format!("{k}=\"{v}\""));
        }
    }
    m
}

/// A relative path inside the destination, or an error naming the entry that would escape it.
fn safe_path(server_id: &str, name: &str) -> Result<PathBuf, OcsError> {
    let p = Path::new(name);
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(x) => out.push(x),
            Component::CurDir => {}
            _ => return Err(bad(server_id, format!("the archive holds the entry \"{name}\", which would be written outside its folder: the package is refused"))),
        }
    }
    if name.contains('\\') && name.split('\\').any(|s| s == "..") {
        return Err(bad(server_id, format!("the archive holds the entry \"{name}\", which would be written outside its folder: the package is refused")));
    }
    Ok(out)
}

/// Unpacks the archive into `dest` (zip or tar.gz), refusing entries that would escape it and links.
pub fn unpack(server_id: &str, archive: &Path, dest: &Path, cancel: &CancelToken) -> Result<usize, OcsError> {
    let io = |e: std::io::Error| OcsError::Package(format!("{}: {e}", dest.display()));
    let mut head = [0u8; 2];
    std::fs::File::open(archive).and_then(|mut f| f.read_exact(&mut head)).map_err(io)?;
    std::fs::create_dir_all(dest).map_err(io)?;
    let mut files = 0;
    if head == [0x1f, 0x8b] {
        let gz = flate2::read::GzDecoder::new(std::fs::File::open(archive).map_err(io)?);
        let mut tar = tar::Archive::new(gz);
        for entry in tar.entries().map_err(|e| bad(server_id, format!("the tar.gz archive cannot be read: {e}")))? {
            if cancel.is_cancelled() {
                return Err(OcsError::Cancelled);
            }
            let mut entry = entry.map_err(|e| bad(server_id, format!("the tar.gz archive cannot be read: {e}")))?;
            let name = entry.path().map_err(|e| bad(server_id, e.to_string()))?.to_string_lossy().into_owned();
            let rel = safe_path(server_id, &name)?;
            let target = dest.join(&rel);
            match entry.header().entry_type() {
                tar::EntryType::Directory => std::fs::create_dir_all(&target).map_err(io)?,
                tar::EntryType::Regular | tar::EntryType::Continuous => {
                    if let Some(p) = target.parent() {
                        std::fs::create_dir_all(p).map_err(io)?;
                    }
                    let mode = entry.header().mode().unwrap_or(0o644);
                    let mut out = crate::fsx::create_package_file(&target).map_err(io)?;
                    std::io::copy(&mut entry, &mut out).map_err(io)?;
                    #[cfg(unix)]
                    {
                        use std::os::unix::fs::PermissionsExt;
                        let _ = std::fs::set_permissions(&target, std::fs::Permissions::from_mode(mode & 0o755 | 0o600));
                    }
                    #[cfg(not(unix))]
                    let _ = mode;
                    files += 1;
                }
                t => return Err(bad(server_id, format!("the archive holds \"{name}\", a {t:?} entry (a link or device): only files and folders are imported"))),
            }
        }
    } else {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(archive).map_err(io)?).map_err(|e| bad(server_id, format!("the archive is neither a zip nor a tar.gz ({e})")))?;
        for i in 0..zip.len() {
            if cancel.is_cancelled() {
                return Err(OcsError::Cancelled);
            }
            let mut f = zip.by_index(i).map_err(|e| bad(server_id, format!("zip entry {i}: {e}")))?;
            let name = f.name().to_string();
            let rel = safe_path(server_id, &name.replace('\\', "/"))?;
            if f.enclosed_name().is_none() {
                return Err(bad(server_id, format!("the archive holds the entry \"{name}\", which would be written outside its folder: the package is refused")));
            }
            if f.is_symlink() {
                return Err(bad(server_id, format!("the archive holds \"{name}\", a link: only files and folders are imported")));
            }
            let target = dest.join(&rel);
            if f.is_dir() {
                std::fs::create_dir_all(&target).map_err(io)?;
                continue;
            }
            if let Some(p) = target.parent() {
                std::fs::create_dir_all(p).map_err(io)?;
            }
            let mut out = crate::fsx::create_package_file(&target).map_err(io)?;
            std::io::copy(&mut f, &mut out).map_err(|e| bad(server_id, format!("zip entry \"{name}\": {e}")))?;
            #[cfg(unix)]
            if let Some(mode) = f.unix_mode().filter(|m| m & 0o111 != 0) {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(&target, std::fs::Permissions::from_mode(mode & 0o755 | 0o600));
            }
            files += 1;
        }
    }
    Ok(files)
}

fn folder_name(name: &str, id: &str) -> String {
    let s: String = name.chars().map(|c| if c.is_alphanumeric() || "-_. ".contains(c) { c } else { '_' }).collect();
    let s = s.trim().trim_matches('.').to_string();
    if s.is_empty() {
        format!("package-{id}")
    } else {
        s
    }
}

/// Imports package `req.server_id` from the console's server into `req.out_dir`.
pub async fn import_package(c: &Console, req: &ImportRequest, progress: &dyn ProgressSink, cancel: &CancelToken) -> Result<ImportOutput, OcsError> {
    let id = req.server_id.trim().to_string();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
        return Err(OcsError::Refused(format!("'{id}' is not a package ID: give the number the console shows for the package")));
    }
    // The console's name, description and OS for it; where agents fetch it.
    let listed = super::package_list(c, "").await?.into_iter().find(|p| p.server_id == id).ok_or_else(|| OcsError::NoSuchPackage(id.clone()))?;
    let acts = super::activations(c, &id).await.unwrap_or_default();
    let default_loc = c.default_download_location();
    let (info_loc, pack_loc) = acts.first().map(|a| (a.info_loc.clone(), a.pack_loc.clone())).unwrap_or((default_loc.clone(), default_loc));

    progress.report(Progress { stage: Stage::Checking, done: 0, total: 0, current: Some("info".into()) });
    let info_url = format!("https://{info_loc}/{id}/info");
    let fetch_err = |url: &str, e: String| OcsError::NotServed { url: url.to_string(), detail: e };
    let r = c.fetch(&info_url).await.map_err(|e| fetch_err(&info_url, e.to_string()))?;
    if !r.status().is_success() {
        return Err(fetch_err(&info_url, format!("HTTP {}", r.status())));
    }
    let info_bytes = r.bytes().await.map_err(|e| fetch_err(&info_url, e.to_string()))?;
    if info_bytes.len() > 1 << 20 {
        return Err(bad(&id, "the info file is over 1 MiB: not an OCS package"));
    }
    let info = info::parse(&info_bytes).map_err(|e| bad(&id, format!("the served info is broken: {e}")))?;
    if info.get("ID") != Some(id.as_str()) {
        return Err(bad(&id, format!("the served info has ID \"{}\"", info.get("ID").unwrap_or_default())));
    }
    let frags: usize = info.get("FRAGS").unwrap_or("0").parse().map_err(|_| bad(&id, "FRAGS is not a number"))?;
    if frags > MAX_FRAGMENTS {
        return Err(bad(&id, format!("{frags} fragments: more than the studio accepts ({MAX_FRAGMENTS})")));
    }
    let algo = DigestAlgo::from_info(info.get("DIGEST_ALGO").unwrap_or("MD5")).ok_or_else(|| bad(&id, "unknown DIGEST_ALGO"))?;
    let enc = DigestEncoding::from_info(info.get("DIGEST_ENCODE").unwrap_or("Hexa")).ok_or_else(|| bad(&id, "unknown DIGEST_ENCODE"))?;
    let want = info.get("DIGEST").unwrap_or_default().to_string();

    // A staging folder beside the destination: renamed into place only when complete.
    std::fs::create_dir_all(&req.out_dir).map_err(|e| OcsError::Package(format!("{}: {e}", req.out_dir.display())))?;
    let fname = req.folder_name.clone().unwrap_or_else(|| folder_name(&text_from_agent_html(&listed.name), &id));
    let dest = req.out_dir.join(&fname);
    if dest.exists() {
        return Err(OcsError::Refused(format!("{} already exists: import into another folder, or remove it", dest.display())));
    }
    let staging = tempfile::Builder::new().prefix(".ocs-studio-import-").tempdir_in(&req.out_dir).map_err(|e| OcsError::Package(format!("{}: {e}", req.out_dir.display())))?;
    let original_dir = staging.path().join("original");
    std::fs::create_dir_all(&original_dir).map_err(|e| OcsError::Package(e.to_string()))?;
    let archive_tmp = original_dir.join("archive.part");
    let mut hasher = Hasher::new(algo);
    let mut total = 0u64;
    let mut first_size = 0u64;
    let mut head: Vec<u8> = Vec::new();
    if frags > 0 {
        let scheme = if info.get("PROTO") == Some("HTTPS") { "https" } else { "http" };
        let mut out = std::io::BufWriter::new(std::fs::File::create(&archive_tmp).map_err(|e| OcsError::Package(e.to_string()))?);
        for i in 1..=frags {
            let url = format!("{scheme}://{pack_loc}/{id}/{id}-{i}");
            let mut r = c.fetch(&url).await.map_err(|e| fetch_err(&url, e.to_string()))?;
            if !r.status().is_success() {
                return Err(fetch_err(&url, format!("HTTP {}", r.status())));
            }
            let mut size = 0u64;
            while let Some(chunk) = r.chunk().await.map_err(|e| fetch_err(&url, e.to_string()))? {
                if cancel.is_cancelled() {
                    return Err(OcsError::Cancelled);
                }
                hasher.update(&chunk);
                out.write_all(&chunk).map_err(|e| OcsError::Package(e.to_string()))?;
                if head.len() < 2 {
                    head.extend(chunk.iter().take(2 - head.len()));
                }
                size += chunk.len() as u64;
                total += chunk.len() as u64;
                progress.report(Progress { stage: Stage::Downloading, done: total, total: 0, current: Some(format!("{i}/{frags}")) });
            }
            if i == 1 {
                first_size = size;
            }
        }
        out.flush().map_err(|e| OcsError::Package(e.to_string()))?;
        let got = enc.encode(&hasher.finish());
        if !got.eq_ignore_ascii_case(&want) {
            return Err(bad(&id, format!("the fragments joined give the digest {got}, the info says {want}: the package on the server is damaged (not imported)")));
        }
    }
    let os = match listed.os.to_ascii_uppercase().as_str() {
        "LINUX" => TargetOs::Linux,
        "MAC" | "MACOS" => TargetOs::Macos,
        "WINDOWS" => TargetOs::Windows,
        _ if head == [0x1f, 0x8b] => TargetOs::Linux,
        _ => TargetOs::Windows,
    };
    let archive_name = format!("{id}.{}", if head == [0x1f, 0x8b] { "tar.gz" } else { "zip" });
    let mut files = 0;
    let mut unmapped = Vec::new();
    let name = text_from_agent_html(&listed.name);
    let description = text_from_agent_html(&listed.comment);
    let mut m = manifest_from_info(&info, &name, &description, os, first_size, &mut unmapped);
    if frags > 0 {
        std::fs::rename(&archive_tmp, original_dir.join(&archive_name)).map_err(|e| OcsError::Package(e.to_string()))?;
        progress.report(Progress { stage: Stage::Scanning, done: 0, total: 0, current: Some("unpacking".into()) });
        let (sid, arch, dest_files, cancel2) = (id.clone(), original_dir.join(&archive_name), staging.path().join("files"), cancel.clone());
        files = tokio::task::spawn_blocking(move || unpack(&sid, &arch, &dest_files, &cancel2)).await.map_err(|e| OcsError::Package(e.to_string()))??;
        // What the files are now, as the build will list them.
        let project = crate::Project { manifest: &m, base_dir: staging.path(), manifest_file: None };
        let listing = project.list(cancel).map_err(|e| OcsError::Package(e.to_string()))?.ok_or_else(|| OcsError::Package("no files".into()))?;
        let fp = crate::build::files_fingerprint(&listing, cancel).map_err(|e| OcsError::Package(e.to_string()))?;
        m.origin = Some(Origin { server: c.base_url().to_string(), server_id: id.clone(), archive: PathBuf::from("original").join(&archive_name), digest: want.clone(), files: fp });
    } else {
        let _ = std::fs::remove_dir(&original_dir);
    }
    let manifest_file = staging.path().join(MANIFEST_FILE);
    crate::fsx::write_atomic(&manifest_file, m.to_toml().as_bytes()).map_err(|e| OcsError::Package(e.to_string()))?;
    let kept = staging.keep();
    std::fs::rename(&kept, &dest).map_err(|e| {
        let _ = std::fs::remove_dir_all(&kept);
        OcsError::Package(format!("{}: {e}", dest.display()))
    })?;
    progress.report(Progress { stage: Stage::Done, done: total, total, current: None });
    Ok(ImportOutput { manifest_file: dest.join(MANIFEST_FILE), dir: dest, manifest: m, server_id: id, files, archive_bytes: total, digest: want, fragments: frags, unmapped })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notification_html_comes_back_as_typed() {
        let typed = "L'application \"Compta\" & co va être installée.\nMerci / à bientôt";
        let html = crate::notify::agent_html(typed);
        assert_eq!(text_from_agent_html(&html), typed);
        assert_eq!(text_from_agent_html("a &#x41; &unknown; &"), "a A &unknown; &");
    }

    /// Found by the `info` fuzzer (fuzz/artifacts): a stray '&' followed by multi-byte characters cut a character in
    /// two and panicked the import.
    #[test]
    fn a_stray_ampersand_before_multibyte_text_is_kept() {
        assert_eq!(text_from_agent_html("x &ab⋬⋬⋬⋬;"), "x &ab⋬⋬⋬⋬;");
        assert_eq!(text_from_agent_html("&é"), "&é");
        assert_eq!(text_from_agent_html("&#233;&"), "é&");
    }

    #[test]
    fn escaping_entries_are_refused() {
        for name in ["../evil", "/etc/passwd", "a/../../b", "..\\\\x"] {
            assert!(safe_path("1", name).is_err(), "{name}");
        }
        assert_eq!(safe_path("1", "./a/b.txt").unwrap(), PathBuf::from("a/b.txt"));
    }

    #[test]
    fn a_zip_with_an_escaping_entry_leaves_nothing_outside() {
        let d = tempfile::tempdir().unwrap();
        let zip_path = d.path().join("a.zip");
        let mut w = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        w.start_file("ok.txt", zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(b"ok").unwrap();
        w.start_file("../escaped.txt", zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(b"no").unwrap();
        w.finish().unwrap();
        let dest = d.path().join("out");
        let e = unpack("7", &zip_path, &dest, &CancelToken::new()).unwrap_err();
        assert!(e.to_string().contains("outside its folder"), "{e}");
        assert!(!d.path().join("escaped.txt").exists());
    }
}
