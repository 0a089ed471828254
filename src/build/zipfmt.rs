//! The zip container, written strictly forward (the archive streams into fragments and the hasher as it is made):
//! an entry whose size and CRC are known when it starts (a file of one chunk) gets them in its local header; a
//! larger one is always deflated and gets them in a data descriptor after its data (general purpose bit 3), as
//! every extractor that reads the central directory supports. Zip64 only where sizes or offsets need it; fixed
//! timestamps and permissions.

use std::io::{self, Write};

/// 1980-01-01 00:00:00 in MS-DOS format: the same for every entry so builds are reproducible.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;
const FLAG_UTF8: u16 = 1 << 11;
const FLAG_DESCRIPTOR: u16 = 1 << 3;
/// An entry larger than this gets zip64 sizes in its local header (its deflate framing can add a little).
pub const ZIP64_ENTRY_THRESHOLD: u64 = 0xFFFF_0000;
const U32_MAX: u64 = 0xFFFF_FFFF;

pub struct CentralRecord {
    name: Vec<u8>,
    flags: u16,
    method: u16,
    crc: u32,
    csize: u64,
    usize: u64,
    offset: u64,
    zip64_local: bool,
    external: u32,
}

/// An entry whose data is being written.
pub struct OpenEntry {
    zip64: bool,
    descriptor: bool,
    record: CentralRecord,
}

/// Receives every byte written, in order (the hasher).
pub type Tap = crossbeam_channel::Sender<Vec<u8>>;

pub struct ZipOut<W: Write> {
    out: W,
    pos: u64,
    central: Vec<CentralRecord>,
    tap: Option<Tap>,
}

fn le16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes())
}
fn le32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes())
}
fn le64(v: &mut Vec<u8>, x: u64) {
    v.extend_from_slice(&x.to_le_bytes())
}

/// Unix mode in the high half of the external attributes; the MS-DOS directory bit for folders.
fn external_attributes(is_dir: bool, executable: bool) -> u32 {
    let mode: u32 = if is_dir { 0o040755 } else if executable { 0o100755 } else { 0o100644 };
    (mode << 16) | if is_dir { 0x10 } else { 0 }
}

impl<W: Write> ZipOut<W> {
    pub fn new(out: W, tap: Option<Tap>) -> Self {
        ZipOut { out, pos: 0, central: Vec::new(), tap }
    }

    #[cfg(test)]
    pub fn write_data(&mut self, data: &[u8]) -> io::Result<()> {
        self.write_owned(data.to_vec())
    }

    /// Writes `data`, then hands the buffer itself to the tap (no copy of large chunks).
    pub fn write_owned(&mut self, data: Vec<u8>) -> io::Result<()> {
        self.out.write_all(&data)?;
        self.pos += data.len() as u64;
        if let Some(tap) = &self.tap {
            if tap.send(data).is_err() {
                return Err(io::Error::other("the hasher stopped"));
            }
        }
        Ok(())
    }

    /// Starts an entry. `known` holds (crc, compressed size) when they are known now; otherwise they follow the
    /// data in a descriptor written by [`ZipOut::finish_entry`].
    pub fn begin_entry(
        &mut self,
        name: &str,
        method: u16,
        usize: u64,
        is_dir: bool,
        executable: bool,
        known: Option<(u32, u64)>,
    ) -> io::Result<OpenEntry> {
        let zip64 = usize > ZIP64_ENTRY_THRESHOLD;
        let (crc, csize) = known.unwrap_or((0, 0));
        let mut flags = 0;
        if !name.is_ascii() {
            flags |= FLAG_UTF8;
        }
        if known.is_none() {
            flags |= FLAG_DESCRIPTOR;
        }
        let version = if zip64 { 45 } else if method == 8 || is_dir { 20 } else { 10 };
        let mut h = Vec::with_capacity(30 + name.len() + 20);
        le32(&mut h, 0x0403_4b50);
        le16(&mut h, version);
        le16(&mut h, flags);
        le16(&mut h, method);
        le16(&mut h, DOS_TIME);
        le16(&mut h, DOS_DATE);
        le32(&mut h, crc);
        if zip64 {
            le32(&mut h, u32::MAX);
            le32(&mut h, u32::MAX);
        } else {
            le32(&mut h, csize as u32);
            le32(&mut h, usize as u32);
        }
        le16(&mut h, name.len() as u16);
        le16(&mut h, if zip64 { 20 } else { 0 });
        h.extend_from_slice(name.as_bytes());
        if zip64 {
            le16(&mut h, 0x0001);
            le16(&mut h, 16);
            le64(&mut h, usize);
            le64(&mut h, csize);
        }
        let header_at = self.pos;
        self.write_owned(h)?;
        Ok(OpenEntry {
            zip64,
            descriptor: known.is_none(),
            record: CentralRecord {
                name: name.as_bytes().to_vec(),
                flags,
                method,
                crc,
                csize,
                usize,
                offset: header_at,
                zip64_local: zip64,
                external: external_attributes(is_dir, executable),
            },
        })
    }

    /// Ends an entry whose data was written, with its data descriptor when its header had no sizes.
    pub fn finish_entry(&mut self, mut e: OpenEntry, crc: u32, csize: u64) -> io::Result<()> {
        if e.descriptor {
            let mut d = Vec::with_capacity(24);
            le32(&mut d, 0x0807_4b50);
            le32(&mut d, crc);
            if e.zip64 {
                le64(&mut d, csize);
                le64(&mut d, e.record.usize);
            } else {
                le32(&mut d, csize as u32);
                le32(&mut d, e.record.usize as u32);
            }
            self.write_owned(d)?;
        }
        e.record.crc = crc;
        e.record.csize = csize;
        self.central.push(e.record);
        Ok(())
    }

    /// Writes the central directory and end records; returns the writer and the archive size.
    pub fn finish(mut self) -> io::Result<(W, u64)> {
        let cd_start = self.pos;
        let count = self.central.len() as u64;
        let records = std::mem::take(&mut self.central);
        let mut buf = Vec::with_capacity(64 * 1024);
        for r in &records {
            let big_sizes = r.zip64_local || r.usize >= U32_MAX || r.csize >= U32_MAX;
            let big_offset = r.offset >= U32_MAX;
            let mut extra = Vec::new();
            if big_sizes || big_offset {
                let mut body = Vec::new();
                if big_sizes {
                    le64(&mut body, r.usize);
                    le64(&mut body, r.csize);
                }
                if big_offset {
                    le64(&mut body, r.offset);
                }
                le16(&mut extra, 0x0001);
                le16(&mut extra, body.len() as u16);
                extra.extend_from_slice(&body);
            }
            let needed = if big_sizes || big_offset { 45 } else if r.method == 8 || r.external & 0x10 != 0 { 20 } else { 10 };
            le32(&mut buf, 0x0201_4b50);
            le16(&mut buf, (3 << 8) | 45); // made by Unix, spec 4.5: the high half of the attributes is a mode
            le16(&mut buf, needed);
            le16(&mut buf, r.flags);
            le16(&mut buf, r.method);
            le16(&mut buf, DOS_TIME);
            le16(&mut buf, DOS_DATE);
            le32(&mut buf, r.crc);
            le32(&mut buf, if big_sizes { u32::MAX } else { r.csize as u32 });
            le32(&mut buf, if big_sizes { u32::MAX } else { r.usize as u32 });
            le16(&mut buf, r.name.len() as u16);
            le16(&mut buf, extra.len() as u16);
            le16(&mut buf, 0); // comment
            le16(&mut buf, 0); // disk
            le16(&mut buf, 0); // internal attributes
            le32(&mut buf, r.external);
            le32(&mut buf, if big_offset { u32::MAX } else { r.offset as u32 });
            buf.extend_from_slice(&r.name);
            buf.extend_from_slice(&extra);
            if buf.len() >= 60 * 1024 {
                self.write_owned(std::mem::take(&mut buf))?;
            }
        }
        self.write_owned(std::mem::take(&mut buf))?;
        let cd_size = self.pos - cd_start;
        let need64 = count >= 0xFFFF || cd_size >= U32_MAX || cd_start >= U32_MAX;
        if need64 {
            let eocd64_at = self.pos;
            le32(&mut buf, 0x0606_4b50);
            le64(&mut buf, 44);
            le16(&mut buf, (3 << 8) | 45);
            le16(&mut buf, 45);
            le32(&mut buf, 0);
            le32(&mut buf, 0);
            le64(&mut buf, count);
            le64(&mut buf, count);
            le64(&mut buf, cd_size);
            le64(&mut buf, cd_start);
            le32(&mut buf, 0x0706_4b50);
            le32(&mut buf, 0);
            le64(&mut buf, eocd64_at);
            le32(&mut buf, 1);
        }
        le32(&mut buf, 0x0605_4b50);
        le16(&mut buf, 0);
        le16(&mut buf, 0);
        le16(&mut buf, count.min(0xFFFF) as u16);
        le16(&mut buf, count.min(0xFFFF) as u16);
        le32(&mut buf, cd_size.min(U32_MAX) as u32);
        le32(&mut buf, cd_start.min(U32_MAX) as u32);
        le16(&mut buf, 0);
        self.write_owned(buf)?;
        self.out.flush()?;
        Ok((self.out, self.pos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    #[test]
    fn the_zip_crate_reads_what_we_write() {
        let (tx, rx) = crossbeam_channel::unbounded();
        let mut z = ZipOut::new(Cursor::new(Vec::new()), Some(tx));
        let e = z.begin_entry("dir/", 0, 0, true, false, Some((0, 0))).unwrap();
        z.finish_entry(e, 0, 0).unwrap();
        let data = b"hello hello hello hello";
        let deflated = super::super::compress::deflate_whole(data).unwrap();
        let crc = crc32fast::hash(data);
        // Sizes in a data descriptor, as the pipeline does for files of several chunks.
        let e = z.begin_entry("dir/é.txt", 8, data.len() as u64, false, true, None).unwrap();
        z.write_data(&deflated).unwrap();
        z.finish_entry(e, crc, deflated.len() as u64).unwrap();
        let (cur, size) = z.finish().unwrap();
        let bytes = cur.into_inner();
        assert_eq!(bytes.len() as u64, size);
        assert_eq!(rx.try_iter().flatten().collect::<Vec<u8>>(), bytes, "the tap sees every byte, in order");
        let mut ar = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(ar.len(), 2);
        let mut f = ar.by_name("dir/é.txt").unwrap();
        let mut s = Vec::new();
        f.read_to_end(&mut s).unwrap();
        assert_eq!(s, data);
        assert_eq!(f.unix_mode(), Some(0o100755));
    }
}
