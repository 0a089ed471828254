//! Times `ocs-studio build` against the reference pipeline admins use (`zip -r -6 -q` + `split -b 5M` + `md5sum`)
//! on generated corpora, in the same run, with peak memory from `/usr/bin/time -v`.
//!
//!   cargo bench --bench build_vs_zip -- [a] [b] [c] [--runs N] [--work DIR]
//!   (scripts/bench.sh does this and writes the table into docs/performance.md)
//!
//! Corpora: (a) 400 MiB mixed — 200 MiB of incompressible binaries in 4 files, 200 MiB of text- and DLL-like
//! files in 4 000 small ones; (b) one 1 GiB incompressible file, against `cp FILE OUT && md5sum FILE`;
//! (c) 20 000 small text files.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const MIB: usize = 1 << 20;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn fill(&mut self, buf: &mut [u8]) {
        for c in buf.chunks_mut(8) {
            let v = self.next().to_le_bytes();
            c.copy_from_slice(&v[..c.len()]);
        }
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_file(path: &Path, size: usize, seed: u64) {
    let mut rng = Rng(seed | 1);
    let mut f = std::io::BufWriter::new(fs::File::create(path).unwrap());
    let mut buf = vec![0u8; MIB];
    let mut left = size;
    while left > 0 {
        let n = left.min(MIB);
        rng.fill(&mut buf[..n]);
        f.write_all(&buf[..n]).unwrap();
        left -= n;
    }
}

/// Prose-like text from a fixed pseudo-vocabulary (compresses about 3:1, like logs, XML, scripts).
fn text(rng: &mut Rng, size: usize) -> Vec<u8> {
    const SYL: [&str; 16] = ["con", "fi", "gu", "ra", "tion", "ser", "veur", "paquet", "dé", "ploie", "ment", "in", "stal", "le", "ur", "ocs"];
    let mut out = Vec::with_capacity(size + 64);
    while out.len() < size {
        let words = 4 + rng.below(10);
        for _ in 0..words {
            for _ in 0..1 + rng.below(3) {
                out.extend_from_slice(SYL[rng.below(16) as usize].as_bytes());
            }
            out.push(b' ');
        }
        out.extend_from_slice(format!("= {}\n", rng.below(100_000)).as_bytes());
    }
    out.truncate(size);
    out
}

/// DLL-like bytes: instruction-ish records from a small table, zero padding and strings (about 2:1).
fn dll(rng: &mut Rng, size: usize) -> Vec<u8> {
    let mut table = vec![[0u8; 12]; 64];
    for t in table.iter_mut() {
        rng.fill(t);
    }
    let mut out = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    while out.len() < size {
        match rng.below(10) {
            0 => out.extend(std::iter::repeat_n(0u8, 16 + rng.below(200) as usize)),
            1 => out.extend_from_slice(format!("?Function{}@@YAXPAX@Z\0", rng.below(5000)).as_bytes()),
            _ => {
                out.extend_from_slice(&table[rng.below(64) as usize]);
                out.extend_from_slice(&(rng.next() as u32 & 0xFFFF).to_le_bytes());
            }
        }
    }
    out.truncate(size);
    out
}

fn generate(corpus: &str, dir: &Path) {
    let marker = dir.join(".complete");
    if marker.exists() {
        return;
    }
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join("install.bat"), "@echo off\r\nmsiexec /i \"app.msi\" /passive /norestart\r\nexit /b %ERRORLEVEL%\r\n").unwrap();
    let mut rng = Rng(0x5EED_0000 + corpus.as_bytes()[0] as u64);
    match corpus {
        "a" => {
            for i in 0..4 {
                random_file(&dir.join(format!("data{i}.bin")), 50 * MIB, 100 + i);
            }
            for d in 0..40 {
                let sub = dir.join(format!("lib/module{d:02}"));
                fs::create_dir_all(&sub).unwrap();
                for f in 0..100 {
                    let size = 26_000 + rng.below(52_000) as usize; // 200 MiB over 4 000 files on average
                    let bytes = if f % 2 == 0 { text(&mut rng, size) } else { dll(&mut rng, size) };
                    let ext = if f % 2 == 0 { "xml" } else { "dll" };
                    fs::write(sub.join(format!("file{f:03}.{ext}")), bytes).unwrap();
                }
            }
        }
        "b" => random_file(&dir.join("big.bin"), 1024 * MIB, 7),
        "c" => {
            for d in 0..200 {
                let sub = dir.join(format!("res/d{d:03}"));
                fs::create_dir_all(&sub).unwrap();
                for f in 0..100 {
                    let size = 100 + rng.below(16 * 1024) as usize;
                    fs::write(sub.join(format!("f{f:03}.txt")), text(&mut rng, size)).unwrap();
                }
            }
        }
        _ => panic!("unknown corpus {corpus}: use a, b or c"),
    }
    fs::write(marker, "").unwrap();
}

struct Timed {
    seconds: f64,
    peak_rss_kib: u64,
}

/// Runs `cmd` under /usr/bin/time -v; wall time measured here, peak RSS read from time's report.
fn timed(script: &str) -> Timed {
    let report = std::env::temp_dir().join(format!("ocs-bench-time-{}", std::process::id()));
    let start = Instant::now();
    let st = Command::new("/usr/bin/time")
        .arg("-v")
        .arg("-o")
        .arg(&report)
        .args(["bash", "-c", script])
        .status()
        .expect("/usr/bin/time is needed (apt-get install time)");
    let seconds = start.elapsed().as_secs_f64();
    assert!(st.success(), "failed: {script}");
    let text = fs::read_to_string(&report).unwrap();
    let peak_rss_kib = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes): "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    Timed { seconds, peak_rss_kib }
}

fn median(mut v: Vec<Timed>) -> Timed {
    v.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    let peak = v.iter().map(|t| t.peak_rss_kib).max().unwrap_or(0);
    let mid = v.swap_remove(v.len() / 2);
    Timed { seconds: mid.seconds, peak_rss_kib: peak }
}

fn dir_size(dir: &Path, prefix: &str) -> u64 {
    fs::read_dir(dir).unwrap().filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().starts_with(prefix)).map(|e| e.metadata().unwrap().len()).sum()
}

fn sh(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

fn main() {
    let mut corpora = Vec::new();
    let mut runs = 3;
    let mut work = std::env::temp_dir().join("ocs-studio-bench");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            "--work" => work = PathBuf::from(args.next().expect("--work DIR")),
            "--bench" => {}
            c @ ("a" | "b" | "c") => corpora.push(c.to_string()),
            other => panic!("unknown argument {other}"),
        }
    }
    if corpora.is_empty() {
        corpora = vec!["a".into(), "b".into(), "c".into()];
    }
    let studio = PathBuf::from(env!("CARGO_BIN_EXE_ocs-studio"));
    println!("| corpus | studio | reference | time ratio | studio output | zip -6 output | size ratio | studio peak RSS | reference peak RSS |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for c in &corpora {
        let src = work.join(format!("corpus-{c}"));
        eprintln!("generating corpus {c} in {} …", src.display());
        generate(c, &src);
        let out = work.join(format!("out-{c}"));
        let reference = work.join(format!("ref-{c}"));
        let studio_cmd = format!(
            "rm -rf {o} && {s} build {src} --out {o} --id 1 --fragment-size 5MiB --json > /dev/null",
            o = sh(&out),
            s = sh(&studio),
            src = sh(&src)
        );
        let ref_cmd = if c == "b" {
            format!("rm -rf {r} && mkdir -p {r} && cp {f} {r}/ && md5sum {f} > /dev/null", r = sh(&reference), f = sh(&src.join("big.bin")))
        } else {
            format!(
                "rm -rf {r} && mkdir -p {r} && cd {src} && zip -r -6 -q {r}/ref.zip . && cd {r} && split -b 5M ref.zip ref.part- && md5sum ref.zip > /dev/null",
                r = sh(&reference),
                src = sh(&src)
            )
        };
        // One warm-up each so both read the corpus from the page cache.
        let _ = timed(&studio_cmd);
        let _ = timed(&ref_cmd);
        let mut s = Vec::new();
        let mut r = Vec::new();
        for _ in 0..runs {
            s.push(timed(&studio_cmd));
            r.push(timed(&ref_cmd));
        }
        let (s, r) = (median(s), median(r));
        let studio_bytes = dir_size(&out.join("1"), "1-");
        let zip_bytes = if c == "b" { 0 } else { fs::metadata(reference.join("ref.zip")).unwrap().len() };
        let ok = Command::new(&studio).arg("verify").arg(out.join("1")).arg("--json").output().unwrap();
        assert!(ok.status.success(), "verify failed on corpus {c}: {}", String::from_utf8_lossy(&ok.stdout));
        let reference_name = if c == "b" { "cp + md5sum" } else { "zip + split + md5sum" };
        println!(
            "| {c} | {:.2} s | {:.2} s ({reference_name}) | {:.2} | {:.1} MiB | {} | {} | {:.1} MiB | {:.1} MiB |",
            s.seconds,
            r.seconds,
            s.seconds / r.seconds,
            studio_bytes as f64 / MIB as f64,
            if zip_bytes > 0 { format!("{:.1} MiB", zip_bytes as f64 / MIB as f64) } else { "—".into() },
            if zip_bytes > 0 { format!("{:.3}", studio_bytes as f64 / zip_bytes as f64) } else { "—".into() },
            s.peak_rss_kib as f64 / 1024.0,
            r.peak_rss_kib as f64 / 1024.0,
        );
    }
}
