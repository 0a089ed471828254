//! The bad-input rows of docs/reliability.md that need no server: each is answered by an error that says what,
//! where and how to fix, and nothing is left in the output folder; or, when the input is valid but unusual
//! (0-byte files, non-ASCII names, 100 000 files), the package is built so that the agents read it right.

mod common;
use common::*;
use ocs_studio::{BuildError, BuildOptions, CancelToken, Manifest, Progress, Project, Stage, TargetOs};
use std::path::Path;

/// The build fails with `code`, its message holds every `parts`, and the output folder holds nothing.
fn refused(app: &Path, out: &Path, extra: &[&str], code: &str, parts: &[&str]) -> String {
    let mut args = vec!["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "1700002000", "--json"];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
    let e = json(&o);
    assert_eq!(e["error"]["code"], code, "{e}");
    let msg = e["error"]["message"].as_str().unwrap().to_string();
    for p in parts {
        assert!(msg.contains(p), "{p:?} not in: {msg}");
    }
    assert!(!out.exists() || names(out).is_empty(), "left behind: {:?}", names(out));
    // The same run without --json prints the message for a person, on stderr.
    let text = run(&args.iter().copied().filter(|a| *a != "--json").collect::<Vec<_>>());
    assert!(stderr(&text).contains(&msg), "{}", stderr(&text));
    msg
}

#[test]
fn links_that_loop_or_lead_nowhere_and_special_files_are_refused_by_name() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let app = t.path().join("app");
    write(&app.join("install.bat"), "x");
    write(&app.join("real/data.txt"), "data");
    // A link to a file inside the folder is followed: its content is packaged under the link's name.
    std::os::unix::fs::symlink("real/data.txt", app.join("alias.txt")).unwrap();
    let b = ok_json(&["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "1700002001", "--json"]);
    assert_eq!(b["file_count"], 3, "{b}");
    std::fs::remove_dir_all(&out).unwrap();

    std::os::unix::fs::symlink("..", app.join("real/up")).unwrap();
    refused(&app, &out, &[], "source", &["real/up", "a folder that contains it", "remove the link or exclude it"]);
    std::fs::remove_file(app.join("real/up")).unwrap();

    std::os::unix::fs::symlink("gone/setup.msi", app.join("setup.msi")).unwrap();
    refused(&app, &out, &[], "source", &["setup.msi", "gone/setup.msi", "does not exist"]);
    std::fs::remove_file(app.join("setup.msi")).unwrap();

    let init = ok_json(&["init", app.to_str().unwrap(), "--json"]);
    // A named pipe would block the build forever if it were read.
    let fifo = app.join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    refused(&app, &out, &[], "source", &["pipe", "is a named pipe, not a file", "exclude it"]);
    // Excluding it (the manifest's [source] exclude) is the fix the message gives, and it works.
    let file = init["manifest"].as_str().unwrap().to_string();
    let toml = std::fs::read_to_string(&file).unwrap().replace("exclude = [", "exclude = [\n    \"pipe\",");
    std::fs::write(&file, toml).unwrap();
    ok_json(&["build", &file, "--out", out.to_str().unwrap(), "--id", "1700002002", "--json"]);
}

#[test]
fn an_unreadable_folder_or_file_is_named() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    let app = root.join("app");
    write(&app.join("install.bat"), "x");
    write(&app.join("secret/key.txt"), "k");
    let out = root.join("out");
    std::fs::create_dir_all(&out).unwrap();
    use std::os::unix::fs::PermissionsExt;
    for d in [root, &app, &out] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    std::fs::set_permissions(app.join("secret"), std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads everything: the studio runs as an ordinary account for this test.
    let as_user = |args: &[&str]| {
        let mut c = if unsafe_is_root() {
            let mut c = std::process::Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_ocs-studio")]);
            c
        } else {
            std::process::Command::new(env!("CARGO_BIN_EXE_ocs-studio"))
        };
        c.args(args).env("OCS_STUDIO_LOG", "warn").env("XDG_CONFIG_HOME", root).env("HOME", root).output().unwrap()
    };
    let o = as_user(&["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "1700002003", "--json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let e = json(&o);
    assert_eq!(e["error"]["code"], "source");
    let msg = e["error"]["message"].as_str().unwrap();
    assert!(msg.contains("secret") && msg.contains("ermission denied") && msg.contains("check its permissions"), "{msg}");
    assert!(names(&out).is_empty(), "{:?}", names(&out));

    std::fs::set_permissions(app.join("secret"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(app.join("secret/key.txt"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let o = as_user(&["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "1700002003", "--json"]);
    let msg = json(&o)["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.contains("secret/key.txt") && msg.contains("check that the file is readable"), "{msg}");
    assert!(names(&out).is_empty(), "{:?}", names(&out));
}

fn unsafe_is_root() -> bool {
    std::process::Command::new("id").arg("-u").output().map(|o| stdout(&o).trim() == "0").unwrap_or(false)
}

/// A file that another program deletes or rewrites while the build reads the folder: the build stops, names it,
/// and writes nothing. The change is made from the progress callback, once the build has started reading.
#[test]
fn files_that_vanish_or_change_during_the_build_are_refused() {
    for (what, expect) in [("vanish", "cannot read"), ("grow", "changed while it was being packaged"), ("shrink", "changed while it was being packaged")] {
        for os in [TargetOs::Windows, TargetOs::Linux] {
            let t = tempfile::tempdir().unwrap();
            let app = t.path().join("app");
            write(&app.join(os.default_entry()), "echo");
            for i in 0..40 {
                write(&app.join(format!("data/{i:02}.bin")), noise(300_000, i));
            }
            let victim = app.join("data/39.bin");
            let m = Manifest::for_folder(&app, os);
            let project = Project { manifest: &m, base_dir: &app, manifest_file: None };
            let out = t.path().join("out");
            let done = std::sync::atomic::AtomicBool::new(false);
            let sink = |p: Progress| {
                if matches!(p.stage, Stage::Compressing | Stage::Fragmenting) && !done.swap(true, std::sync::atomic::Ordering::SeqCst) {
                    match what {
                        "vanish" => std::fs::remove_file(&victim).unwrap(),
                        "grow" => std::fs::write(&victim, noise(300_001, 1)).unwrap(),
                        _ => std::fs::write(&victim, b"short").unwrap(),
                    }
                }
            };
            let opts = BuildOptions { out_dir: out.clone(), id: Some(77), threads: Some(1), ..Default::default() };
            let r = ocs_studio::build(&project, &opts, &sink, &CancelToken::new());
            assert!(done.load(std::sync::atomic::Ordering::SeqCst), "the build reported progress");
            let e = r.expect_err("the build must be refused");
            assert!(matches!(e, BuildError::SourceRead { .. } | BuildError::FileChanged(_)), "{what} {os:?}: {e:?}");
            let msg = e.to_string();
            assert!(msg.contains("data/39.bin") && msg.contains(expect), "{what} {os:?}: {msg}");
            assert!(names(&out).is_empty(), "{what} {os:?}: left behind {:?}", names(&out));
        }
    }
}

#[test]
fn zero_byte_files_and_non_ascii_names_are_stored_as_both_agents_read_them() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    write(&app.join("install.bat"), "x");
    write(&app.join("vide.dat"), b"");
    write(&app.join("Équipe Compta/été 2026 — ½.txt"), "accents");
    write(&app.join("日本語/ファイル.txt"), "cjk");
    let out = t.path().join("out");
    let b = ok_json(&["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "1700002004", "--fragment-size", "1KiB", "--json"]);
    let dir = out.join("1700002004");
    assert!(run(&["verify", dir.to_str().unwrap(), "--os", "windows"]).status.success());
    let zip = t.path().join("p.zip");
    std::fs::write(&zip, concat_fragments(&dir, "1700002004", b["fragments"].as_u64().unwrap() as usize)).unwrap();
    // Python's zipfile reads the central directory: UTF-8 flag (bit 11) and host 3 (Unix), which is what the
    // Windows agent's zip library decodes as UTF-8, and a real mode (0 would make the file hidden, read-only).
    let o = std::process::Command::new("python3")
        .arg("-c")
        .arg("import zipfile,sys\nfor i in zipfile.ZipFile(sys.argv[1]).infolist(): print(i.filename, i.flag_bits & 0x800, i.create_system, oct(i.external_attr >> 16), i.file_size, sep='|')")
        .arg(&zip)
        .output()
        .unwrap();
    let listing = stdout(&o);
    let line = |n: &str| listing.lines().find(|l| l.starts_with(&format!("{n}|"))).unwrap_or_else(|| panic!("{n} missing:\n{listing}")).to_string();
    for n in ["Équipe Compta/été 2026 — ½.txt", "日本語/ファイル.txt"] {
        let l = line(n);
        assert!(l.contains("|2048|3|0o100644|"), "{l}");
    }
    assert!(line("vide.dat").ends_with("|0o100644|0"), "{}", line("vide.dat"));
    // Info-ZIP's unzip (what the Unix agent runs) extracts the same names and the empty file.
    let x = t.path().join("x");
    tool("unzip", &["-q", zip.to_str().unwrap(), "-d", x.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(x.join("Équipe Compta/été 2026 — ½.txt")).unwrap(), "accents");
    assert_eq!(std::fs::read_to_string(x.join("日本語/ファイル.txt")).unwrap(), "cjk");
    assert_eq!(std::fs::metadata(x.join("vide.dat")).unwrap().len(), 0);

    // A folder of nothing but empty files still builds (one small archive).
    let empty = t.path().join("empty");
    write(&empty.join("install.bat"), b"");
    write(&empty.join("a.txt"), b"");
    let b = ok_json(&["build", empty.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "1700002005", "--json"]);
    assert_eq!(b["fragments"], 1);
    assert!(run(&["verify", out.join("1700002005").to_str().unwrap()]).status.success());
}

#[test]
fn a_package_toml_with_wrong_types_or_unknown_keys_names_the_line() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    write(&app.join("install.bat"), "x");
    let out = t.path().join("out");
    let init = ok_json(&["init", app.to_str().unwrap(), "--json"]);
    let file = std::path::PathBuf::from(init["manifest"].as_str().unwrap_or_else(|| panic!("{init}")));
    let good = std::fs::read_to_string(&file).unwrap();
    assert!(good.contains("priority = 5"), "{good}");
    let line_of = |text: &str, needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    for (bad, needle, parts) in [
        (good.replace("priority = 5", "priority = \"high\""), "priority =", vec!["invalid type", "expected u8"]),
        (good.replace("priority = 5", "prority = 5"), "prority", vec!["unknown field `prority`", "priority"]),
        (good.replace("priority = 5", "priority = 5\npriority = 6"), "priority = 6", vec!["duplicate key"]),
        (good.replace("priority = 5", "priority = 300"), "priority =", vec!["300"]),
    ] {
        std::fs::write(&file, &bad).unwrap();
        let line = line_of(&bad, needle);
        let o = run(&["build", file.to_str().unwrap(), "--out", out.to_str().unwrap(), "--json"]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        let e = json(&o);
        assert_eq!(e["error"]["code"], "manifest", "{e}");
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(msg.contains(file.to_str().unwrap()), "names the file: {msg}");
        assert!(msg.contains(&format!("line {line}")), "names line {line}: {msg}");
        for p in parts {
            assert!(msg.contains(p), "{p:?} not in {msg}");
        }
        assert!(!out.exists() || names(&out).is_empty());
        // The file the admin wrote is left as it was.
        assert_eq!(std::fs::read_to_string(&file).unwrap(), bad);
    }
}

/// 100 000 files: a Windows package would need Zip64 (over 65 535 entries), which the Windows agent cannot
/// read, so it is refused with the count; the same folder builds for Linux agents and verifies.
#[test]
fn a_hundred_thousand_files() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    for d in 0..100 {
        let dir = app.join(format!("d{d:02}"));
        std::fs::create_dir_all(&dir).unwrap();
        for f in 0..1000 {
            std::fs::write(dir.join(format!("{f:03}.txt")), format!("{d}-{f}\n")).unwrap();
        }
    }
    write(&app.join("install.bat"), "x");
    std::fs::copy(app.join("install.bat"), app.join("install.sh")).unwrap();
    let out = t.path().join("out");
    refused(&app, &out, &[], "zip64", &["100102 files and folders", "65,535", "ERR_EXECUTE_TOO_MANY_TRY", "Split the files"]);
    let b = ok_json(&["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--os", "linux", "--id", "1700002006", "--json"]);
    assert_eq!(b["file_count"], 100_002, "{b}");
    let v = ok_json(&["verify", out.join("1700002006").to_str().unwrap(), "--os", "linux", "--json"]);
    assert_eq!(v["entries"], 100_102, "{v}");
}
