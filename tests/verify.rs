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

/// A package whose archive was zipped elsewhere (as the console publishes the admin's own zip): `verify` reads its
/// central directory as the Windows agent's zip library does. A name in UTF-8 behind a DOS host byte (what
/// .NET's and PowerShell's zip write) is extracted garbled; mode 0 makes read-only hidden files; reserved names,
/// case twins and paths over 259 characters under `C:\Windows\Temp\<ID>.OCS\` fail; and a command over 254
/// characters once expanded is ignored.
#[test]
fn archives_zipped_elsewhere_are_read_as_the_windows_agent_reads_them() {
    let t = tempfile::tempdir().unwrap();
    let id = "1700001010";
    let dir = built(&t, id);
    let zip = t.path().join("elsewhere.zip");
    let long = format!("{}/{}.txt", "d".repeat(120), "f".repeat(120));
    let script = format!(
        r#"
import zipfile, sys
z = zipfile.ZipFile(sys.argv[1], "w")
def add(name, system, mode=None, data=b"x"):
    i = zipfile.ZipInfo(name); i.create_system = system
    if mode is not None: i.external_attr = mode << 16
    z.writestr(i, data)
add("install.bat", 3, 0o644, b"@echo off\r\n")
add("Équipe/été.txt", 0)
add("Readme.TXT", 3, 0o644); add("readme.txt", 3, 0o644)
add("con.txt", 3, 0o644)
add("hidden.ini", 3, 0o100000)
add("{long}", 3, 0o644)
z.close()
"#
    );
    let o = std::process::Command::new("python3").arg("-c").arg(&script).arg(&zip).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() != "info" {
            std::fs::remove_file(p).unwrap();
        }
    }
    std::fs::copy(&zip, dir.join(format!("{id}-1"))).unwrap();
    let md5 = tool("md5sum", &[zip.to_str().unwrap()]).split_whitespace().next().unwrap().to_string();
    let info = std::fs::read_to_string(dir.join("info")).unwrap();
    let start = info.find("DIGEST=\"").unwrap() + 8;
    let frags = info.find("FRAGS=\"").unwrap() + 7;
    let frags_end = frags + info[frags..].find('"').unwrap();
    let info = format!("{}{}{}", &info[..frags], "1", &info[frags_end..]);
    let info = info.replace(&info[start..start + 32].to_string(), &md5);
    std::fs::write(dir.join("info"), &info).unwrap();

    let o = run(&["verify", dir.to_str().unwrap(), "--os", "windows", "--json"]);
    assert!(!o.status.success());
    let j = json(&o);
    let find = |code: &str| {
        j["problems"].as_array().unwrap().iter().filter(|p| p["code"] == code).map(|p| p["message"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    let enc = find("zip_name_encoding");
    // cp850 reading of the UTF-8 bytes of "Équipe/été.txt".
    assert!(enc.len() == 1 && enc[0].contains("Équipe/été.txt") && enc[0].contains("├ëquipe/├®t├®.txt"), "{j}");
    assert!(find("zip_mode_zero").iter().any(|m| m.contains("hidden.ini") && m.contains("read-only, hidden")), "{j}");
    assert!(find("zip_case_collision").iter().any(|m| m.contains("Readme.TXT") && m.contains("readme.txt")), "{j}");
    assert!(find("zip_windows_name").iter().any(|m| m.contains("con.txt") && m.contains("CON is a reserved")), "{j}");
    let too_long = find("zip_path_too_long");
    assert!(too_long.len() == 1 && too_long[0].contains(&long) && too_long[0].contains("1700001010.OCS"), "{j}");
    assert!(find("bad_digest").is_empty(), "the test's own digest is right: {j}");
    // For any agent, the same are warnings: the package is not refused for Linux agents.
    let o = run(&["verify", dir.to_str().unwrap(), "--json"]);
    let any = json(&o);
    assert!(any["problems"].as_array().unwrap().iter().filter(|p| p["code"].as_str().unwrap().starts_with("zip_")).all(|p| p["severity"] == "warning"), "{any}");

    // A command of 240 characters that %LocalAppData% (SYSTEM's profile) brings to 280 is named by verify.
    let cmd = format!("&quot;%LocalAppData%\\{}.exe&quot; /S", "x".repeat(240 - 24));
    let launch = info.replace("ACT=\"LAUNCH\"", "ACT=\"EXECUTE\"").replace("NAME=\"install.bat\"", &format!("COMMAND=\"{cmd}\""));
    assert!(launch.contains("COMMAND="), "{launch}");
    std::fs::write(dir.join("info"), launch).unwrap();
    let o = run(&["verify", dir.to_str().unwrap(), "--os", "windows", "--json"]);
    let m = json(&o)["problems"].as_array().unwrap().iter().find(|p| p["code"] == "command_too_long").cloned();
    assert!(m.as_ref().is_some_and(|m| m["message"].as_str().unwrap().contains("once its variables are expanded")), "{m:?}");
}
