//! `verify` catches what the agents would fail on, on packages damaged after the build.

mod common;
use common::*;
use std::path::PathBuf;

fn built(t: &tempfile::TempDir, id: &str) -> PathBuf {
    let app = t.path().join("app");
    write(&app.join("install.bat"), "@echo off\r\n");
    write(&app.join("data.bin"), noise(40_000, 5));
    let out = t.path().join("out");
    let o = run(&["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", id, "--fragment-size", "10KiB"]);
    assert!(o.status.success(), "{}", stderr(&o));
    out.join(id)
}

fn problems(dir: &std::path::Path) -> (bool, Vec<String>, serde_json::Value) {
    let o = run(&["verify", dir.to_str().unwrap(), "--json"]);
    let j = json(&o);
    assert_eq!(o.status.success(), j["ok"].as_bool().unwrap(), "exit code follows ok");
    let codes = j["problems"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap().to_string()).collect();
    (j["ok"].as_bool().unwrap(), codes, j)
}

#[test]
fn a_changed_fragment_is_a_bad_digest() {
    let t = tempfile::tempdir().unwrap();
    let dir = built(&t, "1700001000");
    let f = dir.join("1700001000-2");
    let mut bytes = std::fs::read(&f).unwrap();
    bytes[100] ^= 0xFF;
    std::fs::write(&f, bytes).unwrap();
    let (ok, codes, j) = problems(&dir);
    assert!(!ok);
    assert!(codes.contains(&"bad_digest".to_string()), "{j}");
    assert!(j.to_string().contains("ERR_BAD_DIGEST"));
}

#[test]
fn a_missing_fragment_and_a_wrong_folder_name_are_reported() {
    let t = tempfile::tempdir().unwrap();
    let dir = built(&t, "1700001001");
    std::fs::remove_file(dir.join("1700001001-3")).unwrap();
    let (ok, codes, _) = problems(&dir);
    assert!(!ok && codes.contains(&"fragment_missing".to_string()), "{codes:?}");

    let dir = built(&t, "1700001002");
    let renamed = dir.with_file_name("1700009999");
    std::fs::rename(&dir, &renamed).unwrap();
    let (ok, codes, _) = problems(&renamed);
    assert!(!ok && codes.contains(&"bad_id".to_string()), "{codes:?}");
}

#[test]
fn the_console_s_malformed_info_is_caught() {
    let t = tempfile::tempdir().unwrap();
    let dir = built(&t, "1700001003");
    let info = std::fs::read_to_string(dir.join("info")).unwrap();
    // What the 2.11 console writes for a text with & and a quoted command: raw & and ' instead of ".
    let broken = info.replace("NOTIFY_TEXT=\"\"", "NOTIFY_TEXT=\"Save & close\"");
    std::fs::write(dir.join("info"), broken).unwrap();
    let (ok, codes, _) = problems(&dir);
    assert!(!ok && codes == ["info_not_xml"], "{codes:?}");

    let quoted = info.replace("NOTIFY_TEXT=\"\"", "NOTIFY_TEXT=\"Say &quot;hi&quot;\"");
    std::fs::write(dir.join("info"), quoted).unwrap();
    let (ok, codes, _) = problems(&dir);
    assert!(!ok && codes.contains(&"text_quote".to_string()), "{codes:?}");
}

#[test]
fn uppercase_digest_missing_launch_file_and_not_a_package() {
    let t = tempfile::tempdir().unwrap();
    let dir = built(&t, "1700001004");
    let info = std::fs::read_to_string(dir.join("info")).unwrap();
    let start = info.find("DIGEST=\"").unwrap() + 8;
    let digest = &info[start..start + 32];
    std::fs::write(dir.join("info"), info.replace(digest, &digest.to_uppercase())).unwrap();
    let (ok, codes, _) = problems(&dir);
    assert!(!ok && codes.contains(&"digest_uppercase".to_string()), "{codes:?}");

    std::fs::write(dir.join("info"), info.replace("NAME=\"install.bat\"", "NAME=\"setup.exe /S\"")).unwrap();
    let (ok, codes, j) = problems(&dir);
    assert!(!ok && codes == ["launch_missing"], "{j}");

    // No folder at all is bad input (exit 2, code "source"), not a package that failed its checks (exit 1).
    let o = run(&["verify", t.path().join("nothing-here").to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json(&o)["error"]["code"], "source");
}
