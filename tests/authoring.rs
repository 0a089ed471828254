//! Authoring commands on real files: MSIs built by wixl (accents and spaces included), EXE stubs carrying each
//! installer technology's signature, notification texts, footprint against a real build.

mod common;
use common::*;

#[test]
fn inspect_reads_real_msi_properties_and_suggests_a_working_install_bat() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("Logiciel Comptable");
    std::fs::create_dir_all(&app).unwrap();
    make_msi(&app, "Compta Équipe 3.msi", "Compta Équipe", "3.2.1", 200_000);
    let a = ok_json(&["inspect", app.to_str().unwrap(), "--json"]);
    let msi = &a["installers"][0];
    assert_eq!(msi["kind"], "msi");
    assert_eq!(msi["path"], "Compta Équipe 3.msi");
    assert_eq!(msi["product_name"], "Compta Équipe");
    assert_eq!(msi["product_version"], "3.2.1");
    assert_eq!(msi["manufacturer"], "Studio Test");
    assert_eq!(msi["upgrade_code"], "{6F1B3C2A-5D4E-4F60-8A7B-9C0D1E2F3A4B}");
    let code = msi["product_code"].as_str().unwrap();
    assert!(code.len() == 38 && code.starts_with('{'), "{code}");
    assert_eq!(a["suggested_name"], "Compta Équipe 3.2.1");
    assert_eq!(a["suggested_command"], "msiexec /i \"Compta Équipe 3.msi\" /qn /norestart /l*v \"%TEMP%\\Compta_Équipe_3.2.1.log\"");
    assert!(a["warnings"].as_array().unwrap().iter().any(|w| w["code"] == "no_entry_script"));
    assert_eq!(a["files"].as_array().unwrap().len(), 1);

    // Write install.bat from the suggestion; the folder then builds and verifies.
    let s = ok_json(&["script", app.to_str().unwrap(), "--write", "--json"]);
    let bat = std::fs::read(app.join("install.bat")).unwrap();
    // cmd.exe reads batch files in the PC's OEM code page: 850 by default, where É is 0x90 (UTF-8 would be C3 89).
    assert_eq!(s["code_page"], 850);
    assert!(bat.windows(4).any(|w| w == b"a \x90q"), "Compta Équipe in code page 850: {bat:02X?}");
    assert!(!bat.windows(2).any(|w| w == [0xC3, 0x89]), "no UTF-8 left");
    let cp850 = ocs_studio::script::CodePage::default();
    assert_eq!(cp850.decode(&bat), s["install_bat"].as_str().unwrap());
    assert!(bat.windows(2).filter(|w| w == b"\r\n").count() >= 5 && !bat.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'), "CRLF only");
    let text = cp850.decode(&bat);
    assert!(text.contains("cd /d \"%~dp0\"\r\nmsiexec /i \"Compta Équipe 3.msi\" /qn /norestart"));
    assert!(text.ends_with("exit /b %ERRORLEVEL%\r\n"));
    let out = t.path().join("out");
    let b = ok_json(&["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "1700003000", "--json"]);
    assert!(run(&["verify", b["dir"].as_str().unwrap()]).status.success());
    // A transform next to the MSI goes into TRANSFORMS=.
    let s = ok_json(&["script", app.to_str().unwrap(), "--template", "msi-install", "--transform", "fr.mst", "--property", "ALLUSERS=1", "--passive", "--no-log", "--json"]);
    assert!(s["install_bat"].as_str().unwrap().contains("msiexec /i \"Compta Équipe 3.msi\" TRANSFORMS=\"fr.mst\" ALLUSERS=1 /passive /norestart\r\n"));
}

#[test]
fn a_new_msi_version_regenerates_the_script_kept_in_the_manifest() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    make_msi(&app, "tool-1.0.msi", "Tool", "1.0", 1000);
    assert!(run(&["init", app.to_str().unwrap(), "--name", "Tool"]).status.success());
    ok_json(&["script", app.to_str().unwrap(), "--write", "--json"]);
    let manifest = std::fs::read_to_string(app.join("package.toml")).unwrap();
    assert!(manifest.contains("template = \"msi-install\"") && manifest.contains("msi = \"tool-1.0.msi\""), "{manifest}");
    std::fs::remove_file(app.join("tool-1.0.msi")).unwrap();
    make_msi(&app, "tool-1.1.msi", "Tool", "1.1", 1000);
    ok_json(&["script", app.to_str().unwrap(), "--write", "--json"]);
    assert!(std::fs::read_to_string(app.join("install.bat")).unwrap().contains("msiexec /i tool-1.1.msi /qn"));
}

#[test]
fn exe_technologies_self_extractors_and_unknown_programs() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("exes");
    std::fs::create_dir_all(&app).unwrap();
    use ocs_studio::scan::installers::exe::stub_pe;
    let utf16 = |s: &str| s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect::<Vec<u8>>();
    write(&app.join("nsis setup.exe"), stub_pe(".text", b"x", b"\0\0\0\0\xEF\xBE\xAD\xDENullsoftInst"));
    write(&app.join("inno.exe"), stub_pe(".rsrc", b"JR.Inno.Setup", b""));
    write(&app.join("ishield.exe"), stub_pe(".rsrc", &utf16("InstallShield"), b""));
    write(&app.join("bundle.exe"), stub_pe(".wixburn", b"x", b""));
    write(&app.join("office-sfx.exe"), stub_pe(".text", b"x", b"7z\xBC\xAF\x27\x1C\0\x04"));
    write(&app.join("rar-sfx.exe"), stub_pe(".text", b"x", b"Rar!\x1A\x07\0"));
    write(&app.join("mystery.exe"), stub_pe(".text", b"hello", b""));
    write(&app.join("helper.dll"), stub_pe(".text", b"NullsoftInst", b""));
    write(&app.join("broken.msi"), b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 cut short");
    let a = ok_json(&["inspect", app.to_str().unwrap(), "--json"]);
    let kind = |p: &str| a["installers"].as_array().unwrap().iter().find(|i| i["path"] == p).map(|i| i["kind"].as_str().unwrap().to_string());
    assert_eq!(kind("nsis setup.exe").as_deref(), Some("nsis"));
    assert_eq!(kind("inno.exe").as_deref(), Some("inno_setup"));
    assert_eq!(kind("ishield.exe").as_deref(), Some("install_shield"));
    assert_eq!(kind("bundle.exe").as_deref(), Some("wix_burn"));
    assert_eq!(kind("office-sfx.exe").as_deref(), Some("seven_zip_sfx"));
    assert_eq!(kind("rar-sfx.exe").as_deref(), Some("win_rar_sfx"));
    assert_eq!(kind("mystery.exe").as_deref(), Some("plain_exe"));
    assert_eq!(kind("helper.dll"), None, "a DLL is not an installer");
    let warnings = a["warnings"].to_string();
    assert!(warnings.contains("office-sfx.exe") && warnings.contains("extract it first"), "{warnings}");
    assert!(warnings.contains("mystery.exe") && warnings.contains("unknown installer technology"), "{warnings}");
    assert!(warnings.contains("broken.msi") && warnings.contains("not a readable Windows Installer file"), "{warnings}");
    // One NSIS installer alone gets its silent switch suggested.
    let solo = t.path().join("solo");
    write(&solo.join("Setup Outil.exe"), stub_pe(".text", b"x", b"\0\0\0\0\xEF\xBE\xAD\xDENullsoftInst"));
    let a = ok_json(&["inspect", solo.to_str().unwrap(), "--json"]);
    assert_eq!(a["suggested_command"], "\"Setup Outil.exe\" /S");
}

#[test]
fn notification_preview_shows_what_info_stores() {
    let t = tempfile::tempdir().unwrap();
    let page = t.path().join("preview.html");
    let text = "Mise à jour de \"Compta\" & sécurité.\n<b>Enregistrez</b> votre travail.";
    let r = ok_json(&["notify-preview", "--text", text, "--countdown", "60", "--out", page.to_str().unwrap(), "--json"]);
    let stored = r["agent_html"].as_str().unwrap();
    assert_eq!(stored, "Mise &#224; jour de &quot;Compta&quot; &amp; s&#233;curit&#233;.<br><b>Enregistrez</b> votre travail.");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains(&format!("<p>{stored}</p>")), "the preview renders the exact stored HTML");
    assert!(html.contains("Reporter") && !html.contains("Annuler") && html.contains("60 s"));
    // The same text built into a package: info holds exactly that HTML (once XML-escaped).
    let app = t.path().join("app");
    write(&app.join("install.bat"), "x");
    let b = ok_json(&["build", app.to_str().unwrap(), "--out", t.path().join("out").to_str().unwrap(), "--id", "1700003100", "--notify-text", text, "--json"]);
    let info = ocs_studio::info::parse(b["info"].as_str().unwrap().as_bytes()).unwrap();
    assert_eq!(info.get("NOTIFY_TEXT"), Some(stored));
    // Lints and fixes.
    let r = run(&["notify-preview", "--text", "<script>x</script><b>open", "--json"]);
    let j = json(&r);
    assert!(j["lints"].to_string().contains("tag_not_allowed"));
    let fixed = ok_json(&["notify-preview", "--text", "<script>x</script><b>open", "--fix", "--json"]);
    assert_eq!(fixed["text"], "x<b>open</b>");
    // An empty text is bad input (exit 2), not a text that failed its lint (exit 1).
    let empty = run(&["notify-preview", "--text", " ", "--json"]);
    assert_eq!(empty.status.code(), Some(2));
    assert_eq!(json(&empty)["error"]["code"], "arguments");
    let lib = ok_json(&["notify-preview", "--template", "urgent-fr", "--application", "Firefox", "--json"]);
    assert!(lib["text"].as_str().unwrap().contains("Firefox"));
}

#[test]
fn footprint_matches_a_real_build_and_applies_the_rules() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    write(&app.join("install.bat"), "@echo off\r\n");
    write(&app.join("data.bin"), noise(3 << 20, 4));
    write(&app.join("doc/readme.txt"), "texte à lire\n".repeat(100_000));
    make_msi(&app, "app.msi", "App", "1.0", 500_000);
    let f = ok_json(&["footprint", app.to_str().unwrap(), "--json"]);
    let b = ok_json(&["build", app.to_str().unwrap(), "--out", t.path().join("out").to_str().unwrap(), "--id", "1700003200", "--json"]);
    let (est, real) = (f["archive_bytes"].as_f64().unwrap(), b["archive_size"].as_f64().unwrap());
    assert!((est - real).abs() / real < 0.01, "estimate {est} vs build {real}");
    let s = f["archive_bytes"].as_u64().unwrap();
    assert_eq!(f["agent_required_free_bytes"].as_u64().unwrap(), 3 * s);
    assert_eq!(f["unzipped_bytes"].as_u64().unwrap(), b["unpacked_bytes"].as_u64().unwrap());
    let peak = f["peak_bytes"].as_u64().unwrap();
    assert!(peak >= s + f["unzipped_bytes"].as_u64().unwrap());
    assert_eq!(f["recommended_free_bytes"].as_u64().unwrap(), peak.max(5 * s));
    assert!(!f["local_disks"].as_array().unwrap().is_empty(), "this computer's disks are listed");

    let p = ok_json(&["plan", app.to_str().unwrap(), "--fragment-size", "1MiB", "--fragment-size", "5MiB", "--json"]);
    let plans = p["plans"].as_array().unwrap();
    assert_eq!(plans[0]["fragments"].as_u64().unwrap(), s.div_ceil(1 << 20));
    assert!(plans[0]["delivery_seconds"].as_f64().unwrap() > plans[1]["delivery_seconds"].as_f64().unwrap());
    assert_eq!(plans[1]["recommended"], true);
    let bad = run(&["plan", app.to_str().unwrap(), "--priority", "9", "--period-length", "5"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("never download"), "{}", stderr(&bad));
}

#[test]
fn a_folder_of_thousands_of_files_is_analysed_without_trouble() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("many");
    for d in 0..30 {
        for f in 0..100 {
            write(&app.join(format!("d{d:02}/f{f:03}.txt")), format!("{d}/{f}"));
        }
    }
    write(&app.join("install.bat"), "x");
    write(&app.join("d00/F000.TXT"), "same name but for case");
    let a = ok_json(&["inspect", app.to_str().unwrap(), "--json"]);
    assert_eq!(a["files"].as_array().unwrap().len(), 3002);
    assert_eq!(a["suggested_command"], "install.bat");
    let w = a["warnings"].to_string();
    assert!(w.contains("differ only by case"), "{w}");
}

/// A real NSIS installer, compiled by Debian's makensis, is recognised from its bytes.
#[test]
fn a_real_nsis_installer_is_recognised() {
    let t = tempfile::tempdir().unwrap();
    let work = t.path().join("nsis");
    write(&work.join("payload.txt"), "contenu de l'outil\n".repeat(1000));
    write(
        &work.join("outil.nsi"),
        "OutFile \"Setup Outil 1.0.exe\"\nName \"Outil\"\nRequestExecutionLevel user\nSection\nSetOutPath $TEMP\nFile payload.txt\nSectionEnd\n",
    );
    let o = std::process::Command::new("makensis")
        .current_dir(&work)
        .args(["-V1", "outil.nsi"])
        .output()
        .expect("makensis is needed (apt-get install nsis; the README's test command does it)");
    assert!(o.status.success(), "makensis failed: {}", stderr(&o));
    let app = t.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::rename(work.join("Setup Outil 1.0.exe"), app.join("Setup Outil 1.0.exe")).unwrap();
    let a = ok_json(&["inspect", app.to_str().unwrap(), "--json"]);
    assert_eq!(a["installers"][0]["kind"], "nsis", "{a}");
    assert_eq!(a["installers"][0]["silent_args"], "/S");
    assert_eq!(a["suggested_command"], "\"Setup Outil 1.0.exe\" /S");
}

/// Transforms and patches (Windows Installer files of other kinds) are told apart from MSIs, and a transform
/// next to the MSI goes into the suggested TRANSFORMS=.
#[test]
fn transforms_and_patches_are_recognised() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    make_msi(&app, "produit.msi", "Produit", "4.0", 1000);
    for (name, kind) in [("français.mst", msi::PackageType::Transform), ("correctif 4.0.1.msp", msi::PackageType::Patch)] {
        let f = std::fs::File::create(app.join(name)).unwrap();
        let mut p = msi::Package::create(kind, f).unwrap();
        p.flush().unwrap();
    }
    let a = ok_json(&["inspect", app.to_str().unwrap(), "--json"]);
    let kind = |p: &str| a["installers"].as_array().unwrap().iter().find(|i| i["path"] == p).map(|i| i["kind"].as_str().unwrap().to_string());
    assert_eq!(kind("produit.msi").as_deref(), Some("msi"));
    assert_eq!(kind("français.mst").as_deref(), Some("mst"));
    assert_eq!(kind("correctif 4.0.1.msp").as_deref(), Some("msp"));
    assert!(a["suggested_command"].as_str().unwrap().starts_with("msiexec /i produit.msi TRANSFORMS=\"français.mst\" /qn"), "{}", a["suggested_command"]);
}

/// `ocs-studio … | head`: when the reader closes the pipe early, the studio stops quietly (no panic message, exit 0).
#[test]
fn a_reader_that_closes_the_pipe_early_gets_no_panic() {
    let t = tempfile::tempdir().unwrap();
    for i in 0..3000 {
        write(&t.path().join(format!("f{i:04}.txt")), "x");
    }
    let o = close_pipe_early(studio().args(["inspect", t.path().to_str().unwrap(), "--json"]));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// `init` on a folder with an MSI names the package after it, as opening the folder in the window does.
#[test]
fn init_names_the_package_after_the_folders_msi() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("dossier");
    std::fs::create_dir_all(&app).unwrap();
    make_msi(&app, "outil.msi", "Outil Compta", "4.2.1", 10_000);
    let r = ok_json(&["init", app.to_str().unwrap(), "--json"]);
    let toml = r["manifest_toml"].as_str().unwrap();
    assert!(toml.contains("name = \"Outil Compta\"") && toml.contains("version = \"4.2.1\""), "{toml}");
    assert_eq!(r["entry_found"], false);
    // Again: refused without --force, the file kept.
    let again = run(&["init", app.to_str().unwrap(), "--json"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(json(&again)["error"]["message"].as_str().unwrap().contains("(--force)"));
    assert!(std::fs::read_to_string(app.join("package.toml")).unwrap().contains("Outil Compta"));
}

/// Corrupt and truncated installers (a download cut short, a damaged copy, the out-of-memory input the
/// `installers` fuzzer found) are named as unreadable with what to do, never a panic or a huge allocation.
#[test]
fn corrupt_or_truncated_installers_are_named_and_never_crash() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    let good = make_msi(t.path(), "good.msi", "Produit", "1.0", 50_000);
    let bytes = std::fs::read(&good).unwrap();
    write(&app.join("tronqué.msi"), &bytes[..bytes.len() / 2]);
    write(&app.join("header only.msi"), &bytes[..512]);
    write(&app.join("fuzzed.msi"), include_bytes!("../fuzz/regressions/installers-oom-corrupt-msi"));
    // Makes the msi crate panic (an unwrap on a malformed _Columns table): contained, reported as unreadable.
    write(&app.join("panics the msi crate.msi"), include_bytes!("../fuzz/regressions/installers-msi-crate-panic"));
    write(&app.join("not an msi.msi"), noise(4096, 7));
    // Claims a 4 GiB string in its string pool (the fuzzer's second out-of-memory).
    write(&app.join("pool.msi"), include_bytes!("../fuzz/regressions/installers-oom-string-pool"));
    // A table stream claiming far more bytes than the file holds (the third).
    write(&app.join("stream.msi"), include_bytes!("../fuzz/regressions/installers-oom-stream-length"));
    let a = ok_json(&["inspect", app.to_str().unwrap(), "--json"]);
    let warnings: Vec<String> = a["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] == "unreadable_installer")
        .map(|w| w["message"].as_str().unwrap().to_string())
        .collect();
    for name in ["tronqué.msi", "header only.msi", "fuzzed.msi", "not an msi.msi", "panics the msi crate.msi", "pool.msi", "stream.msi"] {
        let w = warnings.iter().find(|w| w.contains(name)).unwrap_or_else(|| panic!("no warning for {name}: {warnings:?}"));
        assert!(w.contains("damaged or truncated") && w.contains("download it again"), "{w}");
    }
    let fuzzed = warnings.iter().find(|w| w.contains("fuzzed.msi")).unwrap();
    assert!(fuzzed.contains("claims") && fuzzed.contains("bytes in a stream of"), "{fuzzed}");
    let pool = warnings.iter().find(|w| w.contains("pool.msi")).unwrap();
    assert!(pool.contains("the string pool claims"), "{pool}");
    let stream = warnings.iter().find(|w| w.contains("stream.msi")).unwrap();
    assert!(stream.contains("claims") && stream.contains("bytes in a file of"), "{stream}");
    assert!(a["installers"].as_array().unwrap().is_empty(), "{a}");
}
