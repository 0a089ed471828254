//! The `info` reader (what comes back from a server, and what verify reads): never panics; what it accepts, it
//! accepts again once written back out.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(info) = ocs_studio::info::parse(data) {
        let _ = info.get("ID");
        let _ = ocs_studio::ocs::text_from_agent_html(info.get("NOTIFY_TEXT").unwrap_or_default());
    }
});
