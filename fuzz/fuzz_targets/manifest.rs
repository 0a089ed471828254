//! `package.toml` as an admin (or another tool) may write it: parsing and validation never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(m) = toml::from_str::<ocs_studio::Manifest>(text) {
        let _ = m.validate();
        let _ = m.display_name();
        let _ = ocs_studio::info::Info::for_manifest(&m, 1, "d41d8cd98f00b204e9800998ecf8427e", 1).to_xml();
        let _ = m.to_toml();
    }
});
