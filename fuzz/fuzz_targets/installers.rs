//! MSI and EXE detection on any bytes (a corrupt or truncated installer in the folder): never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir_in(std::env::var_os("FUZZ_TMP").unwrap_or_else(|| "/dev/shm".into())).unwrap();
    for name in ["setup.msi", "setup.exe", "patch.msp", "lang.mst"] {
        let p = dir.path().join(name);
        std::fs::write(&p, data).unwrap();
        let _ = ocs_studio::scan::installers::identify(&p, name, data.len() as u64);
    }
});
