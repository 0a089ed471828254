//! A full disk during a build, on a real small file system (a 4 MiB tmpfs mounted for the test): the build
//! names the place and the cause, and leaves nothing there. Needs root to mount; ignored by a plain
//! `cargo test`, run by scripts/test.sh with `--ignored`.

mod common;
use common::*;
use std::path::PathBuf;

struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: PathBuf, size: &str) -> Tmpfs {
        std::fs::create_dir_all(&dir).unwrap();
        tool("mount", &["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs", dir.to_str().unwrap()]);
        Tmpfs(dir)
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
#[ignore = "needs root to mount a small tmpfs: run scripts/test.sh"]
fn a_full_disk_during_a_build_is_named_and_leaves_nothing() {
    let t = tempfile::tempdir().unwrap();
    let small = Tmpfs::mount(t.path().join("small"), "4m");
    for (os, entry) in [("windows", "install.bat"), ("linux", "install.sh")] {
        let app = t.path().join(format!("app-{os}"));
        write(&app.join(entry), "x");
        write(&app.join("data.bin"), noise(8 << 20, 9));
        let o = run(&["build", app.to_str().unwrap(), "--out", small.0.to_str().unwrap(), "--os", os, "--id", "1700004000", "--fragment-size", "1MiB", "--json"]);
        assert_eq!(o.status.code(), Some(2), "{os}: {}", stdout(&o));
        let e = json(&o);
        assert_eq!(e["error"]["code"], "output", "{os}: {e}");
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(msg.contains(small.0.to_str().unwrap()) && msg.contains("No space left on device") && msg.contains("enough free space"), "{os}: {msg}");
        assert!(names(&small.0).is_empty(), "{os}: left on the full disk: {:?}", names(&small.0));
    }
    // The same folder fits once the package is small enough: the disk was left as empty as it was.
    let app = t.path().join("fits");
    write(&app.join("install.bat"), "x");
    write(&app.join("data.bin"), noise(2 << 20, 9));
    ok_json(&["build", app.to_str().unwrap(), "--out", small.0.to_str().unwrap(), "--id", "1700004001", "--json"]);
}
