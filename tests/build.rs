//! Whole builds through the real CLI, checked by independent tools.

mod common;
use common::*;
use std::path::{Path, PathBuf};

#[test]
fn windows_folder_with_msi_builds_a_package_independent_tools_accept() {
    let t = tempfile::tempdir().unwrap();
    let app = windows_app(t.path());
    let out = t.path().join("out");
    let r = ok_json(&[
        "build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "1700000123",
        "--name", "Mon Appli", "--version", "2.1.0", "--fragment-size", "100KiB", "--json",
    ]);
    assert_eq!(r["id"], 1700000123);
    assert_eq!(r["name"], "Mon Appli 2.1.0");
    assert_eq!(r["digest_algo"], "MD5");
    assert_eq!(r["digest_encode"], "Hexa");
    assert_eq!(r["fragment_size"], 100 * 1024);
    let dir = out.join("1700000123");
    assert_eq!(Path::new(r["dir"].as_str().unwrap()), dir);

    // FRAGS = number of fragment files; all of the chosen size but the last two, which share the rest evenly.
    let frags = r["fragments"].as_u64().unwrap() as usize;
    let mut expected: Vec<String> = (1..=frags).map(|i| format!("1700000123-{i}")).collect();
    expected.push("info".into());
    expected.sort();
    assert_eq!(names(&dir), expected);
    let sizes: Vec<u64> = (1..=frags).map(|i| std::fs::metadata(dir.join(format!("1700000123-{i}"))).unwrap().len()).collect();
    assert!(frags >= 3, "{sizes:?}");
    assert!(sizes.iter().all(|&s| s <= 100 * 1024), "{sizes:?}");
    let (a, b) = (sizes[frags - 2], sizes[frags - 1]);
    assert!(sizes[..frags - 2].iter().all(|&s| s == 100 * 1024) && a - b <= 1 && a > 50 * 1024, "{sizes:?}");
    assert_eq!(sizes.iter().sum::<u64>(), r["archive_size"].as_u64().unwrap());

    // md5sum of the concatenated fragments = DIGEST.
    let zip = t.path().join("build.zip");
    std::fs::write(&zip, concat_fragments(&dir, "1700000123", frags)).unwrap();
    let md5 = tool("md5sum", &[zip.to_str().unwrap()]);
    assert_eq!(md5.split_whitespace().next().unwrap(), r["digest"].as_str().unwrap());

    // The zip opens and tests clean with Info-ZIP; install.bat is at its root.
    let test = tool("unzip", &["-t", zip.to_str().unwrap()]);
    assert!(test.contains("No errors detected"), "{test}");
    let list = tool("unzip", &["-Z1", zip.to_str().unwrap()]);
    let entries: Vec<&str> = list.lines().collect();
    assert!(entries.contains(&"install.bat"), "{entries:?}");
    assert!(entries.contains(&"Mon Appli.msi"), "{entries:?}");
    assert!(entries.contains(&"config/réglages.ini"), "{entries:?}");
    // Extracted content is byte-identical.
    let x = t.path().join("x");
    tool("unzip", &["-q", zip.to_str().unwrap(), "-d", x.to_str().unwrap()]);
    assert_eq!(std::fs::read(x.join("Mon Appli.msi")).unwrap(), std::fs::read(app.join("Mon Appli.msi")).unwrap());
    assert_eq!(std::fs::read(x.join("install.bat")).unwrap(), std::fs::read(app.join("install.bat")).unwrap());

    // info: well-formed XML, the console's layout, and FRAGS / DIGEST consistent.
    let info = std::fs::read_to_string(dir.join("info")).unwrap();
    tool("xmllint", &["--noout", dir.join("info").to_str().unwrap()]);
    let lines: Vec<&str> = info.split_inclusive('\n').collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0], "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    assert!(lines[1].starts_with("<DOWNLOAD ID=\"1700000123\" PRI=\"5\" ACT=\"LAUNCH\" DIGEST=\""), "{info}");
    assert!(lines[1].contains(&format!(" FRAGS=\"{frags}\" DIGEST_ALGO=\"MD5\" DIGEST_ENCODE=\"Hexa\" NAME=\"install.bat\" NOTIFY_USER=\"0\" ")), "{info}");
    assert!(lines[1].ends_with("GARDEFOU=\"rien\" />\n"));

    // And our own verify agrees.
    let v = run(&["verify", dir.to_str().unwrap(), "--json"]);
    assert!(v.status.success(), "{}", stdout(&v));
    let v = json(&v);
    assert_eq!(v["ok"], true);
    assert_eq!(v["problems"].as_array().unwrap().len(), 0, "{v}");
}

#[test]
fn same_inputs_give_identical_bytes_whatever_the_thread_count() {
    let t = tempfile::tempdir().unwrap();
    let app = windows_app(t.path());
    write(&app.join("big/data.bin"), noise(3 << 20, 9));
    write(&app.join("big/text.txt"), "ligne de texte répétée\n".repeat(200_000));
    let mut dirs = Vec::new();
    for (i, threads) in ["1", "2", "4"].iter().enumerate() {
        let out = t.path().join(format!("out{i}"));
        ok_json(&["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "1234567890", "--threads", threads, "--json"]);
        dirs.push(out.join("1234567890"));
    }
    let first = names(&dirs[0]);
    for d in &dirs[1..] {
        assert_eq!(names(d), first);
        for n in &first {
            assert!(std::fs::read(d.join(n)).unwrap() == std::fs::read(dirs[0].join(n)).unwrap(), "{n} differs in {}", d.display());
        }
    }
    // Touching a file's time does not change the package.
    let f = std::fs::File::options().append(true).open(app.join("install.bat")).unwrap();
    f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600)).unwrap();
    let out = t.path().join("again");
    ok_json(&["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "1234567890", "--json"]);
    assert_eq!(std::fs::read(out.join("1234567890/info")).unwrap(), std::fs::read(dirs[0].join("info")).unwrap());
}

#[test]
fn tiny_package_and_many_fragments() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    write(&app.join("install.bat"), "x");
    let out = t.path().join("out");
    let r = ok_json(&["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "42", "--fragment-size", "1MiB", "--json"]);
    assert_eq!(r["fragments"], 1);
    let size = r["archive_size"].as_u64().unwrap();
    let r2 = ok_json(&["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "43", "--fragment-size", "7", "--json"]);
    assert_eq!(r2["fragments"].as_u64().unwrap(), size.div_ceil(7));
    let v = run(&["verify", out.join("43").to_str().unwrap()]);
    assert!(v.status.success(), "{}", stdout(&v));
    let unz = t.path().join("p.zip");
    let n = r2["fragments"].as_u64().unwrap() as usize;
    std::fs::write(&unz, concat_fragments(&out.join("43"), "43", n)).unwrap();
    assert!(tool("unzip", &["-p", unz.to_str().unwrap(), "install.bat"]) == "x");
}

#[test]
fn linux_package_is_a_tar_gz_with_an_executable_install_sh() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("tool");
    write(&app.join("install.sh"), "#!/bin/sh\necho ok > /tmp/marker\n");
    write(&app.join("lib/tool.so"), noise(50_000, 1));
    let out = t.path().join("out");
    let r = ok_json(&["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--os", "linux", "--id", "1700000200", "--json"]);
    assert_eq!(r["archive_format"], "tar.gz");
    let dir = out.join("1700000200");
    let info = std::fs::read_to_string(dir.join("info")).unwrap();
    assert!(info.contains(" NAME=\"install.sh\" "), "{info}");
    let tgz = t.path().join("build.tar.gz");
    std::fs::write(&tgz, concat_fragments(&dir, "1700000200", r["fragments"].as_u64().unwrap() as usize)).unwrap();
    assert_eq!(tool("md5sum", &[tgz.to_str().unwrap()]).split_whitespace().next().unwrap(), r["digest"].as_str().unwrap());
    let listing = tool("tar", &["-tvzf", tgz.to_str().unwrap()]);
    let sh = listing.lines().find(|l| l.ends_with(" install.sh")).expect("install.sh at the root");
    assert!(sh.starts_with("-rwxr-xr-x"), "the Unix agent runs ./install.sh: {sh}");
    assert!(listing.contains("lib/tool.so"), "{listing}");
    let v = run(&["verify", dir.to_str().unwrap(), "--os", "linux"]);
    assert!(v.status.success(), "{}", stdout(&v));
    // The same package checked for Windows agents is refused: they only unzip.
    let v = run(&["verify", dir.to_str().unwrap(), "--os", "windows", "--json"]);
    assert!(!v.status.success());
    assert!(stdout(&v).contains("ERR_UNZIP"));
}

#[test]
fn notification_text_is_stored_as_the_windows_agent_must_show_it() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    write(&app.join("install.bat"), "@echo off\r\n");
    let out = t.path().join("out");
    let text = "Mise à jour de \"Mon Appli\" & sécurité.\n<b>Enregistrez</b> votre travail.";
    ok_json(&[
        "build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "1700000300", "--notify-text", text,
        "--countdown", "60", "--can-abort", "--no-delay", "--done-text", "Terminé, merci !", "--json",
    ]);
    let info_path = out.join("1700000300/info");
    // Parse with Python's XML parser (independent of ours) and read the values as an agent holds them.
    let script = format!(
        "import xml.etree.ElementTree as E; a=E.parse('{}').getroot().attrib; print(a['NOTIFY_USER'], a['NOTIFY_COUNTDOWN'], a['NOTIFY_CAN_ABORT'], a['NOTIFY_CAN_DELAY'], a['NEED_DONE_ACTION']); print(a['NOTIFY_TEXT']); print(a['NEED_DONE_ACTION_TEXT'])",
        info_path.display()
    );
    let printed = tool("python3", &["-c", &script]);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines[0], "1 60 1 0 1");
    let agent_text = lines[1];
    assert!(!agent_text.contains('"'), "a raw double quote cuts /MSG=\"…\": {agent_text}");
    assert_eq!(
        agent_text,
        "Mise &#224; jour de &quot;Mon Appli&quot; &amp; s&#233;curit&#233;.<br><b>Enregistrez</b> votre travail."
    );
    assert_eq!(lines[2], "Termin&#233;, merci !");
    // Rendered as HTML (what the agent's dialog does), the admin's text comes back.
    let render = format!(
        "import html,re; t={agent_text:?}; print(html.unescape(re.sub(r'<br>', '\\n', re.sub(r'</?b>', '', t))))"
    );
    assert_eq!(tool("python3", &["-c", &render]).trim_end(), "Mise à jour de \"Mon Appli\" & sécurité.\nEnregistrez votre travail.");
}

#[test]
fn execute_store_and_manifest_builds() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    write(&app.join("Mon Appli.msi"), noise(1000, 3));
    write(&app.join("debug.log"), "excluded");
    let out = t.path().join("out");
    let r = ok_json(&[
        "build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "1700000400", "--action", "execute",
        "--command", "msiexec /i \"Mon Appli.msi\" /qn /norestart", "--json",
    ]);
    assert_eq!(r["action"], "EXECUTE");
    let info = std::fs::read_to_string(out.join("1700000400/info")).unwrap();
    assert!(info.contains(" COMMAND=\"msiexec /i &quot;Mon Appli.msi&quot; /qn /norestart\" "), "quotes survive: {info}");

    let r = ok_json(&["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "1700000401", "--path", "C:\\Apps\\Mon Appli", "--json"]);
    assert_eq!(r["action"], "STORE");
    assert!(std::fs::read_to_string(out.join("1700000401/info")).unwrap().contains(" PATH=\"C:\\Apps\\Mon Appli\" "));

    // init writes a manifest; editing it drives the build; the manifest itself is not packaged.
    let o = run(&["init", app.to_str().unwrap(), "--name", "Mon Appli", "--version", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("no install.bat"), "{}", stdout(&o));
    let manifest = app.join("package.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let text = text
        .replace("kind = \"launch\"\nfile = \"install.bat\"", "kind = \"execute\"\ncommand = \"msiexec /i \\\"Mon Appli.msi\\\" /qn\"")
        .replace("exclude = [", "exclude = [\"*.log\", ");
    std::fs::write(&manifest, text).unwrap();
    let r = ok_json(&["build", manifest.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "1700000402", "--priority", "3", "--json"]);
    assert_eq!(r["name"], "Mon Appli 3");
    assert_eq!(r["file_count"], 1, "only the MSI: no package.toml, no debug.log");
    assert!(std::fs::read_to_string(out.join("1700000402/info")).unwrap().contains(" PRI=\"3\" ACT=\"EXECUTE\" "));
    let again = run(&["init", app.to_str().unwrap()]);
    assert!(!again.status.success() && stderr(&again).contains("--force"));
}

#[test]
fn command_only_execute_package_has_no_fragments() {
    let t = tempfile::tempdir().unwrap();
    let manifest = t.path().join("package.toml");
    write(&manifest, "[package]\nname = \"Flush DNS\"\n[action]\nkind = \"execute\"\ncommand = \"ipconfig /flushdns\"\n");
    let out = t.path().join("out");
    let r = ok_json(&["build", manifest.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "1700000500", "--json"]);
    assert_eq!(r["fragments"], 0);
    assert_eq!(names(&out.join("1700000500")), ["info"]);
    let info = std::fs::read_to_string(out.join("1700000500/info")).unwrap();
    assert!(info.contains(" DIGEST=\"\" PROTO=\"HTTP\" FRAGS=\"0\" "), "{info}");
    assert!(run(&["verify", out.join("1700000500").to_str().unwrap()]).status.success());
}

/// Every bad input: exit code 2, a message that says what and how, and nothing written.
#[test]
fn bad_input_gets_a_clear_error_and_no_partial_output() {
    let t = tempfile::tempdir().unwrap();
    let good = t.path().join("good");
    write(&good.join("install.bat"), "x");
    let empty = t.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let no_bat = t.path().join("nobat");
    write(&no_bat.join("setup.exe"), "MZ");
    let a_file = t.path().join("a-file");
    write(&a_file, "not a folder");
    let out = t.path().join("out");
    let out_s = out.to_str().unwrap();
    let unwritable = a_file.join("sub");
    let missing = t.path().join("missing");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["build", missing.to_str().unwrap(), "--out", out_s], "does not exist"),
        (vec!["build", empty.to_str().unwrap(), "--out", out_s], "is empty"),
        (vec!["build", no_bat.to_str().unwrap(), "--out", out_s], "\"install.bat\" is not at the root"),
        (vec!["build", good.to_str().unwrap(), "--out", out_s, "--priority", "0"], "priority 0 is refused"),
        (vec!["build", good.to_str().unwrap(), "--out", out_s, "--fragment-size", "0"], "fragment size is 0"),
        (vec!["build", good.to_str().unwrap(), "--out", out_s, "--name", " "], "package name is empty"),
        (vec!["build", good.to_str().unwrap(), "--out", unwritable.to_str().unwrap()], "choose an output folder you can write to"),
        (vec!["build", good.to_str().unwrap(), "--out", out_s, "--id", "4294967296"], "from 1 to 2147483647"),
        (vec!["build", good.to_str().unwrap(), "--out", out_s, "--action", "execute"], "the command of the EXECUTE action is empty"),
        (vec!["build", good.to_str().unwrap(), "--out", out_s, "--action", "execute"], "(--command \"…\" for execute"),
        (vec!["build", good.to_str().unwrap(), "--out", out_s, "--path", "C:\\Apps", "--command", "x"], "does not apply to a STORE action"),
    ];
    for (args, expect) in cases {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?} should fail:\n{}{}", stdout(&o), stderr(&o));
        assert!(stderr(&o).contains(expect), "{args:?}: expected «{expect}» in:\n{}", stderr(&o));
        assert!(names(&out).is_empty(), "{args:?} left {:?} behind", names(&out));
    }
    // The JSON form carries a stable code.
    let o = run(&["build", no_bat.to_str().unwrap(), "--out", out_s, "--json"]);
    let j = json(&o);
    assert_eq!(j["ok"], false);
    assert_eq!(j["error"]["code"], "launch_file_missing");
    assert!(j["error"]["message"].as_str().unwrap().contains("setup.exe"), "names what the root holds: {j}");
    // An existing package is never overwritten silently.
    ok_json(&["build", good.to_str().unwrap(), "--out", out_s, "--id", "7", "--json"]);
    let before = std::fs::read(out.join("7/info")).unwrap();
    let o = run(&["build", good.to_str().unwrap(), "--out", out_s, "--id", "7", "--priority", "2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--replace"));
    assert_eq!(std::fs::read(out.join("7/info")).unwrap(), before);
    ok_json(&["build", good.to_str().unwrap(), "--out", out_s, "--id", "7", "--priority", "2", "--replace", "--json"]);
    assert!(std::fs::read_to_string(out.join("7/info")).unwrap().contains("PRI=\"2\""));
    assert_eq!(names(&out), ["7", "7.package.toml"], "no staging or trash folder left; the manifest kept beside the package");
    // The kept manifest holds the name it was built with, and builds the same package again.
    let kept = std::fs::read_to_string(out.join("7.package.toml")).unwrap();
    assert!(kept.contains("priority = 2"), "{kept}");
    let again = ok_json(&["build", out.join("7.package.toml").to_str().unwrap(), "--out", t.path().join("again").to_str().unwrap(), "--id", "7", "--json"]);
    assert_eq!(std::fs::read(PathBuf::from(again["dir"].as_str().unwrap()).join("info")).unwrap(), std::fs::read(out.join("7/info")).unwrap());
}

/// Flags and paths a new user gets wrong: each answered with what to do, exit code 2, nothing written.
#[test]
fn wrong_arguments_say_what_was_expected() {
    let t = tempfile::tempdir().unwrap();
    let good = t.path().join("good");
    write(&good.join("install.bat"), "x");
    let a_file = t.path().join("notes.txt");
    write(&a_file, "not a manifest");
    let out = t.path().join("out");
    let out_s = out.to_str().unwrap();
    let nope = t.path().join("nope");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["build", a_file.to_str().unwrap(), "--out", out_s], "is a file, not an application folder or a package.toml"),
        (vec!["build", good.to_str().unwrap(), "--out", a_file.to_str().unwrap()], "is a file, not a folder"),
        (vec!["build", good.to_str().unwrap(), "--out", out_s, "--threads", "0"], "from 1 to 256"),
        (vec!["build", good.to_str().unwrap(), "--out", out_s, "--countdown", "-5"], "-5 is negative"),
        (vec!["build", good.to_str().unwrap(), "--out", out_s, "--countdown", "soon"], "not a countdown"),
        (vec!["verify", nope.to_str().unwrap()], "does not exist: give the package folder"),
        (vec!["notify-preview", "--text", ""], "the notification text is empty"),
    ];
    for (args, expect) in cases {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?} should fail with 2:\n{}{}", stdout(&o), stderr(&o));
        assert!(stderr(&o).contains(expect), "{args:?}: expected «{expect}» in:\n{}", stderr(&o));
        assert!(names(&out).is_empty(), "{args:?} left {:?} behind", names(&out));
    }
    assert_eq!(std::fs::read_to_string(&a_file).unwrap(), "not a manifest");
}

/// Names a Windows PC cannot unzip are each reported by the build; a Windows package is refused unless the admin
/// keeps them explicitly, a Linux one is built.
#[test]
fn a_windows_build_names_every_path_a_pc_cannot_unzip() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    write(&app.join("install.bat"), "x");
    write(&app.join("con.txt"), "reserved");
    write(&app.join("a:b.txt"), "colon");
    write(&app.join("trailing."), "dot");
    write(&app.join("Readme.TXT"), "1");
    write(&app.join("readme.txt"), "2");
    let deep = format!("{}/{}.txt", ["dossier-assez-long"; 12].join("/"), "fichier");
    write(&app.join(&deep), "deep");
    let out = t.path().join("out");
    let o = run(&["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let j = json(&o);
    assert_eq!(j["error"]["code"], "windows_paths");
    let msg = j["error"]["message"].as_str().unwrap();
    for name in ["con.txt", "a:b.txt", "trailing.", "Readme.TXT", "readme.txt", "fichier.txt", "--keep-bad-names"] {
        assert!(msg.contains(name), "«{name}» missing from: {msg}");
    }
    assert!(msg.starts_with("5 problem(s)"), "{msg}");
    assert!(names(&out).is_empty(), "nothing written: {:?}", names(&out));
    // Kept on purpose: built, each one a warning of the report.
    let r = ok_json(&["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--keep-bad-names", "--json"]);
    let codes: Vec<&str> = r["warnings"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap()).collect();
    assert_eq!(codes.iter().filter(|c| **c == "windows_name").count(), 3, "{codes:?}");
    assert!(codes.contains(&"case_collision") && codes.contains(&"path_too_long"), "{codes:?}");
    // Linux agents unpack these names fine.
    write(&app.join("install.sh"), "#!/bin/sh\n");
    ok_json(&["build", app.to_str().unwrap(), "--out", t.path().join("lin").to_str().unwrap(), "--os", "linux", "--json"]);
}

/// A file over 4 GiB needs zip64 (sizes in the local header's extra field and in the data descriptor).
/// The source is a sparse file, so the test costs CPU (deflating zeros), not disk.
#[test]
fn zip64_for_a_file_over_4_gib() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("big");
    write(&app.join("install.bat"), "x");
    let f = std::fs::File::create(app.join("disk.img")).unwrap();
    f.set_len((4u64 << 30) + 12345).unwrap();
    let out = t.path().join("out");
    // The Windows agent's zip library throws on Zip64: a Windows build is refused, naming the file, and leaves nothing.
    let refused = run(&["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "64", "--fragment-size", "1MiB", "--json"]);
    assert!(!refused.status.success());
    let e = json(&refused);
    assert_eq!(e["error"]["code"], "zip64", "{e}");
    let msg = e["error"]["message"].as_str().unwrap();
    assert!(msg.contains("\"disk.img\" is 4.0 GiB") && msg.contains("ERR_EXECUTE_TOO_MANY_TRY") && msg.contains("Split the files"), "{msg}");
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none(), "nothing written");
    let r = ok_json(&["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "64", "--fragment-size", "1MiB", "--allow-zip64", "--json"]);
    let dir = out.join("64");
    let zip = t.path().join("p.zip");
    std::fs::write(&zip, concat_fragments(&dir, "64", r["fragments"].as_u64().unwrap() as usize)).unwrap();
    let listing = tool("unzip", &["-Z", "-v", zip.to_str().unwrap()]);
    assert!(listing.contains("4294979641 bytes"), "Info-ZIP reads the 64-bit size:\n{}", &listing[..listing.len().min(3000)]);
    // verify names Zip64 as what the Windows agent cannot read: an error for Windows, a warning for any agent.
    let v = run(&["verify", dir.to_str().unwrap(), "--json"]);
    assert!(v.status.success(), "{}", stdout(&v));
    let problems = json(&v)["problems"].to_string();
    assert!(problems.contains("zip64_windows") && problems.contains("\"warning\""), "{problems}");
    let v = run(&["verify", dir.to_str().unwrap(), "--os", "windows", "--json"]);
    assert!(!v.status.success());
    assert!(json(&v)["problems"].to_string().contains("ERR_EXECUTE_TOO_MANY_TRY"));
    let v = run(&["verify", dir.to_str().unwrap(), "--os", "linux", "--json"]);
    assert!(v.status.success() && !json(&v)["problems"].to_string().contains("zip64"), "{}", stdout(&v));
}
