//! The real OCS console (ocsreports 2.11.1 on loopback, scripts/ocs-server/setup.sh) as the judge of the layout:
//! for the same zip and settings it must write the same `info` as the studio, except where the console is wrong.
//! These tests need the server, so they are ignored by a plain `cargo test`; scripts/test.sh starts the
//! server and runs them with `--ignored`.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

struct ConsolePackage {
    id: String,
    info: String,
    fragment_sizes: Vec<u64>,
}

/// The console names packages by the second they are built in and cuts them by one global setting:
/// two builds at once would collide, so the tests take turns.
static CONSOLE: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn console_build(zip: &Path, name: &str, command: &str, frag_mb: u32, env: &[(&str, &str)]) -> ConsolePackage {
    let _turn = CONSOLE.lock().unwrap_or_else(|e| e.into_inner());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/ocs-server/console-build.sh");
    let o = Command::new("bash")
        .arg(script)
        .arg(zip)
        .arg(name)
        .arg(command)
        .arg(frag_mb.to_string())
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(o.status.success(), "console-build.sh failed (is the server up? scripts/ocs-server/setup.sh):\n{}", stderr(&o));
    let out = stdout(&o);
    let id = out.lines().find_map(|l| l.strip_prefix("FILEID=")).unwrap().to_string();
    let info_path = out.lines().find_map(|l| l.strip_prefix("INFO=")).unwrap();
    let dir = Path::new(info_path).parent().unwrap();
    let mut fragment_sizes = Vec::new();
    let mut i = 1;
    while let Ok(m) = std::fs::metadata(dir.join(format!("{id}-{i}"))) {
        fragment_sizes.push(m.len());
        i += 1;
    }
    let info = std::fs::read_to_string(info_path).unwrap();
    delete_on_test_server(&id);
    ConsolePackage { id, info, fragment_sizes }
}

fn studio_build(app: &Path, out: &Path, id: &str, extra: &[&str]) -> (serde_json::Value, String, Vec<u8>) {
    let mut args = vec!["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", id, "--json"];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = json(&o);
    let dir = out.join(id);
    let zip = concat_fragments(&dir, id, r["fragments"].as_u64().unwrap() as usize);
    (r, std::fs::read_to_string(dir.join("info")).unwrap(), zip)
}

#[test]
#[ignore = "needs the loopback OCS server: run scripts/test.sh"]
fn console_writes_the_same_info_for_the_same_zip() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    write(&app.join("install.bat"), "@echo off\r\necho ok\r\n");
    write(&app.join("payload.bin"), noise(1_700_000, 11));
    let (r, ours, zip_bytes) = studio_build(&app, &t.path().join("out"), "1700002000", &["--action", "execute", "--command", "install.bat", "--fragment-size", "1MiB"]);
    let zip = t.path().join("same.zip");
    std::fs::write(&zip, &zip_bytes).unwrap();
    let console = console_build(&zip, &format!("studio-cmp-{}", std::process::id()), "install.bat", 1, &[]);

    // Byte for byte the same file, but for the package ID.
    let ours_as_console = ours.replace("ID=\"1700002000\"", &format!("ID=\"{}\"", console.id));
    assert_eq!(ours_as_console, console.info);
    assert!(console.info.contains(&format!("DIGEST=\"{}\"", r["digest"].as_str().unwrap())));
    // The console cuts n−1 fragments of floor(S/n) and gives the rest to the last; we spread the remainder.
    let size = zip_bytes.len() as u64;
    assert_eq!(console.fragment_sizes, ocs_studio::fragment::console_plan(size, 1 << 20));
    assert_eq!(r["fragment_sizes"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect::<Vec<_>>(), ocs_studio::fragment::plan(size, 1 << 20).unwrap());
}

#[test]
#[ignore = "needs the loopback OCS server: run scripts/test.sh"]
fn console_mangles_quotes_and_writes_malformed_xml_where_the_studio_does_not() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    write(&app.join("Mon Appli.msi"), noise(5000, 2));
    let command = "msiexec /i \"Mon Appli.msi\" /qn";
    let text = "Fermez \"Mon Appli\" & Outlook";
    let (_, ours, zip_bytes) = studio_build(
        &app,
        &t.path().join("out"),
        "1700002001",
        &["--action", "execute", "--command", command, "--notify-text", text],
    );
    let zip = t.path().join("quoted.zip");
    std::fs::write(&zip, &zip_bytes).unwrap();
    let console = console_build(
        &zip,
        &format!("studio-quotes-{}", std::process::id()),
        command,
        5,
        &[("OCS_BUILD_NOTIFY_USER", "1"), ("OCS_BUILD_NOTIFY_TEXT", text), ("OCS_BUILD_NOTIFY_COUNTDOWN", "0"), ("OCS_BUILD_NOTIFY_CAN_DELAY", "1")],
    );
    // The console turns the msiexec quotes into single quotes, which cmd.exe does not honour…
    assert!(console.info.contains("COMMAND=\"msiexec /i 'Mon Appli.msi' /qn\""), "{}", console.info);
    // …and writes the & raw: not XML, the Unix agent's download worker dies on it.
    assert!(ocs_studio::info::parse(console.info.as_bytes()).is_err(), "{}", console.info);
    // The studio's info parses and gives the agent the real command and a text without raw quotes.
    let parsed = ocs_studio::info::parse(ours.as_bytes()).unwrap();
    assert_eq!(parsed.get("COMMAND"), Some(command));
    assert_eq!(parsed.get("NOTIFY_TEXT"), Some("Fermez &quot;Mon Appli&quot; &amp; Outlook"));
}
