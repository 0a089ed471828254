//! Package digests as the agents check them: algorithm and encoding of `info`'s DIGEST.
//! MD5 + Hexa is what every console writes and every agent accepts; the others are options with caveats.

use base64::Engine;
use md5::Digest as _;

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum DigestAlgo {
    #[default]
    #[serde(rename = "MD5", alias = "md5")]
    Md5,
    #[serde(rename = "SHA1", alias = "sha1")]
    Sha1,
    #[serde(rename = "SHA256", alias = "sha256")]
    Sha256,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum DigestEncoding {
    #[default]
    #[serde(rename = "Hexa", alias = "hexa", alias = "hex")]
    Hexa,
    #[serde(rename = "Base64", alias = "base64")]
    Base64,
}

impl DigestAlgo {
    /// The value of `DIGEST_ALGO` in `info`.
    pub fn as_info(self) -> &'static str {
        match self {
            DigestAlgo::Md5 => "MD5",
            DigestAlgo::Sha1 => "SHA1",
            DigestAlgo::Sha256 => "SHA256",
        }
    }
    /// Reads `DIGEST_ALGO` the way the most tolerant agent (Windows, OpenSSL by name) does.
    pub fn from_info(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "MD5" => Some(DigestAlgo::Md5),
            "SHA1" => Some(DigestAlgo::Sha1),
            "SHA256" => Some(DigestAlgo::Sha256),
            _ => None,
        }
    }
    /// Why an admin might not want this algorithm, if there is a reason.
    pub fn caveat(self) -> Option<&'static str> {
        match self {
            DigestAlgo::Md5 => None,
            DigestAlgo::Sha1 => Some("SHA1 needs Perl's Digest::SHA1 on Unix agents; MD5 is what the OCS console writes"),
            DigestAlgo::Sha256 => Some(
                "SHA256 is accepted by the Windows agent only: the Unix agent knows MD5 and SHA1 and fails every SHA256 package",
            ),
        }
    }
    fn raw_len(self) -> usize {
        match self {
            DigestAlgo::Md5 => 16,
            DigestAlgo::Sha1 => 20,
            DigestAlgo::Sha256 => 32,
        }
    }
}

impl DigestEncoding {
    pub fn as_info(self) -> &'static str {
        match self {
            DigestEncoding::Hexa => "Hexa",
            DigestEncoding::Base64 => "Base64",
        }
    }
    /// Both agents match the encoding case-insensitively (`/hexa/i`).
    pub fn from_info(s: &str) -> Option<Self> {
        let l = s.to_ascii_lowercase();
        if l.contains("hexa") {
            Some(DigestEncoding::Hexa)
        } else if l.contains("base64") {
            Some(DigestEncoding::Base64)
        } else {
            None
        }
    }
    pub fn caveat(self) -> Option<&'static str> {
        match self {
            DigestEncoding::Hexa => None,
            DigestEncoding::Base64 => Some(
                "Base64 is written without padding, as the Unix agent compares it; the Windows agent's handling of Base64 is unverified — prefer Hexa",
            ),
        }
    }
    /// The textual digest of `raw` as it must appear in `info`: lowercase hex, or unpadded Base64.
    pub fn encode(self, raw: &[u8]) -> String {
        match self {
            DigestEncoding::Hexa => raw.iter().map(|b| format!("{b:02x}")).collect(),
            DigestEncoding::Base64 => base64::engine::general_purpose::STANDARD_NO_PAD.encode(raw),
        }
    }
    /// Length of an encoded digest of `algo`, to validate `info` before hashing anything.
    pub fn encoded_len(self, algo: DigestAlgo) -> usize {
        let n = algo.raw_len();
        match self {
            DigestEncoding::Hexa => n * 2,
            DigestEncoding::Base64 => (n * 4).div_ceil(3),
        }
    }
}

/// An incremental hasher for any supported algorithm: OpenSSL on Linux (fastest), RustCrypto elsewhere.
pub enum Hasher {
    #[cfg(target_os = "linux")]
    OpenSsl(openssl::hash::Hasher),
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
}

impl Hasher {
    pub fn new(algo: DigestAlgo) -> Self {
        #[cfg(target_os = "linux")]
        {
            let md = match algo {
                DigestAlgo::Md5 => openssl::hash::MessageDigest::md5(),
                DigestAlgo::Sha1 => openssl::hash::MessageDigest::sha1(),
                DigestAlgo::Sha256 => openssl::hash::MessageDigest::sha256(),
            };
            // A FIPS-only OpenSSL refuses MD5: fall back to the portable implementation.
            if let Ok(h) = openssl::hash::Hasher::new(md) {
                return Hasher::OpenSsl(h);
            }
        }
        Self::portable(algo)
    }

    /// The RustCrypto implementation, on every platform.
    pub fn portable(algo: DigestAlgo) -> Self {
        match algo {
            DigestAlgo::Md5 => Hasher::Md5(md5::Md5::new()),
            DigestAlgo::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            DigestAlgo::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        match self {
            #[cfg(target_os = "linux")]
            Hasher::OpenSsl(h) => h.update(data).expect("in-memory digest update cannot fail"),
            Hasher::Md5(h) => h.update(data),
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
        }
    }

    pub fn finish(self) -> Vec<u8> {
        match self {
            #[cfg(target_os = "linux")]
            Hasher::OpenSsl(mut h) => h.finish().expect("in-memory digest cannot fail").to_vec(),
            Hasher::Md5(h) => h.finalize().to_vec(),
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_hexa_is_lowercase_like_php_md5_file() {
        let mut h = Hasher::new(DigestAlgo::Md5);
        h.update(b"The quick brown fox jumps over the lazy dog");
        assert_eq!(DigestEncoding::Hexa.encode(&h.finish()), "9e107d9d372bb6826bd81d3542a419d6");
    }

    #[test]
    fn base64_has_no_padding_like_perl_b64digest() {
        let mut h = Hasher::new(DigestAlgo::Md5);
        h.update(b"");
        let s = DigestEncoding::Base64.encode(&h.finish());
        assert_eq!(s, "1B2M2Y8AsgTpgAmY7PhCfg");
        assert_eq!(s.len(), DigestEncoding::Base64.encoded_len(DigestAlgo::Md5));
    }

    #[test]
    fn openssl_and_portable_implementations_agree() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7919 % 251) as u8).collect();
        for algo in [DigestAlgo::Md5, DigestAlgo::Sha1, DigestAlgo::Sha256] {
            let (mut a, mut b) = (Hasher::new(algo), Hasher::portable(algo));
            for c in data.chunks(4097) {
                a.update(c);
                b.update(c);
            }
            assert_eq!(a.finish(), b.finish(), "{algo:?}");
        }
    }

    #[test]
    fn parses_info_values_like_the_agents() {
        assert_eq!(DigestAlgo::from_info("md5"), Some(DigestAlgo::Md5));
        assert_eq!(DigestAlgo::from_info("SHA512"), None);
        assert_eq!(DigestEncoding::from_info("HEXA"), Some(DigestEncoding::Hexa));
        assert_eq!(DigestEncoding::from_info("hex"), None);
        assert!(DigestAlgo::Sha256.caveat().unwrap().contains("Unix"));
    }
}
