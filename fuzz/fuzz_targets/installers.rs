//! MSI and EXE detection on any bytes (a corrupt or truncated installer in the folder): never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

static QUIET: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    // The studio contains panics of the msi crate (catch_unwind in scan::installers::msi::read: the file is
    // reported as unreadable). libFuzzer's panic hook would abort on those before they are caught, so it is
    // replaced; a panic that escapes the studio still reaches libfuzzer-sys, which aborts: a crash.
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let dir = tempfile::tempdir_in(std::env::var_os("FUZZ_TMP").unwrap_or_else(|| "/dev/shm".into())).unwrap();
    for name in ["setup.msi", "setup.exe", "patch.msp", "lang.mst"] {
        let p = dir.path().join(name);
        std::fs::write(&p, data).unwrap();
        let _ = ocs_studio::scan::installers::identify(&p, name, data.len() as u64);
    }
});
