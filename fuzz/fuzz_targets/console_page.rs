//! The console's pages and AJAX answers as the studio reads them (login form, CSRF token, alerts, upload limit,
//! statistics links, DataTables JSON): never panics, whatever the server answers.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    ocs_studio::ocs::fuzz_console_page(text);
});
