//! The archive written straight into its fragment files `<ID>-1 … <ID>-N` as one stream: every fragment but the
//! last two is exactly the chosen size, and the last two share the rest evenly (a ≤ chosen-size rewrite at the
//! end), so the archive is written once and never copied.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Counts bytes and keeps nothing: measuring an archive's size without writing it.
#[derive(Default)]
pub struct CountingSink(pub u64);

impl Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub fn fragment_path(dir: &Path, id: u64, index: u64) -> PathBuf {
    dir.join(format!("{id}-{}", index + 1))
}

pub struct FragmentSink {
    dir: PathBuf,
    id: u64,
    size: u64,
    current: Option<BufWriter<File>>,
    /// Bytes written in total.
    pos: u64,
}

impl FragmentSink {
    pub fn new(dir: &Path, id: u64, size: u64) -> FragmentSink {
        assert!(size > 0, "fragment size checked by the manifest");
        FragmentSink { dir: dir.to_path_buf(), id, size, current: None, pos: 0 }
    }

    /// Flushes, then evens out the last two fragments. Returns the fragment sizes.
    pub fn finish(mut self) -> io::Result<Vec<u64>> {
        if let Some(mut w) = self.current.take() {
            w.flush()?;
        }
        let sizes = crate::fragment::plan(self.pos, self.size).map_err(io::Error::other)?;
        let n = sizes.len() as u64;
        if n >= 2 {
            // Written: fragment n-1 full (size), fragment n holds the rest. Planned: sizes[n-2], sizes[n-1].
            let keep = sizes[n as usize - 2];
            let prev = fragment_path(&self.dir, self.id, n - 2);
            let last = fragment_path(&self.dir, self.id, n - 1);
            let mut moved = Vec::with_capacity((self.size - keep) as usize);
            let mut f = File::options().read(true).write(true).open(&prev)?;
            f.seek(SeekFrom::Start(keep))?;
            f.read_to_end(&mut moved)?;
            f.set_len(keep)?;
            let mut tail = std::fs::read(&last)?;
            moved.append(&mut tail);
            debug_assert_eq!(moved.len() as u64, sizes[n as usize - 1]);
            crate::fsx::write_package_file(&last, &moved)?;
        }
        Ok(sizes)
    }

    fn open_next(&mut self) -> io::Result<&mut BufWriter<File>> {
        let index = self.pos / self.size;
        let f = crate::fsx::create_package_file(&fragment_path(&self.dir, self.id, index))?;
        self.current = Some(BufWriter::with_capacity(1 << 20, f));
        Ok(self.current.as_mut().unwrap())
    }
}

impl Write for FragmentSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let room = self.size - self.pos % self.size;
        if self.pos.is_multiple_of(self.size) {
            if let Some(mut w) = self.current.take() {
                w.flush()?;
            }
            self.open_next()?;
        }
        let n = buf.len().min(room as usize);
        let w = self.current.as_mut().expect("opened above");
        w.write_all(&buf[..n])?;
        self.pos += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.current.as_mut() {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_and_even_tail() {
        let d = tempfile::tempdir().unwrap();
        let mut s = FragmentSink::new(d.path(), 9, 10);
        let data: Vec<u8> = (0..37u8).collect();
        s.write_all(&data[..5]).unwrap();
        s.write_all(&data[5..]).unwrap();
        let sizes = s.finish().unwrap();
        assert_eq!(sizes, vec![10, 10, 9, 8]);
        let expect = data.clone();
        let mut all = Vec::new();
        for (i, sz) in sizes.iter().enumerate() {
            let b = std::fs::read(d.path().join(format!("9-{}", i + 1))).unwrap();
            assert_eq!(b.len() as u64, *sz);
            all.extend(b);
        }
        assert_eq!(all, expect);
    }
}
