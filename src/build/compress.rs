//! Compression of one chunk of a file into a piece of a raw deflate stream.
//! Chunks are compressed independently (pigz's "independent" mode): every non-final chunk ends byte-aligned
//! with a sync flush, so the pieces concatenate into one valid deflate stream whatever thread made them.

use flate2::{Compress, Compression, FlushCompress, Status};

/// Deflate level, as `zip -6`.
pub const LEVEL: u32 = 6;
const STORED_BLOCK_MAX: usize = 65_535;

/// True when the bytes start like a format that is already compressed, so deflating it would not pay.
/// MSI (a compound file) is not in the list: it may hold uncompressed tables, so it is tried instead.
pub fn is_precompressed(head: &[u8]) -> bool {
    const MAGICS: &[&[u8]] = &[
        b"PK\x03\x04",                  // zip, docx, jar, nupkg…
        b"PK\x05\x06",                  // empty zip
        b"MSCF",                        // Microsoft cabinet
        b"7z\xBC\xAF\x27\x1C",          // 7-Zip
        b"Rar!\x1A\x07",                // RAR
        b"\x1F\x8B",                    // gzip
        b"BZh",                         // bzip2
        b"\xFD7zXZ\x00",                // xz
        b"\x28\xB5\x2F\xFD",            // zstd
        b"\xFF\xD8\xFF",                // JPEG
        b"\x89PNG\r\n\x1A\n",           // PNG
        b"GIF8",                        // GIF
        b"OggS",                        // Ogg
        b"ID3",                         // MP3
        b"ISc(",                        // InstallShield cabinet
    ];
    MAGICS.iter().any(|m| head.starts_with(m))
        || (head.len() >= 12 && &head[4..8] == b"ftyp") // MP4 / MOV
        || (head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP")
}

/// Order-0 entropy in bits per byte of a sample.
fn entropy(data: &[u8]) -> f64 {
    let mut counts = [0u32; 256];
    for &b in data {
        counts[b as usize] += 1;
    }
    let n = data.len() as f64;
    counts.iter().filter(|&&c| c > 0).map(|&c| {
        let p = c as f64 / n;
        -p * p.log2()
    }).sum()
}

/// Deflates `data` as one piece: `last` ends the stream (BFINAL), otherwise a sync flush ends it byte-aligned.
fn deflate_piece(data: &[u8], level: u32, last: bool) -> Vec<u8> {
    let mut c = Compress::new(Compression::new(level), false);
    let mut out = Vec::with_capacity(data.len() + data.len() / 500 + 1024);
    let flush = if last { FlushCompress::Finish } else { FlushCompress::Sync };
    loop {
        let consumed = c.total_in() as usize;
        let status = c.compress_vec(&data[consumed..], &mut out, flush).expect("deflate of in-memory data cannot fail");
        let done_input = c.total_in() as usize == data.len();
        let room_left = out.len() < out.capacity();
        if done_input && (status == Status::StreamEnd || (!last && room_left)) {
            return out;
        }
        out.reserve(out.capacity().max(4096));
    }
}

/// `data` as stored (uncompressed) deflate blocks: 5 bytes of framing per 64 KiB.
pub fn stored_piece(data: &[u8], last: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 5 * (data.len() / STORED_BLOCK_MAX + 1));
    let mut blocks = data.chunks(STORED_BLOCK_MAX).peekable();
    if data.is_empty() {
        if last {
            out.extend_from_slice(&[1, 0, 0, 0xFF, 0xFF]);
        }
        return out;
    }
    while let Some(b) = blocks.next() {
        let fin = last && blocks.peek().is_none();
        out.push(fin as u8);
        let len = b.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(b);
    }
    out
}

/// How a chunk of a deflated entry was encoded.
pub struct Piece {
    pub bytes: Vec<u8>,
    pub stored: bool,
}

/// Encodes one chunk of a deflated entry. Chunks that look random are probed on a sample first and kept as stored
/// blocks when deflate would not pay, so incompressible data costs almost no CPU and at most 0.01 % of size.
pub fn encode_chunk(data: &[u8], last: bool) -> Piece {
    let sample = &data[..data.len().min(64 * 1024)];
    if sample.len() >= 4096 {
        let h = entropy(sample);
        // Random-looking bytes (encrypted or compressed content) are stored at once; borderline ones are probed.
        let stored = h > 7.98 || (h > 7.5 && deflate_piece(sample, 1, true).len() * 100 > sample.len() * 97);
        if stored {
            return Piece { bytes: stored_piece(data, last), stored: true };
        }
    }
    let deflated = deflate_piece(data, LEVEL, last);
    if deflated.len() >= data.len() + 5 {
        return Piece { bytes: stored_piece(data, last), stored: true };
    }
    Piece { bytes: deflated, stored: false }
}

/// Compresses a whole small file: `None` when storing it is better (zip method 0).
pub fn deflate_whole(data: &[u8]) -> Option<Vec<u8>> {
    if data.is_empty() || is_precompressed(data) {
        return None;
    }
    let p = encode_chunk(data, true);
    (!p.stored && p.bytes.len() < data.len()).then_some(p.bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn inflate(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(data).read_to_end(&mut out).unwrap();
        out
    }

    fn noise(n: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 32) as u8
            })
            .collect()
    }

    #[test]
    fn independent_pieces_concatenate_into_one_stream() {
        let text: Vec<u8> = (0..300_000).map(|i| b"lorem ipsum dolor "[i % 18]).collect();
        let rnd = noise(200_000, 7);
        let mut stream = Vec::new();
        let mut expect = Vec::new();
        let parts: [&[u8]; 4] = [&text, &rnd, &text[..10], &[]];
        for (i, p) in parts.iter().enumerate() {
            let piece = encode_chunk(p, i == parts.len() - 1);
            stream.extend_from_slice(&piece.bytes);
            expect.extend_from_slice(p);
        }
        assert_eq!(inflate(&stream), expect);
    }

    #[test]
    fn random_data_is_stored_and_text_is_deflated() {
        let rnd = noise(1 << 20, 3);
        let p = encode_chunk(&rnd, true);
        assert!(p.stored);
        assert!(p.bytes.len() <= rnd.len() + 5 * 17);
        let text = b"abcabcabc".repeat(10_000);
        let p = encode_chunk(&text, false);
        assert!(!p.stored && p.bytes.len() < text.len() / 20);
    }

    #[test]
    fn precompressed_formats_are_recognised_by_their_bytes() {
        assert!(is_precompressed(b"MSCF\0\0\0\0"));
        assert!(is_precompressed(b"PK\x03\x04rest"));
        assert!(!is_precompressed(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")); // MSI: tried, not assumed
        assert!(!is_precompressed(b"@echo off"));
        assert_eq!(deflate_whole(b"PK\x03\x04 looks like a zip"), None);
        assert!(deflate_whole(&b"aaaa".repeat(100)).is_some());
        assert_eq!(deflate_whole(b""), None);
    }
}
