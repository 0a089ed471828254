//! Byte sizes as admins write them ("5MiB", "10 Mo", "512K") and as the studio prints them.
//! One parser and one formatter for the whole crate, so every screen and the CLI agree.

use std::fmt;

/// A size in bytes. Units are binary (1 MiB = 1 048 576 bytes), as in the OCS console,
/// whose "MB" fragment size is `size / 1048576`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ByteSize(pub u64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{input}\" is not a size: {reason}. Write a number with an optional unit, e.g. 5MiB, 512KiB, 2G or 1048576")]
pub struct SizeParseError {
    pub input: String,
    pub reason: &'static str,
}

impl ByteSize {
    pub const KIB: u64 = 1024;
    pub const MIB: u64 = 1024 * 1024;
    pub const GIB: u64 = 1024 * 1024 * 1024;

    pub fn mib(n: u64) -> Self {
        ByteSize(n * Self::MIB)
    }

    pub fn bytes(self) -> u64 {
        self.0
    }

    /// Parses "5MiB", "5 MB", "5M", "5Mo" (French), "1.5GiB", "4096". All units are binary.
    pub fn parse(input: &str) -> Result<Self, SizeParseError> {
        let err = |reason| SizeParseError { input: input.to_string(), reason };
        let s = input.trim();
        if s.is_empty() {
            return Err(err("it is empty"));
        }
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .unwrap_or(s.len());
        let (num, unit) = s.split_at(split);
        let num = num.replace(',', ".");
        if num.is_empty() {
            return Err(err("it does not start with a number"));
        }
        let unit = unit.trim().to_ascii_lowercase();
        let mult: u64 = match unit.as_str() {
            "" | "b" | "o" | "bytes" | "octets" => 1,
            "k" | "kb" | "kib" | "ko" => Self::KIB,
            "m" | "mb" | "mib" | "mo" => Self::MIB,
            "g" | "gb" | "gib" | "go" => Self::GIB,
            _ => return Err(err("the unit is unknown (use B, KiB, MiB or GiB)")),
        };
        let value = if num.contains('.') {
            let f: f64 = num.parse().map_err(|_| err("the number is malformed"))?;
            let v = f * mult as f64;
            if !v.is_finite() || v >= u64::MAX as f64 {
                return Err(err("it is too large"));
            }
            v.round() as u64
        } else {
            let n: u64 = num.parse().map_err(|_| err("the number is malformed or too large"))?;
            n.checked_mul(mult).ok_or_else(|| err("it is too large"))?
        };
        Ok(ByteSize(value))
    }
}

impl fmt::Display for ByteSize {
    /// Exact when the value is a whole number of the unit ("5 MiB"), else one decimal ("5.3 MiB").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        let (unit, div) = if b >= Self::GIB {
            ("GiB", Self::GIB)
        } else if b >= Self::MIB {
            ("MiB", Self::MIB)
        } else if b >= Self::KIB {
            ("KiB", Self::KIB)
        } else {
            return write!(f, "{b} B");
        };
        if b.is_multiple_of(div) {
            write!(f, "{} {unit}", b / div)
        } else {
            write!(f, "{:.1} {unit}", b as f64 / div as f64)
        }
    }
}

impl std::str::FromStr for ByteSize {
    type Err = SizeParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for ByteSize {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Manifests stay readable: whole units are written as text, anything else as bytes.
        if self.0 > 0 && self.0.is_multiple_of(Self::KIB) {
            s.serialize_str(&self.to_string().replace(' ', ""))
        } else {
            s.serialize_u64(self.0)
        }
    }
}

impl<'de> serde::Deserialize<'de> for ByteSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = ByteSize;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a size such as \"5MiB\" or a number of bytes")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ByteSize, E> {
                Ok(ByteSize(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ByteSize, E> {
                u64::try_from(v).map(ByteSize).map_err(|_| E::custom("a size cannot be negative"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ByteSize, E> {
                ByteSize::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_admin_spellings() {
        assert_eq!(ByteSize::parse("5MiB").unwrap().0, 5 * 1048576);
        assert_eq!(ByteSize::parse("5 MB").unwrap().0, 5 * 1048576);
        assert_eq!(ByteSize::parse("10 Mo").unwrap().0, 10 * 1048576);
        assert_eq!(ByteSize::parse("512k").unwrap().0, 512 * 1024);
        assert_eq!(ByteSize::parse("1,5 Go").unwrap().0, 1610612736);
        assert_eq!(ByteSize::parse("4096").unwrap().0, 4096);
        assert_eq!(ByteSize::parse("0").unwrap().0, 0);
    }

    #[test]
    fn rejects_garbage_with_a_reason() {
        let e = ByteSize::parse("5 parsecs").unwrap_err();
        assert!(e.to_string().contains("unit is unknown"), "{e}");
        assert!(ByteSize::parse("").is_err());
        assert!(ByteSize::parse("MiB").is_err());
        assert!(ByteSize::parse("99999999999999999999").is_err());
        assert!(ByteSize::parse("99999999999G").is_err());
    }

    #[test]
    fn displays_whole_and_fractional_units() {
        assert_eq!(ByteSize(5 * 1048576).to_string(), "5 MiB");
        assert_eq!(ByteSize(5 * 1048576 + 300_000).to_string(), "5.3 MiB");
        assert_eq!(ByteSize(17).to_string(), "17 B");
    }

    #[test]
    fn serde_round_trip() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct T {
            s: ByteSize,
        }
        let t: T = toml::from_str("s = \"10MiB\"").unwrap();
        assert_eq!(t.s.0, 10 * 1048576);
        assert_eq!(toml::to_string(&t).unwrap().trim(), "s = \"10MiB\"");
        let t: T = toml::from_str("s = 1000").unwrap();
        assert_eq!(t.s.0, 1000);
    }
}

/// How a size travels as JSON (and so to TypeScript): `"5MiB"` for whole units, else a number of bytes.
#[cfg(feature = "specta")]
#[derive(specta::Type, serde::Serialize)]
#[serde(untagged)]
pub enum ByteSizeJson {
    Text(String),
    Bytes(u32),
}
