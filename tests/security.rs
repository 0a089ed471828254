//! Output files and settings are written with safe permissions whatever the umask: a package runs as SYSTEM on
//! every PC, so no other account of the build machine may change it before it is published; the settings name
//! the servers, their host keys and the relays, which another account must not read or rewrite.

mod common;
use common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// The studio run under `umask 000` (every file it creates without care would be writable by anyone).
fn run_umask_000(config: &Path, args: &[&str]) -> std::process::Output {
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_ocs-studio"))
        .args(args)
        .env("XDG_CONFIG_HOME", config)
        .env("OCS_STUDIO_LOG", "warn")
        .output()
        .unwrap();
    assert!(o.status.success(), "{args:?}: {}{}", stdout(&o), stderr(&o));
    o
}

#[test]
fn packages_and_settings_are_never_writable_by_other_accounts() {
    let t = tempfile::tempdir().unwrap();
    let config = t.path().join("config");
    let app = t.path().join("app");
    write(&app.join("install.bat"), "x");
    write(&app.join("install.sh"), "#!/bin/sh\n");
    write(&app.join("data.bin"), noise(3 << 20, 3));
    for os in ["windows", "linux"] {
        let out = t.path().join(format!("out-{os}"));
        run_umask_000(&config, &["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--os", os, "--id", "1700003100", "--fragment-size", "1MiB", "--json"]);
        let dir = out.join("1700003100");
        assert_eq!(mode(&dir), 0o755, "{os}: the package folder");
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        assert!(files.len() >= 4, "{files:?}");
        for f in files {
            assert_eq!(mode(&f), 0o644, "{os}: {}", f.display());
        }
        let kept = out.join("1700003100.package.toml");
        assert_eq!(mode(&kept) & 0o022, 0, "{os}: the kept manifest is not writable by others: {:o}", mode(&kept));
    }
    // Settings: the folder is private, and so is each file in it.
    run_umask_000(&config, &["relay", "add", "site1", "deploy@192.0.2.10", "--dir", "/var/www/download", "--json"]);
    let dir = config.join("ocs-studio");
    assert_eq!(mode(&dir), 0o700);
    let relays = dir.join("relays.toml");
    assert!(std::fs::read_to_string(&relays).unwrap().contains("192.0.2.10"));
    assert_eq!(mode(&relays), 0o600);
    // A settings folder left open by an older version is closed again at the next write.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    run_umask_000(&config, &["relay", "add", "site2", "deploy@192.0.2.11", "--dir", "/var/www/download", "--json"]);
    assert_eq!(mode(&dir), 0o700);
}
