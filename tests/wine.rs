//! The studio's Windows build under Wine, and the install.bat it writes judged by Wine's own `cmd.exe` and `msiexec`.
//!
//! Needs the Windows CLI (`x86_64-pc-windows-gnu`) with the `ProcessPrng` shim beside it, both made by
//! `scripts/windows/setup.sh`, and Debian's wine, wixl and makensis. Ignored by a plain `cargo test`; the test command
//! runs them (`cargo test --test wine -- --ignored`). Each test starts its own Wine prefix (a fresh Windows), so nothing
//! installed by one is seen by another or by a later run.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;

/// The Windows CLI, built by scripts/windows/setup.sh.
fn windows_cli() -> PathBuf {
    let exe = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/x86_64-pc-windows-gnu/debug/ocs-studio.exe");
    assert!(exe.is_file(), "{} is missing: run scripts/windows/setup.sh (the test command does)", exe.display());
    assert!(exe.with_file_name("bcryptprimitives.dll").is_file(), "the ProcessPrng shim is missing beside {}: run scripts/windows/setup.sh", exe.display());
    exe
}

/// One Windows: a Wine prefix of its own, removed (and its processes stopped) at the end.
struct Wine {
    prefix: tempfile::TempDir,
}

impl Wine {
    fn new() -> Wine {
        let w = Wine { prefix: tempfile::Builder::new().prefix("studio-wine-").tempdir().unwrap() };
        let o = w.command("wineboot").arg("-i").output().expect("wine is installed (apt-get install wine; the test command does it)");
        assert!(o.status.success(), "wineboot failed: {}", stderr(&o));
        w
    }

    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("WINEPREFIX", self.prefix.path())
            .env("WINEDEBUG", "-all")
            // The shim first (Wine 8's bcryptprimitives lacks ProcessPrng); no Mono or Gecko download prompts.
            .env("WINEDLLOVERRIDES", "bcryptprimitives=n,b;mscoree=;mshtml=")
            // Wine turns the Unix arguments into Windows (UTF-16) ones through the locale: UTF-8 keeps the accents.
            .env("LC_ALL", "C.UTF-8")
            .env_remove("DISPLAY")
            .env_remove("OCS_STUDIO_PASSWORD");
        c
    }

    /// `wine <program> args…` from `dir`.
    fn run(&self, dir: &Path, program: &str, args: &[&str]) -> Output {
        self.command("wine").current_dir(dir).arg(program).args(args).output().expect("wine runs")
    }

    /// The Windows CLI with `args`.
    fn studio(&self, args: &[&str]) -> Output {
        let mut c = self.command("wine");
        c.arg(windows_cli()).args(args).env("OCS_STUDIO_LOG", "warn");
        c.output().expect("wine runs the Windows CLI")
    }

    fn drive_c(&self) -> PathBuf {
        self.prefix.path().join("drive_c")
    }

    /// Files under drive_c whose name is `name` (the 32-bit Program Files of a 64-bit Windows included).
    fn find(&self, name: &str) -> Vec<PathBuf> {
        walk(&self.drive_c()).into_iter().filter(|p| p.file_name().is_some_and(|n| n == name)).collect()
    }
}

impl Drop for Wine {
    fn drop(&mut self) {
        let _ = self.command("wineserver").arg("-k").status();
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else { return out };
    for e in rd.flatten() {
        let p = e.path();
        // Wine links the user's folders (Documents…) to the Unix home: do not follow them.
        if e.file_type().is_ok_and(|t| t.is_symlink()) {
            continue;
        }
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// `p` as Windows sees it under Wine (drive Z: is the Unix root).
fn win(p: &Path) -> String {
    format!("Z:{}", p.display()).replace('/', "\\")
}

fn json_of(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(o), stderr(o)))
}

/// Every file under `dir`, relative, with its bytes.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = walk(dir).into_iter().map(|p| (p.strip_prefix(dir).unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap())).collect();
    v.sort();
    v
}

/// An MSI that installs `payload.bin` into Program Files\<dir_name> and records the public property GREETING in
/// the registry; with `refuse`, a launch condition that is never met makes msiexec fail (1603).
fn wine_msi(folder: &Path, file_name: &str, product: &str, dir_name: &str, refuse: bool) -> String {
    let work = tempfile::tempdir().unwrap();
    write(&work.path().join("payload.bin"), noise(50_000, 7));
    let product_code = if refuse { "7C9E6B1A-1111-4A2B-8C3D-4E5F60718293" } else { "7C9E6B1A-2222-4A2B-8C3D-4E5F60718293" };
    let condition = if refuse { r#"<Condition Message="This test package never installs.">0</Condition>"# } else { "" };
    let wxs = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="{product_code}" Name="{product}" Version="1.2.0" Manufacturer="Studio Test" UpgradeCode="1B2C3D4E-5F60-4718-9A0B-C1D2E3F40516" Language="1033">
    <Package InstallerVersion="200" Compressed="yes" InstallScope="perMachine"/>
    <Media Id="1" Cabinet="app.cab" EmbedCab="yes"/>
    <Property Id="GREETING" Value="default"/>
    {condition}
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFilesFolder">
        <Directory Id="INSTALLDIR" Name="{dir_name}">
          <Component Id="Main" Guid="3D4E5F60-7182-4394-A5B6-C7D8E9F0A1B2">
            <File Id="Payload" Source="payload.bin"/>
            <RegistryValue Root="HKLM" Key="Software\StudioWine\{dir_name}" Name="Greeting" Type="string" Value="[GREETING]"/>
          </Component>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Complete" Level="1"><ComponentRef Id="Main"/></Feature>
  </Product>
</Wix>"#
    );
    write(&work.path().join("app.wxs"), wxs);
    let o = Command::new("wixl").current_dir(work.path()).arg("-o").arg(folder.join(file_name)).arg("app.wxs").output().expect("wixl runs");
    assert!(o.status.success(), "wixl: {}", stderr(&o));
    format!("{{{product_code}}}")
}

/// The name of a stream in an MSI (or MST) storage: characters of `[0-9A-Za-z._]` packed two per UTF-16 unit,
/// table streams marked with 0x4840 (as Windows Installer writes them).
fn msi_stream_name(name: &str, table: bool) -> String {
    let code = |c: char| match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32 + 10),
        'a'..='z' => Some(c as u32 - 'a' as u32 + 36),
        '.' => Some(62),
        '_' => Some(63),
        _ => None,
    };
    let mut out = String::new();
    if table {
        out.push('\u{4840}');
    }
    let chars: Vec<char> = name.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let a = code(chars[i]).expect("stream names here use [0-9A-Za-z._]");
        match chars.get(i + 1).and_then(|&c| code(c)) {
            Some(b) => {
                out.push(char::from_u32(0x3800 + a + (b << 6)).unwrap());
                i += 2;
            }
            None => {
                out.push(char::from_u32(0x4800 + a).unwrap());
                i += 1;
            }
        }
    }
    out
}

/// A transform (.mst) that adds the public property `name` = `value` (ASCII) to an MSI's Property table: an OLE
/// compound file with the transform CLSID, its string pool and one added row (the layout Windows Installer reads;
/// Wine cannot generate transforms, MsiDatabaseGenerateTransform being unimplemented there).
fn write_transform(path: &Path, name: &str, value: &str) {
    let file = std::fs::File::create(path).unwrap();
    let mut cf = cfb::CompoundFile::create(file).unwrap();
    cf.set_storage_clsid("/", uuid::Uuid::parse_str("000C1082-0000-0000-C000-000000000046").unwrap()).unwrap();
    let mut put = |stream: String, bytes: Vec<u8>| {
        let mut s = cf.create_stream(format!("/{stream}")).unwrap();
        std::io::Write::write_all(&mut s, &bytes).unwrap();
    };
    // Strings 1 and 2; the pool starts with the code page (0: neutral), then (length, references) per string.
    put(msi_stream_name("_StringData", true), format!("{name}{value}").into_bytes());
    let pool: Vec<u16> = vec![0, 0, name.len() as u16, 1, value.len() as u16, 1];
    put(msi_stream_name("_StringPool", true), pool.iter().flat_map(|v| v.to_le_bytes()).collect());
    // One row added to Property (two string columns): 0x0201 = a whole row of 2 columns, then string ids 1 and 2.
    let row: Vec<u16> = vec![0x0201, 1, 2];
    put(msi_stream_name("Property", true), row.iter().flat_map(|v| v.to_le_bytes()).collect());
}

/// The exit code of `cmd /c install.bat` (Wine hands a Unix caller the code modulo 256). The agent runs it from the
/// package folder; here it runs from C:\ by its full path, so the script's `cd /d "%~dp0"` must find its folder
/// (spaces and accents included) for msiexec to find the MSI.
fn run_install_bat(w: &Wine, folder: &Path) -> i32 {
    let o = w.run(&w.drive_c(), "cmd", &["/c", &win(&folder.join("install.bat"))]);
    o.status.code().expect("cmd exited")
}

/// The same folder built by the Linux and the Windows CLI gives the same bytes; the Windows CLI verifies it,
/// analyses real installers, writes install.bat and previews a notification exactly as the Linux one does.
#[test]
#[ignore = "needs wine and the Windows CLI (scripts/windows/setup.sh); run by the test command"]
fn the_windows_cli_gives_what_the_linux_one_gives() {
    let t = tempfile::tempdir().unwrap();
    let w = Wine::new();
    let app = t.path().join("Dossier été").join("Logiciel à jour");
    write(&app.join("install.bat"), "@echo off\r\nexit /b 0\r\n");
    write(&app.join("données/ressources.bin"), noise(9 << 20, 3));
    write(&app.join("données/lisez-moi été.txt"), "Version 3.2 — déploiement\n".repeat(20_000));
    make_msi(&app, "Mon Appli.msi", "Mon Appli", "3.2.0", 200_000);
    let (out_l, out_w) = (t.path().join("linux"), t.path().join("windows"));
    let common = ["--id", "1700004242", "--fragment-size", "4MiB", "--name", "Logiciel été", "--version", "3.2", "--json"];
    let linux = ok_json(&[&["build", app.to_str().unwrap(), "--out", out_l.to_str().unwrap()][..], &common].concat());
    let o = w.studio(&[&["build", &win(&app), "--out", &win(&out_w)][..], &common].concat());
    assert!(o.status.success(), "Windows build: {}\n{}", stdout(&o), stderr(&o));
    let windows = json_of(&o);
    assert_eq!(linux["fragments"], 3, "{linux}");
    assert_eq!(windows["digest"], linux["digest"]);
    let (tl, tw) = (tree(&out_l), tree(&out_w));
    assert_eq!(tl.iter().map(|(n, _)| n).collect::<Vec<_>>(), tw.iter().map(|(n, _)| n).collect::<Vec<_>>());
    for ((name, a), (_, b)) in tl.iter().zip(&tw) {
        if name.ends_with(".package.toml") {
            // The manifest kept beside the package names the source folder as each system writes it.
            let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
            assert!(b.contains(&format!("folder = '{}'", win(&app))), "{b}");
            assert_eq!(a.lines().filter(|l| !l.starts_with("folder = ")).collect::<Vec<_>>(), b.lines().filter(|l| !l.starts_with("folder = ")).collect::<Vec<_>>());
            continue;
        }
        assert!(a == b, "{name} differs between the Linux and the Windows build");
    }
    assert!(tl.iter().filter(|(n, _)| n.contains("1700004242-")).count() == 3, "three fragments compared");

    // verify: the package is OK for the Windows CLI too, with the same figures.
    let v = w.studio(&["verify", &win(&out_w.join("1700004242")), "--json"]);
    assert!(v.status.success(), "{}\n{}", stdout(&v), stderr(&v));
    let (vw, vl) = (json_of(&v), ok_json(&["verify", out_l.join("1700004242").to_str().unwrap(), "--json"]));
    for key in ["ok", "fragments", "archive_size", "entries", "problems"] {
        assert_eq!(vw[key], vl[key], "verify {key}");
    }

    // inspect: real MSIs (wixl) and an NSIS installer (makensis), read the same way.
    let nsis = nsis_installer(&app, "outil-setup.exe");
    let iw = json_of(&w.studio(&["inspect", &win(&app), "--json"]));
    let il = ok_json(&["inspect", app.to_str().unwrap(), "--json"]);
    assert_eq!(iw["installers"], il["installers"], "inspect");
    assert_eq!(iw["suggested_command"], il["suggested_command"]);
    let kinds = il["installers"].to_string();
    assert!(kinds.contains("Mon Appli") && kinds.contains(&nsis), "{kinds}");
    assert!(kinds.to_lowercase().contains("nsis"), "the makensis installer is recognised: {kinds}");

    // script: the same install.bat, byte for byte (code page 850, CRLF).
    let sw = json_of(&w.studio(&["script", &win(&app), "--template", "msi-install", "--msi", "Mon Appli.msi", "--property", "LANGUE=français", "--json"]));
    let sl = ok_json(&["script", app.to_str().unwrap(), "--template", "msi-install", "--msi", "Mon Appli.msi", "--property", "LANGUE=français", "--json"]);
    assert_eq!(sw["install_bat"], sl["install_bat"]);
    assert_eq!(sw["code_page"], sl["code_page"]);
    assert!(sl["install_bat"].as_str().unwrap().contains("LANGUE=français"), "{sl}");

    // notify-preview: accents, quotes, & and a /delay typed in the text.
    let text = "Mise à jour de \"Compta\" & sécurité /delay possible";
    let nw = json_of(&w.studio(&["notify-preview", "--text", text, "--json"]));
    let nl = ok_json(&["notify-preview", "--text", text, "--json"]);
    assert_eq!(nw["agent_html"], nl["agent_html"]);
    assert_eq!(nw["lints"], nl["lints"]);

    // A reader that closes the pipe early (`| more`): no panic, exit 0, as on Linux.
    let many = t.path().join("beaucoup");
    for i in 0..3000 {
        write(&many.join(format!("f{i:04}.txt")), "x");
    }
    let o = close_pipe_early(w.command("wine").arg(windows_cli()).args(["inspect", &win(&many), "--json"]));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // The same error, code and fix on both.
    let missing = t.path().join("nulle part");
    let ew = w.studio(&["build", &win(&missing), "--out", &win(&out_w), "--json"]);
    let el = run(&["build", missing.to_str().unwrap(), "--out", out_l.to_str().unwrap(), "--json"]);
    assert_eq!(ew.status.code(), Some(2));
    assert_eq!(json_of(&ew)["error"]["code"], json(&el)["error"]["code"]);
}

/// A small NSIS installer (64-bit stub: this Wine runs 64-bit programs only) that installs a file into Program Files.
fn nsis_installer(folder: &Path, name: &str) -> String {
    let work = tempfile::tempdir().unwrap();
    write(&work.path().join("outil.txt"), "outil installé\n");
    let nsi = format!(
        "Unicode true\nTarget amd64-unicode\nName \"Outil Test\"\nOutFile \"{}\"\nInstallDir \"$PROGRAMFILES64\\OutilTest\"\nRequestExecutionLevel admin\nSilentInstall normal\nSection\n  SetOutPath \"$INSTDIR\"\n  File outil.txt\n  WriteUninstaller \"$INSTDIR\\uninstall.exe\"\nSectionEnd\nSection Uninstall\n  Delete \"$INSTDIR\\outil.txt\"\n  Delete \"$INSTDIR\\uninstall.exe\"\n  RMDir \"$INSTDIR\"\nSectionEnd\n",
        folder.join(name).display()
    );
    write(&work.path().join("outil.nsi"), nsi);
    let o = Command::new("makensis").current_dir(work.path()).args(["-V2", "outil.nsi"]).output().expect("makensis runs (apt-get install nsis)");
    assert!(o.status.success(), "makensis: {}{}", stdout(&o), stderr(&o));
    name.to_string()
}

/// Each install.bat template, written by the studio into a folder whose path has spaces and accents, run by Wine's
/// cmd.exe: msiexec installs the MSI (with its property, its log where the script says; then with a transform), the uninstall template
/// removes it by ProductCode, a failing MSI's code reaches the caller, the EXE template installs an NSIS program
/// silently, and a custom command's exit code passes through.
#[test]
#[ignore = "needs wine (scripts/windows/setup.sh); run by the test command"]
fn every_install_bat_template_installs_under_cmd_and_msiexec() {
    let t = tempfile::tempdir().unwrap();
    let w = Wine::new();
    let app = t.path().join("Paquets été").join("Logiciel à jour");
    std::fs::create_dir_all(&app).unwrap();
    let code = wine_msi(&app, "logiciel été.msi", "Logiciel Été", "StudioWine", false);
    let script = |args: &[&str]| {
        let o = run(&[&["script", app.to_str().unwrap(), "--write", "--force", "--name", "Logiciel été 1.2", "--json"][..], args].concat());
        assert!(o.status.success(), "script {args:?}: {}{}", stdout(&o), stderr(&o));
        std::fs::read(app.join("install.bat")).unwrap()
    };

    // MSI install, with a public property.
    let bat = script(&["--template", "msi-install", "--msi", "logiciel été.msi", "--property", "GREETING=bonjour à tous"]);
    assert!(bat.windows(3).any(|x| x == b"\x82t\x82"), "install.bat is in code page 850 (été)");
    assert_eq!(run_install_bat(&w, &app), 0, "msiexec installs the MSI");
    let installed = w.find("payload.bin");
    assert_eq!(installed.len(), 1, "payload.bin installed once under Program Files: {installed:?}");
    assert!(installed[0].to_string_lossy().contains("StudioWine"));
    let logs = w.find("Logiciel_été_1.2.log");
    let logs = if logs.is_empty() { w.find("Logiciel__t__1.2.log") } else { logs };
    let log_files: Vec<_> = walk(&w.drive_c()).into_iter().filter(|p| p.extension().is_some_and(|e| e == "log") && p.to_string_lossy().contains("Temp")).collect();
    assert!(!log_files.is_empty() || !logs.is_empty(), "the verbose msiexec log is in %TEMP%: {log_files:?}");
    let log = log_files.iter().chain(&logs).map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).replace('\0', "")).collect::<String>();
    assert!(log.contains("GREETING") && log.contains("bonjour"), "the property reached msiexec (log)");

    // MSI install with a transform (accents and spaces in its name) and a property: the transform's property is in
    // the installation (the log lists it), so msiexec received and applied TRANSFORMS as the script quotes it.
    script(&["--template", "msi-uninstall", "--product-code", &code]);
    assert_eq!(run_install_bat(&w, &app), 0);
    write_transform(&app.join("réglages été.mst"), "FROMMST", "applique");
    script(&["--template", "msi-install", "--msi", "logiciel été.msi", "--transform", "réglages été.mst", "--property", "GREETING=salut"]);
    assert_eq!(run_install_bat(&w, &app), 0, "msiexec installs the MSI with its transform");
    assert_eq!(w.find("payload.bin").len(), 1);
    let log = walk(&w.drive_c()).into_iter().filter(|p| p.extension().is_some_and(|e| e == "log") && p.to_string_lossy().contains("Temp")).map(|p| String::from_utf8_lossy(&std::fs::read(&p).unwrap()).replace('\0', "")).collect::<String>();
    assert!(log.contains("FROMMST") && log.contains("applique"), "the transform's property reached the installation (log)");

    // MSI uninstall by ProductCode: the files are gone.
    script(&["--template", "msi-uninstall", "--product-code", &code]);
    assert_eq!(run_install_bat(&w, &app), 0, "msiexec /x removes the product");
    assert!(w.find("payload.bin").is_empty(), "uninstalled");

    // A failing MSI: its code (1603) reaches the caller, nothing is installed.
    let bad = t.path().join("Échec prévu");
    std::fs::create_dir_all(&bad).unwrap();
    wine_msi(&bad, "refusé.msi", "Refusé", "StudioRefuse", true);
    let o = run(&["script", bad.to_str().unwrap(), "--template", "msi-install", "--msi", "refusé.msi", "--write", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(run_install_bat(&w, &bad), 1603 % 256, "msiexec's 1603 passes through install.bat");
    assert!(walk(&w.drive_c()).iter().all(|p| !p.to_string_lossy().contains("StudioRefuse")));

    // EXE silent: an NSIS installer, with the switches of its technology.
    nsis_installer(&app, "outil-setup.exe");
    let bat = script(&["--template", "exe-silent", "--exe", "outil-setup.exe"]);
    assert!(String::from_utf8_lossy(&bat).contains("/S"), "NSIS's silent switch");
    assert_eq!(run_install_bat(&w, &app), 0, "the NSIS installer ran silently");
    assert_eq!(w.find("outil.txt").len(), 1, "the NSIS program is installed");

    // A % in the MSI's name (cmd.exe drops a lone one in a batch file), with & ^ !: doubled in install.bat, found, installed.
    let pct = t.path().join("Remise");
    std::fs::create_dir_all(&pct).unwrap();
    wine_msi(&pct, "Remise 50% & plus ^!.msi", "Remise", "StudioPercent", false);
    let o = run(&["script", pct.to_str().unwrap(), "--template", "msi-install", "--msi", "Remise 50% & plus ^!.msi", "--write", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&std::fs::read(pct.join("install.bat")).unwrap()).contains("\"Remise 50%% & plus ^!.msi\""));
    assert_eq!(run_install_bat(&w, &pct), 0, "msiexec found \"Remise 50% & plus ^!.msi\"");
    assert!(walk(&w.drive_c()).iter().any(|p| p.to_string_lossy().contains("StudioPercent")), "installed");

    // A custom command: its exit code passes through (3010, a success the agent counts, arrives as 3010 % 256).
    script(&["--template", "command", "--line", "cmd /c exit 3010"]);
    assert_eq!(run_install_bat(&w, &app), 3010 % 256);
}

/// The loopback console through its self-signed certificate (port 8443). Through the CA-signed one (port 443) Wine 8's
/// certificate check fails: it reports the unknown revocation status of a CA-signed certificate as an error
/// (CERT_E_REVOCATION_FAILURE), where Windows ignores it as the studio's TLS library asks.
const SERVER: &str = "https://localhost:8443/ocsreports/";
const CA: &str = "/var/lib/ocs-studio-test/selfsigned.pem";
const SERVER_CA_SIGNED: &str = "https://localhost/ocsreports/";
const CA_SIGNED: &str = "/var/lib/ocs-studio-test/cacert.pem";
const DOWNLOAD: &str = "/var/lib/ocsinventory-reports/download";

/// The Windows CLI against the real OCS server on loopback, through Windows' own TLS stack (Wine's schannel): login
/// keeps the password in the Windows credential store, then publish, deploy, stats and delete work with it;
/// logout forgets it; TLS failures are explained as on Linux.
#[test]
#[ignore = "needs wine, the Windows CLI and the loopback OCS server (scripts/ocs-server/setup.sh); run by the test command"]
fn the_windows_cli_publishes_through_windows_tls() {
    let w = Wine::new();
    let t = tempfile::tempdir().unwrap();
    let ca = win(Path::new(CA));
    let server = ["--server", SERVER, "--user", "admin", "--ca", ca.as_str(), "--json"];
    let studio = |args: &[&str]| w.studio(&[args, &server[..]].concat());
    let ok = |args: &[&str]| {
        let o = studio(args);
        assert!(o.status.success(), "{args:?}: {}\n{}", stdout(&o), stderr(&o));
        json_of(&o)
    };

    // login: the password from stdin, kept by Windows.
    let mut c = w.command("wine");
    c.arg(windows_cli()).arg("login").args(server).arg("--password-stdin");
    c.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"studio-admin-pw\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "login: {}\n{}", stdout(&o), stderr(&o));
    assert_eq!(json_of(&o)["saved_in"], "keyring", "kept in the Windows credential store: {}", stdout(&o));
    let list = ok(&["stats", "--list"]);
    assert!(list["packages"].is_array(), "{list}");

    // publish a folder with accents (built by the Windows CLI), deploy it to ALPHA, read its state, delete it.
    let app = t.path().join("Logiciel été");
    write(&app.join("install.bat"), "@echo off\r\nexit /b 0\r\n");
    write(&app.join("données/fichier.bin"), noise(6 << 20, 11));
    let name = format!("Wine été {}", std::process::id());
    let out = t.path().join("paquets");
    let b = w.studio(&["build", &win(&app), "--out", &win(&out), "--fragment-size", "4MiB", "--name", &name, "--json"]);
    assert!(b.status.success(), "{}", stderr(&b));
    let dir = json_of(&b)["dir"].as_str().unwrap().to_string();
    let p = ok(&["publish", &dir]);
    let id = p["server_id"].as_str().unwrap().to_string();
    let info = std::fs::read_to_string(Path::new(DOWNLOAD).join(&id).join("info")).unwrap();
    assert!(info.contains("FRAGS=\"2\""), "{info}");
    let agent = Command::new("bash").arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/ocs-server/agent-run.sh")).arg("ALPHA").env("OCS_AGENT_TIMEOUT", "90").output().unwrap();
    assert!(agent.status.success(), "the ALPHA agent registers: {}", stderr(&agent));
    let d = ok(&["deploy", &id, "--tag", "ALPHA"]);
    assert_eq!(d["report"]["assigned"].as_array().map(Vec::len), Some(1), "{d}");
    let st = ok(&["stats", &id]);
    assert_eq!(st["machines"].as_array().map(Vec::len), Some(1), "{st}");
    ok(&["delete", &id]);
    assert!(!Path::new(DOWNLOAD).join(&id).exists(), "deleted from the server");

    // logout forgets the password: the next command asks for one.
    let out = ok(&["logout"]);
    assert_eq!(out["removed"], true);
    let o = studio(&["stats", "--list"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json_of(&o)["error"]["code"], "no_password");

    // TLS errors from Windows' stack, explained as on Linux (never as an unreachable server).
    let tls_error = |server: &str, ca: Option<&str>| {
        let mut c = w.command("wine");
        c.arg(windows_cli()).args(["stats", "--list", "--server", server, "--user", "admin", "--json"]).env("OCS_STUDIO_PASSWORD", "studio-admin-pw");
        if let Some(ca) = ca {
            c.args(["--ca", ca]);
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{server}: {}", stdout(&o));
        let e = json_of(&o)["error"].clone();
        assert_eq!(e["code"], "tls", "{server}: a TLS failure, not an unreachable server: {e}");
        e["message"].as_str().unwrap().to_string()
    };
    // A CA this computer does not trust: the fix names the CA file.
    let m = tls_error(SERVER, None);
    assert!(m.contains("self-signed") && m.contains("(--ca FILE)"), "{m}");
    // A name the certificate does not cover.
    let m = tls_error("https://127.0.0.1:8443/ocsreports/", Some(&ca));
    assert!(m.contains("not valid for this host name") && m.contains("localhost"), "{m}");
    // A CA-signed certificate whose revocation Wine cannot check (see SERVER): said so.
    let m = tls_error(SERVER_CA_SIGNED, Some(&win(Path::new(CA_SIGNED))));
    assert!(m.contains("revoked"), "{m}");
}
