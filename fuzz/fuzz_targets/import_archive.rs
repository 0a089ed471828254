//! An archive downloaded from a server when importing a package: unpacking never panics and never writes outside
//! its folder.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let base = tempfile::tempdir_in(std::env::var_os("FUZZ_TMP").unwrap_or_else(|| "/dev/shm".into())).unwrap();
    let archive = base.path().join("archive");
    std::fs::write(&archive, data).unwrap();
    let dest = base.path().join("inside").join("files");
    let _ = ocs_studio::ocs::import_unpack_for_fuzzing(&archive, &dest);
    // Nothing may appear beside the destination.
    let mut names: Vec<_> = std::fs::read_dir(base.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert!(names.iter().all(|n| n == "archive" || n == "inside"), "{names:?}");
    if let Ok(rd) = std::fs::read_dir(base.path().join("inside")) {
        for e in rd {
            assert_eq!(e.unwrap().file_name(), "files");
        }
    }
});
