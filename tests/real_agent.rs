//! The real Unix agent (Debian's ocsinventory-agent 2.10 on loopback) as the judge of what the studio builds:
//! the package is put on the server as the console would (scripts/ocs-server/deploy-direct.sh), affected to the
//! ALPHA computer, and the agent downloads, checks, extracts and runs it. Ignored by a plain `cargo test`;
//! scripts/test.sh starts the server and runs them with `--ignored`.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

/// One agent at a time, and package IDs that never repeat (an ID that ran on a computer never runs again).
static AGENT: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn script(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/ocs-server").join(name)
}

fn fresh_id() -> String {
    loop {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        // Below the console's IDs (the current time), so the two never collide.
        let id = (now - 50_000_000).to_string();
        if !Path::new("/var/lib/ocsinventory-reports/download").join(&id).exists() {
            return id;
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
}

fn agent_run() -> String {
    let o = Command::new("bash").arg(script("agent-run.sh")).arg("ALPHA").env("OCS_AGENT_TIMEOUT", "90").output().unwrap();
    assert!(o.status.success(), "agent-run.sh failed:\n{}\n{}", stdout(&o), stderr(&o));
    stdout(&o) + &stderr(&o)
}

/// Builds `app` with `args`, deploys it to ALPHA, runs the agent; returns the status the agent reported.
fn deploy_and_run(app: &Path, out: &Path, args: &[&str]) -> String {
    let _turn = AGENT.lock().unwrap_or_else(|e| e.into_inner());
    agent_run(); // registers the computer with TAG ALPHA on a fresh server
    let id = fresh_id();
    let mut build = vec!["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", &id, "--json"];
    build.extend_from_slice(args);
    ok_json(&build);
    let d = Command::new("bash").arg(script("deploy-direct.sh")).arg(out.join(&id)).arg("ALPHA").output().unwrap();
    assert!(d.status.success(), "deploy-direct.sh failed:\n{}", stderr(&d));
    let enable = stdout(&d).lines().find_map(|l| l.strip_prefix("ENABLE_ID=")).unwrap().to_string();
    assert!(stdout(&d).contains("COMPUTERS=1"), "{}", stdout(&d));
    agent_run();
    let q = Command::new("mariadb")
        .args(["-N", "-B", "ocsweb", "-e", &format!("SELECT IFNULL(TVALUE,'NULL') FROM devices WHERE NAME='DOWNLOAD' AND IVALUE={enable}")])
        .output()
        .unwrap();
    delete_on_test_server(&id);
    stdout(&q).trim().to_string()
}

#[test]
#[ignore = "needs the loopback OCS server and agent: run scripts/test.sh"]
fn the_agent_runs_a_multi_fragment_zip_package() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    let marker = t.path().join("marker");
    write(&app.join("install.sh"), format!("#!/bin/sh\necho installed > '{}'\n", marker.display()));
    write(&app.join("payload/big.bin"), noise(2_500_000, 8)); // several chunks: a data-descriptor entry
    let status = deploy_and_run(&app, &t.path().join("out"), &["--action", "execute", "--command", "sh install.sh", "--fragment-size", "1MiB"]);
    assert_eq!(status, "SUCCESS");
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), "installed\n");
}

#[test]
#[ignore = "needs the loopback OCS server and agent: run scripts/test.sh"]
fn the_agent_launches_a_linux_tar_gz_package() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    let marker = t.path().join("marker");
    write(&app.join("install.sh"), format!("#!/bin/sh\necho launched > '{}'\n", marker.display()));
    write(&app.join("lib/data.txt"), "données\n".repeat(10_000));
    let status = deploy_and_run(&app, &t.path().join("out"), &["--os", "linux"]);
    assert_eq!(status, "SUCCESS_0", "the Unix agent reports LAUNCH as SUCCESS_<exit code>");
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), "launched\n");
}

#[test]
#[ignore = "needs the loopback OCS server and agent: run scripts/test.sh"]
fn a_failing_command_is_reported_as_the_agent_does() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    write(&app.join("install.sh"), "#!/bin/sh\nexit 3\n");
    let status = deploy_and_run(&app, &t.path().join("out"), &["--action", "execute", "--command", "sh install.sh"]);
    assert_eq!(status, "ERR_EXECUTE", "the Unix agent says ERR_EXECUTE for a non-zero EXECUTE");
}

/// Non-ASCII names and an empty file, in a zip (the Windows layout) and in a tar.gz: the real agent extracts
/// them under their own names, and the script it runs finds them.
#[test]
#[ignore = "needs the loopback OCS server and agent: run scripts/test.sh"]
fn the_agent_extracts_non_ascii_names_and_empty_files() {
    for (os, args) in [("windows", vec!["--action", "execute", "--command", "sh install.sh"]), ("linux", vec!["--os", "linux"])] {
        let t = tempfile::tempdir().unwrap();
        let app = t.path().join("app");
        let marker = t.path().join("marker");
        write(
            &app.join("install.sh"),
            format!(
                "#!/bin/sh\ntest \"$(cat 'Équipe Compta/été — ½.txt')\" = accents || exit 4\ntest -f vide.dat && ! test -s vide.dat || exit 5\ntest \"$(cat 日本語/ファイル.txt)\" = cjk || exit 6\necho found > '{}'\n",
                marker.display()
            ),
        );
        write(&app.join("Équipe Compta/été — ½.txt"), "accents");
        write(&app.join("日本語/ファイル.txt"), "cjk");
        write(&app.join("vide.dat"), b"");
        let status = deploy_and_run(&app, &t.path().join("out"), &args);
        assert!(status == "SUCCESS" || status == "SUCCESS_0", "{os}: {status}");
        assert_eq!(std::fs::read_to_string(&marker).unwrap(), "found\n", "{os}");
    }
}
