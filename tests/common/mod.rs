//! Helpers of the integration tests: run the real `ocs-studio` binary on folders the tests make,
//! and check its output with independent tools (unzip, md5sum, tar, xmllint, wixl for real MSIs).
#![allow(dead_code)]

pub mod proxy;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn studio() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ocs-studio"));
    c.env("OCS_STUDIO_LOG", "warn");
    c
}

pub fn run(args: &[&str]) -> Output {
    studio().args(args).output().expect("ocs-studio runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(o), stderr(o)))
}

/// Runs the CLI, which must succeed, and returns its JSON output.
pub fn ok_json(args: &[&str]) -> serde_json::Value {
    let o = run(args);
    assert!(o.status.success(), "{args:?} failed:\n{}\n{}", stdout(&o), stderr(&o));
    json(&o)
}

/// Runs an external tool and returns its stdout; panics with its output when it fails.
pub fn tool(cmd: &str, args: &[&str]) -> String {
    let o = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} is needed by this test ({e}); the README's test command installs it"));
    assert!(o.status.success(), "{cmd} {args:?} failed:\n{}\n{}", stdout(&o), stderr(&o));
    stdout(&o)
}

pub fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
}

/// Deterministic incompressible bytes.
pub fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Builds a real MSI with Debian's wixl (product name and version as given; the payload makes it `size` bytes-ish).
pub fn make_msi(dir: &Path, file_name: &str, product: &str, version: &str, payload: usize) -> PathBuf {
    let work = tempfile::tempdir().unwrap();
    write(&work.path().join("payload.bin"), noise(payload, 42));
    let wxs = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="{product}" Version="{version}" Manufacturer="Studio Test" UpgradeCode="6F1B3C2A-5D4E-4F60-8A7B-9C0D1E2F3A4B" Language="1033">
    <Package InstallerVersion="200" Compressed="yes" Comments="built by the ocs-studio tests"/>
    <Media Id="1" Cabinet="app.cab" EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFilesFolder">
        <Directory Id="INSTALLDIR" Name="StudioTest">
          <Component Id="Main" Guid="0A1B2C3D-4E5F-4061-8273-849506A7B8C9">
            <File Id="Payload" Source="payload.bin"/>
          </Component>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Complete" Level="1"><ComponentRef Id="Main"/></Feature>
  </Product>
</Wix>"#
    );
    write(&work.path().join("app.wxs"), wxs);
    let out = dir.join(file_name);
    let o = Command::new("wixl")
        .current_dir(work.path())
        .arg("-o")
        .arg(&out)
        .arg("app.wxs")
        .output()
        .expect("wixl is needed to build real MSIs (apt-get install wixl; the README's test command does it)");
    assert!(o.status.success(), "wixl failed: {}", stderr(&o));
    out
}

/// A Windows application folder as admins prepare it: install.bat + a real MSI + a sub folder.
pub fn windows_app(root: &Path) -> PathBuf {
    let app = root.join("Mon Appli");
    std::fs::create_dir_all(&app).unwrap();
    make_msi(&app, "Mon Appli.msi", "Mon Appli", "2.1.0", 300_000);
    write(&app.join("install.bat"), "@echo off\r\ncd /d \"%~dp0\"\r\nmsiexec /i \"Mon Appli.msi\" /passive /norestart\r\nexit /b %ERRORLEVEL%\r\n");
    write(&app.join("config/réglages.ini"), "[main]\nserver=ocs\n".repeat(500));
    app
}

/// The bytes of fragments 1..N of a package folder, concatenated as the agent does.
pub fn concat_fragments(dir: &Path, id: &str, n: usize) -> Vec<u8> {
    let mut all = Vec::new();
    for i in 1..=n {
        all.extend(std::fs::read(dir.join(format!("{id}-{i}"))).unwrap());
    }
    all
}

/// Names in a folder (to prove nothing was left behind).
pub fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

/// Deletes package `id` from the loopback test server with the studio's own `delete` (assignments, activation,
/// files, entry): the server tests remove what they made.
pub fn delete_on_test_server(id: &str) {
    let o = studio()
        .args(["delete", id, "--server", "https://localhost/ocsreports/", "--user", "admin", "--ca", "/var/lib/ocs-studio-test/cacert.pem", "--json"])
        .env("OCS_STUDIO_PASSWORD", std::env::var("OCS_TEST_ADMIN_PASSWORD").unwrap_or_else(|_| "studio-admin-pw".into()))
        .env("XDG_CONFIG_HOME", std::env::temp_dir().join("ocs-studio-test-config"))
        .output()
        .expect("ocs-studio runs");
    assert!(o.status.success(), "deleting {id} from the test server failed:\n{}{}", stdout(&o), stderr(&o));
}

/// Runs `c`, reads the first bytes of its output and closes the pipe (as `… | head` does); returns how it ended.
pub fn close_pipe_early(c: &mut Command) -> Output {
    let mut child = c.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().expect("the command starts");
    let mut first = [0u8; 64];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).expect("some output");
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

/// A query on the loopback test server's OCS database.
pub fn sql(q: &str) -> String {
    tool("mariadb", &["-N", "-B", "ocsweb", "-e", q]).trim().to_string()
}

/// What the loopback test server holds: package folders, live packages, activations, assignments, the fragment
/// setting. A test compares it before and after to prove nothing was left behind.
pub fn server_state() -> (Vec<String>, String) {
    let mut dirs: Vec<String> = std::fs::read_dir("/var/lib/ocsinventory-reports/download").unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    dirs.sort();
    let rows = sql(
        "SELECT CONCAT((SELECT COUNT(*) FROM download_available WHERE DELETED=0), '/', (SELECT COUNT(*) FROM download_enable), '/', \
         (SELECT COUNT(*) FROM devices WHERE NAME='DOWNLOAD'), '/', \
         (SELECT GROUP_CONCAT(CONCAT(NAME,'=',IFNULL(IVALUE,'')) ORDER BY NAME) FROM config WHERE NAME IN ('DOWNLOAD_ACTIVATE_FRAG','DOWNLOAD_RATIO_FRAG')))",
    );
    (dirs, rows)
}
