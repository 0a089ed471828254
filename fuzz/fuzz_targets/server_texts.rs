//! Texts read from servers and lists: the console's dbconfig.inc.php, known_hosts lines, the relay list, SSH
//! addresses. Never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = ocs_studio::ocs::db::parse_dbconfig(text);
    let _ = ocs_studio::relay::parse_list(text, &ocs_studio::relay::RelayDefaults::default());
    let _ = ocs_studio::ssh::SshTarget::parse(text, "root");
    let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE+u4cDqVgAklwP8m0kIPmBkKFVYUgG7dzTcApf4bXJL";
    let _ = ocs_studio::ssh::known_hosts::check_text("relay.example.org", 2222, key, text);
});
