//! Putting a built package into a server's download folder over SFTP, the way every agent will then trust it:
//! files go to a hidden staging folder first (`.<ID>.ocs-studio-partial`), each fragment as `<name>.part` renamed
//! once complete; `info` is written last; the folder takes its real name (`<ID>`) only after every fragment's
//! size and the package digest were checked on the server. A copy cut midway resumes: fragments already in the
//! staging folder with the right size and SHA-256 are kept.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sha2::Digest;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::digest::{DigestAlgo, DigestEncoding};
use crate::info::{self, ParsedInfo};
use crate::progress::CancelToken;
use crate::ssh::{sh_quote, SshError, SshSession};

const CHUNK: usize = 256 << 10;

/// A package folder built by the studio (or imported): its `info` and fragments.
#[derive(Debug, Clone)]
pub struct LocalPackage {
    pub dir: PathBuf,
    pub info_bytes: Vec<u8>,
    pub info: ParsedInfo,
    pub id: String,
    /// Fragment files with their sizes, in order.
    pub fragments: Vec<(PathBuf, u64)>,
    pub size: u64,
}

impl LocalPackage {
    pub fn open(dir: &Path) -> Result<LocalPackage, String> {
        let info_path = dir.join("info");
        let info_bytes = std::fs::read(&info_path).map_err(|e| format!("{}: {e}; give a package folder built by the studio (it holds info and <ID>-1…)", info_path.display()))?;
        let info = info::parse(&info_bytes).map_err(|e| format!("{}: {e}", info_path.display()))?;
        let id = info.get("ID").unwrap_or_default().to_string();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("{}: the ID \"{id}\" is not a package number", info_path.display()));
        }
        let frags: usize = info.get("FRAGS").unwrap_or("0").parse().map_err(|_| format!("{}: FRAGS is not a number", info_path.display()))?;
        let mut fragments = Vec::with_capacity(frags);
        let mut size = 0;
        for i in 1..=frags {
            let p = dir.join(format!("{id}-{i}"));
            let len = std::fs::metadata(&p).map_err(|e| format!("{}: {e}; rebuild the package", p.display()))?.len();
            size += len;
            fragments.push((p, len));
        }
        Ok(LocalPackage { dir: dir.to_path_buf(), info_bytes, info, id, fragments, size })
    }

    pub fn get(&self, k: &str) -> &str {
        self.info.get(k).unwrap_or_default()
    }

    /// The `info` with another package ID (what a direct publication gives the package on the server).
    pub fn info_with_id(&self, id: &str) -> Vec<u8> {
        let text = String::from_utf8_lossy(&self.info_bytes);
        let old = format!(" ID=\"{}\"", self.id);
        text.replacen(&old, &format!(" ID=\"{id}\""), 1).into_bytes()
    }

    fn digest_kind(&self) -> (DigestAlgo, DigestEncoding) {
        (DigestAlgo::from_info(self.get("DIGEST_ALGO")).unwrap_or_default(), DigestEncoding::from_info(self.get("DIGEST_ENCODE")).unwrap_or_default())
    }
}

/// The SHA-256 of every fragment, computed once per copy and shared by all the servers.
#[derive(Default)]
pub struct FragmentHashes(tokio::sync::OnceCell<Arc<Vec<String>>>);

impl FragmentHashes {
    async fn get(&self, pkg: &LocalPackage) -> Result<Arc<Vec<String>>, SshError> {
        self.0
            .get_or_try_init(|| async {
                let files: Vec<PathBuf> = pkg.fragments.iter().map(|(p, _)| p.clone()).collect();
                tokio::task::spawn_blocking(move || {
                    files
                        .iter()
                        .map(|p| {
                            let mut f = std::fs::File::open(p)?;
                            let mut h = sha2::Sha256::new();
                            std::io::copy(&mut f, &mut h)?;
                            Ok(hex(&h.finalize()))
                        })
                        .collect::<std::io::Result<Vec<String>>>()
                })
                .await
                .map_err(|e| SshError::Remote { target: "this computer".into(), what: "hashing the fragments".into(), detail: e.to_string() })?
                .map(Arc::new)
                .map_err(|e| SshError::Remote { target: "this computer".into(), what: "reading the fragments".into(), detail: e.to_string() })
            })
            .await
            .cloned()
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// How to copy.
#[derive(Debug, Clone, Default)]
pub struct TransferOptions {
    /// Bytes per second, per server (None: as fast as the link goes).
    pub limit: Option<u64>,
}

/// What one copy did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransferStats {
    pub sent_fragments: usize,
    /// Fragments already on the server (resumed copy) or the whole package already there.
    pub kept_fragments: usize,
    pub bytes_sent: u64,
    /// The package was already complete and verified in its final folder.
    pub already_there: bool,
}

/// Puts `pkg` into `<root>/<remote_id>/` on the server, with `info_bytes` as its `info`. `progress(done, total)` in
/// bytes. On a lost connection the staging folder stays for the next attempt; on any other failure it is removed.
pub async fn put_package(
    s: &SshSession,
    root: &str,
    pkg: &LocalPackage,
    remote_id: &str,
    info_bytes: &[u8],
    hashes: &FragmentHashes,
    opts: &TransferOptions,
    progress: &(dyn Fn(u64, u64) + Send + Sync),
    cancel: &CancelToken,
) -> Result<TransferStats, SshError> {
    let sftp = s.sftp().await?;
    let root = root.trim_end_matches('/');
    let fin = format!("{root}/{remote_id}");
    let staging = format!("{root}/.{remote_id}.ocs-studio-partial");
    let total = pkg.size;
    let names: Vec<String> = (1..=pkg.fragments.len()).map(|i| format!("{remote_id}-{i}")).collect();
    let mut stats = TransferStats::default();

    match sftp.metadata(root).await {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(s.remote(format!("opening {root}"), "it is not a folder: give the download folder")),
        Err(e) => return Err(s.remote(format!("opening the download folder {root}"), format!("{e}: check the folder (it must exist and be writable by {})", s.target().user))),
    }

    // Already there, complete and right: nothing to send.
    if sftp.try_exists(format!("{fin}/info")).await.unwrap_or(false) {
        let served = sftp.read(format!("{fin}/info")).await.map_err(|e| s.remote(format!("reading {fin}/info"), e))?;
        if served == info_bytes && check_fragments(s, &fin, &names, pkg, hashes).await?.iter().all(|ok| *ok) {
            verify_digest(s, &fin, &names, pkg).await?;
            progress(total, total);
            return Ok(TransferStats { kept_fragments: names.len(), already_there: true, ..stats });
        }
        // Incomplete or different: take it back to the staging folder and complete it there.
        if sftp.try_exists(&staging).await.unwrap_or(false) {
            remove_tree(s, &staging).await?;
        }
        sftp.rename(&fin, &staging).await.map_err(|e| s.remote(format!("renaming {fin}"), e))?;
    } else if sftp.try_exists(&fin).await.unwrap_or(false) {
        return Err(s.remote(format!("creating {fin}"), "a folder of that name exists without an info file (another tool's package?): remove it or publish under another ID"));
    }

    if !sftp.try_exists(&staging).await.unwrap_or(false) {
        sftp.create_dir(&staging).await.map_err(|e| s.remote(format!("creating {staging}"), e))?;
    }
    let result = fill(s, sftp, &staging, &names, pkg, info_bytes, hashes, opts, progress, cancel, &mut stats).await;
    let result = match result {
        Ok(()) => verify_digest(s, &staging, &names, pkg).await,
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        // A lost link keeps the fragments already there for the next try (a hidden folder agents never fetch;
        // `relay delete` removes it too). A cancellation is the admin's choice: nothing is left.
        if !matches!(e, SshError::Lost { .. }) {
            let _ = remove_tree(s, &staging).await;
        }
        return Err(e);
    }
    // Readable by the web server, deletable by the console's user (same group).
    let _ = s.exec(&format!("chmod 2775 {q} && chmod 664 {q}/*", q = sh_quote(&staging))).await;
    sftp.rename(&staging, &fin).await.map_err(|e| s.remote(format!("renaming {staging} to {fin}"), e))?;
    Ok(stats)
}

#[allow(clippy::too_many_arguments)]
async fn fill(
    s: &SshSession,
    sftp: &russh_sftp::client::SftpSession,
    staging: &str,
    names: &[String],
    pkg: &LocalPackage,
    info_bytes: &[u8],
    hashes: &FragmentHashes,
    opts: &TransferOptions,
    progress: &(dyn Fn(u64, u64) + Send + Sync),
    cancel: &CancelToken,
    stats: &mut TransferStats,
) -> Result<(), SshError> {
    let total = pkg.size;
    let ok = check_fragments(s, staging, names, pkg, hashes).await?;
    let mut done: u64 = pkg.fragments.iter().zip(&ok).filter(|(_, k)| **k).map(|((_, l), _)| *l).sum();
    stats.kept_fragments = ok.iter().filter(|k| **k).count();
    let needed = total - done;
    if let Ok(Some(fs)) = sftp.fs_info(staging.to_string()).await {
        let free = fs.blocks_avail.saturating_mul(fs.fragment_size.max(1));
        if free < needed {
            return Err(s.remote(
                format!("copying to {staging}"),
                format!("no space left on the server's disk: {} free, {} needed; free space there or choose another folder", crate::ByteSize(free), crate::ByteSize(needed)),
            ));
        }
    }
    progress(done, total);
    let started = Instant::now();
    let mut sent_since_start: u64 = 0;
    let mut buf = vec![0u8; CHUNK];
    for (i, ((path, len), name)) in pkg.fragments.iter().zip(names).enumerate() {
        if ok[i] {
            continue;
        }
        if cancel.is_cancelled() {
            return Err(SshError::Cancelled);
        }
        let part = format!("{staging}/{name}.part");
        let mut local = tokio::fs::File::open(path).await.map_err(|e| SshError::Remote { target: "this computer".into(), what: format!("reading {}", path.display()), detail: e.to_string() })?;
        let mut remote = sftp.create(&part).await.map_err(|e| write_error(s, &part, e))?;
        let mut left = *len;
        while left > 0 {
            if cancel.is_cancelled() {
                return Err(SshError::Cancelled);
            }
            let n = local.read(&mut buf).await.map_err(|e| SshError::Remote { target: "this computer".into(), what: format!("reading {}", path.display()), detail: e.to_string() })?;
            if n == 0 {
                return Err(SshError::Remote { target: "this computer".into(), what: format!("reading {}", path.display()), detail: "the file became shorter during the copy: rebuild the package".into() });
            }
            remote.write_all(&buf[..n]).await.map_err(|e| write_error(s, &part, e))?;
            left = left.saturating_sub(n as u64);
            done += n as u64;
            stats.bytes_sent += n as u64;
            sent_since_start += n as u64;
            progress(done, total);
            if let Some(limit) = opts.limit.filter(|l| *l > 0) {
                let due = Duration::from_secs_f64(sent_since_start as f64 / limit as f64);
                let elapsed = started.elapsed();
                if due > elapsed {
                    tokio::time::sleep(due - elapsed).await;
                }
            }
        }
        remote.flush().await.map_err(|e| write_error(s, &part, e))?;
        remote.shutdown().await.map_err(|e| write_error(s, &part, e))?;
        drop(remote);
        let target = format!("{staging}/{name}");
        let _ = sftp.remove_file(&target).await;
        sftp.rename(&part, &target).await.map_err(|e| s.remote(format!("renaming {part}"), e))?;
        stats.sent_fragments += 1;
    }
    // The info last: a staging folder with an info is complete.
    let part = format!("{staging}/info.part");
    let mut f = sftp.create(&part).await.map_err(|e| write_error(s, &part, e))?;
    f.write_all(info_bytes).await.map_err(|e| write_error(s, &part, e))?;
    f.shutdown().await.map_err(|e| write_error(s, &part, e))?;
    drop(f);
    let _ = sftp.remove_file(format!("{staging}/info")).await;
    sftp.rename(&part, format!("{staging}/info")).await.map_err(|e| s.remote(format!("renaming {part}"), e))?;
    Ok(())
}

fn write_error(s: &SshSession, path: &str, e: impl std::fmt::Display) -> SshError {
    s.remote(format!("writing {path}"), e)
}

/// Which fragments are in `dir` with the right size and SHA-256 (checked on the server with `sha256sum`, or by
/// reading them back when the account has no shell).
async fn check_fragments(s: &SshSession, dir: &str, names: &[String], pkg: &LocalPackage, hashes: &FragmentHashes) -> Result<Vec<bool>, SshError> {
    let sftp = s.sftp().await?;
    let mut sized = vec![false; names.len()];
    for (i, name) in names.iter().enumerate() {
        if let Ok(m) = sftp.metadata(format!("{dir}/{name}")).await {
            sized[i] = m.size == Some(pkg.fragments[i].1);
        }
    }
    if !sized.iter().any(|x| *x) {
        return Ok(sized);
    }
    let want = hashes.get(pkg).await?;
    let candidates: Vec<usize> = (0..names.len()).filter(|&i| sized[i]).collect();
    let list: Vec<String> = candidates.iter().map(|&i| sh_quote(&names[i])).collect();
    let remote = s.exec(&format!("cd {} && sha256sum -- {}", sh_quote(dir), list.join(" "))).await;
    let mut got: std::collections::HashMap<String, String> = Default::default();
    match remote {
        Ok(out) if out.status == Some(0) => {
            for line in String::from_utf8_lossy(&out.stdout).lines() {
                if let Some((h, n)) = line.split_once("  ") {
                    got.insert(n.trim_start_matches('*').to_string(), h.to_string());
                }
            }
        }
        _ => {
            for &i in &candidates {
                got.insert(names[i].clone(), read_back_sha256(s, &format!("{dir}/{}", names[i])).await?);
            }
        }
    }
    Ok((0..names.len()).map(|i| sized[i] && got.get(&names[i]) == Some(&want[i])).collect())
}

async fn read_back_sha256(s: &SshSession, path: &str) -> Result<String, SshError> {
    let sftp = s.sftp().await?;
    let mut f = sftp.open(path).await.map_err(|e| s.remote(format!("reading {path}"), e))?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = f.read(&mut buf).await.map_err(|e| s.remote(format!("reading {path}"), e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

/// The package digest of the fragments in `dir`, computed on the server, against `info`'s DIGEST.
pub async fn verify_digest(s: &SshSession, dir: &str, names: &[String], pkg: &LocalPackage) -> Result<(), SshError> {
    if names.is_empty() {
        return Ok(());
    }
    let (algo, enc) = pkg.digest_kind();
    let tool = match algo {
        DigestAlgo::Md5 => "md5sum",
        DigestAlgo::Sha1 => "sha1sum",
        DigestAlgo::Sha256 => "sha256sum",
    };
    let list: Vec<String> = names.iter().map(|n| sh_quote(n)).collect();
    let out = s.exec(&format!("cd {} && cat -- {} | {tool}", sh_quote(dir), list.join(" "))).await?;
    let raw: Vec<u8> = if out.status == Some(0) {
        let hex_digest = String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap_or("").to_string();
        (0..hex_digest.len() / 2).filter_map(|i| u8::from_str_radix(&hex_digest[2 * i..2 * i + 2], 16).ok()).collect()
    } else {
        // No shell: read everything back.
        let sftp = s.sftp().await?;
        let mut h = crate::digest::Hasher::portable(algo);
        let mut buf = vec![0u8; CHUNK];
        for n in names {
            let p = format!("{dir}/{n}");
            let mut f = sftp.open(&p).await.map_err(|e| s.remote(format!("reading {p}"), e))?;
            loop {
                let k = f.read(&mut buf).await.map_err(|e| s.remote(format!("reading {p}"), e))?;
                if k == 0 {
                    break;
                }
                h.update(&buf[..k]);
            }
        }
        h.finish()
    };
    // Encoded as the package's own (unpadded Base64, as agents compare it; hex in any case).
    let encoded = enc.encode(&raw);
    let want = pkg.get("DIGEST");
    let same = match enc {
        DigestEncoding::Hexa => encoded.eq_ignore_ascii_case(want),
        DigestEncoding::Base64 => encoded == want,
    };
    if !same || raw.is_empty() {
        return Err(s.remote(format!("checking the package digest in {dir}"), format!("the server holds {encoded}, the package says {want}: a fragment was damaged in transit; copy again")));
    }
    Ok(())
}

/// Removes a folder and what it holds (one level: package folders have no subfolders).
pub async fn remove_tree(s: &SshSession, dir: &str) -> Result<(), SshError> {
    let sftp = s.sftp().await?;
    let entries = match sftp.read_dir(dir).await {
        Ok(e) => e,
        Err(e) => {
            if !sftp.try_exists(dir).await.unwrap_or(true) {
                return Ok(());
            }
            return Err(s.remote(format!("listing {dir}"), e));
        }
    };
    for e in entries {
        let p = format!("{dir}/{}", e.file_name());
        if e.file_type().is_dir() {
            Box::pin(remove_tree(s, &p)).await?;
        } else {
            sftp.remove_file(&p).await.map_err(|e| s.remote(format!("removing {p}"), e))?;
        }
    }
    sftp.remove_dir(dir).await.map_err(|e| s.remote(format!("removing {dir}"), e))
}
