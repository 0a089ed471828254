//! The archive written straight into its fragment files `<ID>-1 … <ID>-N` as one stream: every fragment but the
//! last two is exactly the chosen size, and the last two share the rest evenly (a ≤ chosen-size rewrite at the
//! end), so the archive is written once and never copied. Zip local headers are patched in place.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Where an archive stream goes: sequential writes, plus patches of bytes already written.
pub trait ArchiveWrite: Write {
    fn patch(&mut self, at: u64, bytes: &[u8]) -> io::Result<()>;
}

impl ArchiveWrite for io::Cursor<Vec<u8>> {
    fn patch(&mut self, at: u64, bytes: &[u8]) -> io::Result<()> {
        let end = self.position();
        self.seek(SeekFrom::Start(at))?;
        self.write_all(bytes)?;
        self.seek(SeekFrom::Start(end))?;
        Ok(())
    }
}

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

impl ArchiveWrite for CountingSink {
    fn patch(&mut self, _: u64, _: &[u8]) -> io::Result<()> {
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
            std::fs::write(&last, &moved)?;
        }
        Ok(sizes)
    }

    fn open_next(&mut self) -> io::Result<&mut BufWriter<File>> {
        let index = self.pos / self.size;
        let f = File::create(fragment_path(&self.dir, self.id, index))?;
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
        if self.pos % self.size == 0 {
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

impl ArchiveWrite for FragmentSink {
    fn patch(&mut self, at: u64, bytes: &[u8]) -> io::Result<()> {
        self.flush()?;
        let mut done = 0;
        while done < bytes.len() {
            let p = at + done as u64;
            let (index, offset) = (p / self.size, p % self.size);
            let n = (bytes.len() - done).min((self.size - offset) as usize);
            let mut f = File::options().write(true).open(fragment_path(&self.dir, self.id, index))?;
            f.seek(SeekFrom::Start(offset))?;
            f.write_all(&bytes[done..done + n])?;
            done += n;
        }
        Ok(())
    }
}

/// Reads the stream back from the fragment files (the hasher, behind the writer).
pub struct FragmentReader {
    dir: PathBuf,
    id: u64,
    size: u64,
    pos: u64,
    current: Option<File>,
}

impl FragmentReader {
    pub fn new(dir: &Path, id: u64, size: u64) -> FragmentReader {
        FragmentReader { dir: dir.to_path_buf(), id, size, pos: 0, current: None }
    }
}

impl Read for FragmentReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos % self.size == 0 || self.current.is_none() {
            let mut f = File::open(fragment_path(&self.dir, self.id, self.pos / self.size))?;
            f.seek(SeekFrom::Start(self.pos % self.size))?;
            self.current = Some(f);
        }
        let room = (self.size - self.pos % self.size) as usize;
        let want = buf.len().min(room);
        let n = self.current.as_mut().unwrap().read(&mut buf[..want])?;
        self.pos += n as u64;
        if self.pos % self.size == 0 {
            self.current = None;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_patch_and_even_tail() {
        let d = tempfile::tempdir().unwrap();
        let mut s = FragmentSink::new(d.path(), 9, 10);
        let data: Vec<u8> = (0..37u8).collect();
        s.write_all(&data[..5]).unwrap();
        s.write_all(&data[5..]).unwrap();
        s.patch(8, &[200, 201, 202, 203]).unwrap(); // spans fragments 1 and 2
        let sizes = s.finish().unwrap();
        assert_eq!(sizes, vec![10, 10, 9, 8]);
        let mut expect = data.clone();
        expect[8..12].copy_from_slice(&[200, 201, 202, 203]);
        let mut all = Vec::new();
        for (i, sz) in sizes.iter().enumerate() {
            let b = std::fs::read(d.path().join(format!("9-{}", i + 1))).unwrap();
            assert_eq!(b.len() as u64, *sz);
            all.extend(b);
        }
        assert_eq!(all, expect);
    }

    #[test]
    fn reader_follows_fragments() {
        let d = tempfile::tempdir().unwrap();
        let mut s = FragmentSink::new(d.path(), 1, 4);
        s.write_all(b"abcdefghij").unwrap();
        s.flush().unwrap();
        let mut r = FragmentReader::new(d.path(), 1, 4);
        let mut out = vec![0u8; 10];
        r.read_exact(&mut out).unwrap();
        assert_eq!(&out, b"abcdefghij");
    }
}
