//! The tar.gz archive for Linux and macOS agents (what the console makes for them), reproducible:
//! sorted entries, mtime 0, owner root, modes 0644/0755.

use std::fs::File;
use std::io::{self, Read, Write};

use super::BuildError;
use crate::digest::{DigestAlgo, Hasher};
use crate::progress::{CancelToken, Progress, ProgressSink, Stage};
use crate::scan::Entry;

struct HashingWriter<W: Write> {
    out: W,
    hasher: Option<Hasher>,
    written: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        if let Some(h) = self.hasher.as_mut() {
            h.update(&buf[..n]);
        }
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[derive(Debug)]
struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("cancelled")
    }
}

impl std::error::Error for Cancelled {}

/// A read error of a source file, told apart from the archive's write errors (tar reports both the same way).
#[derive(Debug)]
struct ReadFailed(io::Error);

impl std::fmt::Display for ReadFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for ReadFailed {}

/// Reads exactly `remaining` bytes or fails: a file that shrank or grew since it was listed must not give a tar
/// that lies about it.
struct ExactReader<'a> {
    inner: File,
    remaining: u64,
    cancel: &'a CancelToken,
    on_read: &'a mut dyn FnMut(u64),
}

impl Read for ExactReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.cancel.is_cancelled() {
            // Not ErrorKind::Interrupted: io::copy retries those forever.
            return Err(io::Error::other(Cancelled));
        }
        if self.remaining == 0 {
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe).map_err(|e| io::Error::new(e.kind(), ReadFailed(e)))? != 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "file grew"));
            }
            return Ok(0);
        }
        let want = buf.len().min(self.remaining as usize);
        let n = self.inner.read(&mut buf[..want]).map_err(|e| io::Error::new(e.kind(), ReadFailed(e)))?;
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "file shrank"));
        }
        self.remaining -= n as u64;
        (self.on_read)(n as u64);
        Ok(n)
    }
}

/// Writes the tar.gz of `entries` into `out`, hashing it with `algo` if given; returns (size, digest, out).
pub fn write_targz<W: Write>(
    entries: &[Entry],
    out: W,
    algo: Option<DigestAlgo>,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> Result<(u64, Option<Vec<u8>>, W), BuildError> {
    let out_err = |e: io::Error| BuildError::Output { path: "the package folder".into(), source: e };
    let hw = HashingWriter { out, hasher: algo.map(Hasher::new), written: 0 };
    let gz = flate2::GzBuilder::new().mtime(0).write(hw, flate2::Compression::new(super::compress::LEVEL));
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    let total: u64 = entries.iter().map(|e| e.size).sum();
    let mut done = 0u64;
    // The first read is reported at once, then every 100 ms.
    let mut last_report = std::time::Instant::now().checked_sub(std::time::Duration::from_secs(1)).unwrap_or_else(std::time::Instant::now);
    for e in entries {
        if cancel.is_cancelled() {
            return Err(BuildError::Cancelled);
        }
        let mut h = tar::Header::new_gnu();
        h.set_mtime(0);
        h.set_uid(0);
        h.set_gid(0);
        if e.is_dir {
            h.set_entry_type(tar::EntryType::Directory);
            h.set_mode(0o755);
            h.set_size(0);
            tar.append_data(&mut h, &e.name, io::empty()).map_err(out_err)?;
            continue;
        }
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mode(if e.executable { 0o755 } else { 0o644 });
        h.set_size(e.size);
        let f = File::open(&e.path).map_err(|s| BuildError::SourceRead { path: e.path.clone(), source: s })?;
        let name = e.name.clone();
        let mut report = |n: u64| {
            done += n;
            if last_report.elapsed() >= std::time::Duration::from_millis(100) {
                last_report = std::time::Instant::now();
                progress.report(Progress { stage: Stage::Compressing, done, total, current: Some(name.clone()) });
            }
        };
        let reader = ExactReader { inner: f, remaining: e.size, cancel, on_read: &mut report };
        tar.append_data(&mut h, &e.name, reader).map_err(|err| match err.kind() {
            _ if err.get_ref().is_some_and(|e| e.is::<Cancelled>()) => BuildError::Cancelled,
            io::ErrorKind::UnexpectedEof => BuildError::FileChanged(e.path.clone()),
            _ if err.get_ref().is_some_and(|e| e.is::<ReadFailed>()) => BuildError::SourceRead { path: e.path.clone(), source: err },
            _ => out_err(err),
        })?;
    }
    let gz = tar.into_inner().map_err(out_err)?;
    let mut hw = gz.finish().map_err(out_err)?;
    hw.flush().map_err(out_err)?;
    Ok((hw.written, hw.hasher.map(Hasher::finish), hw.out))
}
