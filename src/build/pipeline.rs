//! The zip build pipeline: one dispatcher, N compressing workers, one writer, one hasher.
//! Every source file is read once, in chunks; chunks are compressed in parallel and written in a fixed order;
//! at most `window` chunks are in flight, so memory does not grow with the package. The writer hands each
//! buffer it wrote to the hasher thread, so hashing overlaps compression and writing.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, unbounded, Receiver, Sender};

use super::compress::{deflate_whole, encode_chunk, is_precompressed};
use super::zipfmt::ZipOut;
use super::BuildError;
use crate::digest::{DigestAlgo, Hasher};
use crate::progress::{CancelToken, Progress, ProgressSink, Stage};
use crate::scan::Entry;

/// Files are read and compressed in pieces of this size.
pub const CHUNK: u64 = 1 << 20;
/// Buffers the hasher may lag behind the writer.
const HASH_QUEUE: usize = 16;

#[derive(Clone, Copy)]
enum Mode {
    /// A file of one chunk: the worker chooses between deflate and store.
    Whole,
    /// A larger file already compressed (by its bytes): deflate method, stored blocks, no compression attempt.
    StoredBlocks,
    /// A larger file: deflate, chunk by chunk, stored blocks where deflate does not pay.
    Deflate,
}

struct Job {
    seq: u64,
    entry: usize,
    offset: u64,
    len: usize,
    last: bool,
    mode: Mode,
}

struct ChunkOut {
    raw_len: u64,
    crc: crc32fast::Hasher,
    data: Vec<u8>,
    method: u16,
}

type Done = (u64, Result<ChunkOut, BuildError>);

fn chunks_of(size: u64) -> u64 {
    size.div_ceil(CHUNK).max(1)
}

fn read_err(path: &Path, e: std::io::Error) -> BuildError {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        BuildError::FileChanged(path.to_path_buf())
    } else {
        BuildError::SourceRead { path: path.to_path_buf(), source: e }
    }
}

fn run_job(job: &Job, e: &Entry) -> Result<ChunkOut, BuildError> {
    let mut f = File::open(&e.path).map_err(|err| read_err(&e.path, err))?;
    if job.offset > 0 {
        f.seek(SeekFrom::Start(job.offset)).map_err(|err| read_err(&e.path, err))?;
    }
    let mut buf = Vec::with_capacity(job.len);
    (&mut f).take(job.len as u64).read_to_end(&mut buf).map_err(|err| read_err(&e.path, err))?;
    if buf.len() != job.len {
        return Err(BuildError::FileChanged(e.path.clone()));
    }
    if job.last {
        // A file that grew since it was listed would give an archive that lies about it.
        let mut probe = [0u8; 1];
        if f.read(&mut probe).map_err(|err| read_err(&e.path, err))? != 0 {
            return Err(BuildError::FileChanged(e.path.clone()));
        }
    }
    let mut crc = crc32fast::Hasher::new();
    crc.update(&buf);
    let raw_len = buf.len() as u64;
    let (method, data) = match job.mode {
        Mode::Whole => match deflate_whole(&buf) {
            Some(d) => (8, d),
            None => (0, buf),
        },
        Mode::StoredBlocks => (8, super::compress::stored_piece(&buf, job.last)),
        Mode::Deflate => (8, encode_chunk(&buf, job.last).bytes),
    };
    Ok(ChunkOut { raw_len, crc, data, method })
}

/// Writes the zip of `entries` into `sink`; with `hash`, a hasher thread digests every byte as it is written.
/// Returns (size, digest, sink).
pub fn write_zip<S: std::io::Write + Send>(
    entries: &[Entry],
    sink: S,
    hash: Option<DigestAlgo>,
    threads: usize,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> Result<(u64, Option<Vec<u8>>, S), BuildError> {
    let threads = threads.max(1);
    let window = 2 * threads + 2;
    let total: u64 = entries.iter().map(|e| e.size).sum();

    let (job_tx, job_rx) = bounded::<Job>(window);
    let (done_tx, done_rx) = unbounded::<Done>();
    let (token_tx, token_rx) = bounded::<()>(window);
    for _ in 0..window {
        token_tx.send(()).expect("fresh channel");
    }
    let (tap_tx, tap_rx) = bounded::<Vec<u8>>(HASH_QUEUE);

    std::thread::scope(|s| {
        let hasher = hash.map(|algo| {
            s.spawn(move || {
                let mut h = Hasher::new(algo);
                for buf in tap_rx.iter() {
                    h.update(&buf);
                }
                h.finish()
            })
        });
        let tap = hasher.is_some().then_some(tap_tx);
        // Dispatcher: turns files into chunk jobs, one token per job in flight.
        {
            let done_tx = done_tx.clone();
            let cancel = cancel.clone();
            s.spawn(move || {
        let mut seq = 0u64;
                for (idx, e) in entries.iter().enumerate().filter(|(_, e)| !e.is_dir) {
                    let n = chunks_of(e.size);
                    let mode = if n == 1 {
                        Mode::Whole
                    } else {
                        match sniff(&e.path) {
                            Ok(true) => Mode::StoredBlocks,
                            Ok(false) => Mode::Deflate,
                            Err(err) => {
                                let _ = done_tx.send((seq, Err(read_err(&e.path, err))));
                                return;
                            }
                        }
                    };
                    for c in 0..n {
                        if token_rx.recv().is_err() || cancel.is_cancelled() {
                            return;
                        }
                        let offset = c * CHUNK;
                        let len = (e.size - offset).min(CHUNK) as usize;
                        let job = Job { seq, entry: idx, offset, len, last: c + 1 == n, mode };
                        if job_tx.send(job).is_err() {
                            return;
                        }
                        seq += 1;
                    }
                }
            });
        }
        for _ in 0..threads {
            let job_rx: Receiver<Job> = job_rx.clone();
            let done_tx: Sender<Done> = done_tx.clone();
            let cancel = cancel.clone();
            s.spawn(move || {
                yield_to_the_stream();
                for job in job_rx.iter() {
                    if cancel.is_cancelled() {
                        return;
                    }
                    let r = run_job(&job, &entries[job.entry]);
                    if done_tx.send((job.seq, r)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        drop(job_rx);

        let written = write_in_order(entries, ZipOut::new(sink, tap), total, &done_rx, &token_tx, progress, cancel);
        if written.is_err() {
            // Stop the dispatcher and workers; the error itself is returned below.
            cancel.cancel();
        }
        drop(token_tx);
        drop(done_rx);
        // write_in_order owned the tap: it is closed now, and the hasher ends after the last buffer.
        let digest = hasher.map(|h| h.join().expect("hasher thread panicked"));
        let (size, sink) = written?;
        Ok((size, digest, sink))
    })
}

/// Compressing workers run slightly below the writer and the hasher: when the package is incompressible the
/// hasher is the critical path and must keep its core; when it is compressible the workers are, and the others
/// are mostly idle, so nothing is lost.
#[cfg(target_os = "linux")]
fn yield_to_the_stream() {
    // SAFETY: setpriority on the calling thread's own id has no memory-safety preconditions.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, 5);
    }
}

#[cfg(not(target_os = "linux"))]
fn yield_to_the_stream() {}

fn sniff(path: &Path) -> std::io::Result<bool> {
    let mut head = [0u8; 16];
    let mut f = File::open(path)?;
    let n = f.read(&mut head)?;
    Ok(is_precompressed(&head[..n]))
}

#[allow(clippy::too_many_arguments)]
fn write_in_order<S: std::io::Write>(
    entries: &[Entry],
    mut zip: ZipOut<S>,
    total: u64,
    done_rx: &Receiver<Done>,
    token_tx: &Sender<()>,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> Result<(u64, S), BuildError> {
    let mut pending: std::collections::BTreeMap<u64, Result<ChunkOut, BuildError>> = Default::default();
    let mut next_seq = 0u64;
    let mut done_bytes = 0u64;
    let mut last_report = Instant::now() - Duration::from_secs(1);
    let out_err = |e: std::io::Error| BuildError::Output { path: "the archive".into(), source: e };

    let mut next = |zip_pending: &mut std::collections::BTreeMap<u64, Result<ChunkOut, BuildError>>| -> Result<ChunkOut, BuildError> {
        loop {
            if cancel.is_cancelled() {
                return Err(BuildError::Cancelled);
            }
            if let Some(r) = zip_pending.remove(&next_seq) {
                next_seq += 1;
                let _ = token_tx.send(());
                return r;
            }
            match done_rx.recv_timeout(Duration::from_millis(100)) {
                Ok((seq, r)) => {
                    zip_pending.insert(seq, r);
                }
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {
                    if let Some(r) = zip_pending.remove(&next_seq) {
                        next_seq += 1;
                        return r;
                    }
                    // Workers are gone without the chunk: only cancellation does that.
                    return Err(BuildError::Cancelled);
                }
            }
        }
    };

    for e in entries {
        if e.is_dir {
            let h = zip.begin_entry(&e.name, 0, 0, true, false, Some((0, 0))).map_err(out_err)?;
            zip.finish_entry(h, 0, 0).map_err(out_err)?;
            continue;
        }
        let n = chunks_of(e.size);
        let first = next(&mut pending)?;
        let mut raw = first.raw_len;
        let mut crc = first.crc.clone();
        let mut csize = first.data.len() as u64;
        let known = (n == 1).then(|| (crc.clone().finalize(), csize));
        let h = zip.begin_entry(&e.name, first.method, e.size, false, e.executable, known).map_err(out_err)?;
        done_bytes += first.raw_len;
        zip.write_owned(first.data).map_err(out_err)?;
        for _ in 1..n {
            let c = next(&mut pending)?;
            raw += c.raw_len;
            csize += c.data.len() as u64;
            crc.combine(&c.crc);
            done_bytes += c.raw_len;
            zip.write_owned(c.data).map_err(out_err)?;
            if last_report.elapsed() >= Duration::from_millis(100) {
                progress.report(Progress { stage: Stage::Compressing, done: done_bytes, total, current: Some(e.name.clone()) });
                last_report = Instant::now();
            }
        }
        if raw != e.size {
            return Err(BuildError::FileChanged(e.path.clone()));
        }
        zip.finish_entry(h, crc.finalize(), csize).map_err(out_err)?;
        if last_report.elapsed() >= Duration::from_millis(100) {
            progress.report(Progress { stage: Stage::Compressing, done: done_bytes, total, current: Some(e.name.clone()) });
            last_report = Instant::now();
        }
    }
    let (sink, size) = zip.finish().map_err(out_err)?;
    progress.report(Progress { stage: Stage::Compressing, done: total, total, current: None });
    Ok((size, sink))
}
