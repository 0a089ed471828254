//! The code page of a batch file. `cmd.exe` reads `install.bat` in the PC's OEM code page (850 on a French or
//! Western-European Windows, 437 on an American one), not in UTF-8: a UTF-8 `é` reaches `msiexec` as `Ã©` and the
//! file is not found. So the studio writes batch files in the OEM code page of the admins' PCs, and refuses a
//! character that page cannot hold, naming it and the line it is on.

use std::fmt;

use oem_cp::code_table::*;
use oem_cp::code_table_type::TableType;

/// An OEM code page the studio can write batch files in. 850 (Western Europe, French) by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(try_from = "u16", into = "u16")]
pub struct CodePage(u16);

/// The OEM code pages of the Windows languages admins deploy to, with their region.
pub const SUPPORTED: [(u16, &str); 12] = [
    (850, "Western Europe (French, German, Spanish, Italian…)"),
    (437, "United States"),
    (858, "Western Europe with the euro sign"),
    (852, "Central Europe (Polish, Czech, Hungarian…)"),
    (860, "Portuguese"),
    (863, "Canadian French"),
    (865, "Nordic"),
    (866, "Cyrillic (Russian)"),
    (737, "Greek"),
    (775, "Baltic"),
    (855, "Cyrillic (old)"),
    (857, "Turkish"),
];

impl Default for CodePage {
    fn default() -> Self {
        CodePage(850)
    }
}

impl fmt::Display for CodePage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl TryFrom<u16> for CodePage {
    type Error = String;
    fn try_from(n: u16) -> Result<Self, String> {
        if SUPPORTED.iter().any(|(c, _)| *c == n) {
            Ok(CodePage(n))
        } else {
            let list: Vec<String> = SUPPORTED.iter().map(|(c, r)| format!("{c} ({r})")).collect();
            Err(format!("code page {n} is not one the studio writes: use the OEM code page of the PCs (`chcp` in a command prompt shows it), one of {}", list.join(", ")))
        }
    }
}

impl From<CodePage> for u16 {
    fn from(c: CodePage) -> u16 {
        c.0
    }
}

impl std::str::FromStr for CodePage {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let n: u16 = s.trim().trim_start_matches("cp").trim_start_matches("CP").parse().map_err(|_| format!("'{s}' is not a code page number: give e.g. 850 or 437"))?;
        CodePage::try_from(n)
    }
}

impl CodePage {
    pub fn number(self) -> u16 {
        self.0
    }

    fn encoding(self) -> &'static oem_cp::OEMCPHashMap<char, u8> {
        match self.0 {
            437 => &ENCODING_TABLE_CP437,
            737 => &ENCODING_TABLE_CP737,
            775 => &ENCODING_TABLE_CP775,
            852 => &ENCODING_TABLE_CP852,
            855 => &ENCODING_TABLE_CP855,
            857 => &ENCODING_TABLE_CP857,
            858 => &ENCODING_TABLE_CP858,
            860 => &ENCODING_TABLE_CP860,
            863 => &ENCODING_TABLE_CP863,
            865 => &ENCODING_TABLE_CP865,
            866 => &ENCODING_TABLE_CP866,
            _ => &ENCODING_TABLE_CP850,
        }
    }

    fn decoding(self) -> TableType {
        match self.0 {
            437 => TableType::Complete(&DECODING_TABLE_CP437),
            737 => TableType::Complete(&DECODING_TABLE_CP737),
            775 => TableType::Complete(&DECODING_TABLE_CP775),
            852 => TableType::Complete(&DECODING_TABLE_CP852),
            855 => TableType::Complete(&DECODING_TABLE_CP855),
            857 => TableType::Incomplete(&DECODING_TABLE_CP857),
            858 => TableType::Complete(&DECODING_TABLE_CP858),
            860 => TableType::Complete(&DECODING_TABLE_CP860),
            863 => TableType::Complete(&DECODING_TABLE_CP863),
            865 => TableType::Complete(&DECODING_TABLE_CP865),
            866 => TableType::Complete(&DECODING_TABLE_CP866),
            _ => TableType::Complete(&DECODING_TABLE_CP850),
        }
    }

    /// The byte `c` is written as, if this code page holds it.
    pub fn encode_char(self, c: char) -> Option<u8> {
        if c.is_ascii() {
            return Some(c as u8);
        }
        oem_cp::encode_char_checked(c, self.encoding())
    }

    /// Text as `cmd.exe` will read it. A character the page cannot hold is refused with its line, except in
    /// `rem` comment lines, where it becomes `?` (nothing runs them).
    pub fn encode_batch(self, text: &str) -> Result<Vec<u8>, NotInCodePage> {
        let mut out = Vec::with_capacity(text.len());
        for (n, line) in text.split_inclusive('\n').enumerate() {
            let comment = line.trim_start().get(..4).is_some_and(|w| w.eq_ignore_ascii_case("rem ")) || line.trim_start().starts_with("::");
            for c in line.chars() {
                match self.encode_char(c) {
                    Some(b) => out.push(b),
                    None if comment => out.push(b'?'),
                    None => return Err(NotInCodePage { ch: c, code_page: self, line: n + 1, text: line.trim_end().to_string() }),
                }
            }
        }
        Ok(out)
    }

    /// Bytes of a batch file as `cmd.exe` reads them in this code page.
    pub fn decode(self, bytes: &[u8]) -> String {
        self.decoding().decode_string_lossy(bytes)
    }
}

/// A character of a batch file that the PCs' code page cannot hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the character '{ch}' (line {line}: {text}) cannot be written in code page {code_page}, the one cmd.exe reads install.bat in on the PCs: \
     rename the file or change the text so it has no '{ch}', or, if the PCs use another OEM code page (`chcp` shows it), choose that one"
)]
pub struct NotInCodePage {
    pub ch: char,
    pub code_page: CodePage,
    pub line: usize,
    pub text: String,
}

/// Non-ASCII text of a batch file saved in UTF-8: what `cmd.exe` would make of it in `cp`, when that differs.
/// `None` when the file is plain ASCII or not UTF-8 (then it is already in a single-byte code page).
pub fn utf8_misread(bytes: &[u8], cp: CodePage) -> Option<(String, String)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let word = text.split(|c: char| c.is_whitespace() || c == '"').find(|w| !w.is_ascii())?;
    Some((word.to_string(), cp.decode(word.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_are_written_in_the_oem_code_page() {
        let bat = "cd /d \"%~dp0\"\r\nmsiexec /i \"logiciel été.msi\" /qn\r\n";
        let bytes = CodePage::default().encode_batch(bat).unwrap();
        // é is 0x82 in code page 850 (and in 437); in UTF-8 it would be C3 A9.
        assert!(bytes.windows(3).any(|w| w == [0x82, b't', 0x82]), "{bytes:02X?}");
        assert!(!bytes.windows(2).any(|w| w == [0xC3, 0xA9]));
        assert_eq!(CodePage::default().decode(&bytes), bat);
    }

    #[test]
    fn a_character_the_page_lacks_is_refused_with_its_line_but_not_in_comments() {
        let cp437 = CodePage::try_from(437).unwrap();
        let e = cp437.encode_batch("@echo off\r\nrem Prix 5 €\r\nmsiexec /i \"Łódź.msi\"\r\n").unwrap_err();
        assert_eq!((e.ch, e.line), ('Ł', 3));
        assert!(e.to_string().contains("code page 437"), "{e}");
        assert!(CodePage::try_from(858).unwrap().encode_batch("echo 5 €").is_ok());
        assert!(CodePage::default().encode_batch("echo 5 €").is_err(), "850 has no euro sign");
    }

    #[test]
    fn pages_parse_and_unknown_ones_are_refused() {
        assert_eq!("cp852".parse::<CodePage>().unwrap().number(), 852);
        assert!(CodePage::try_from(65001).unwrap_err().contains("chcp"));
        let m: std::collections::BTreeMap<String, CodePage> = toml::from_str("cp = 437").unwrap();
        assert_eq!(m["cp"].number(), 437);
    }

    #[test]
    fn a_utf8_batch_file_is_shown_as_cmd_reads_it() {
        let (word, seen) = utf8_misread("msiexec /i \"logiciel été.msi\"".as_bytes(), CodePage::default()).unwrap();
        assert_eq!(word, "été.msi");
        assert_eq!(seen, "├®t├®.msi");
        assert!(utf8_misread(b"msiexec /i a.msi", CodePage::default()).is_none());
    }
}
