//! Network faults at each step of publishing and deploying, against the real console on loopback, through a proxy
//! the test controls (tests/common/proxy.rs): the connection cut as a step starts, the server's answer lost after
//! it did the work, a server that stops answering (timeout), a crawl cancelled mid-upload. Each time the studio
//! names the step, the server is left as it was (no package row, no folder, no activation, the fragment setting
//! restored), and publishing again without the fault succeeds. Ignored by a plain `cargo test`; scripts/test.sh
//! starts the server and runs them with `--ignored`.

mod common;
use common::proxy::{Fault, FaultProxy};
use common::*;
use ocs_studio::ocs::{self, Console, OcsError, PublishOptions, PublishStepKind, ServerSpec};
use ocs_studio::{CancelToken, Progress};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const CA: &str = "/var/lib/ocs-studio-test/cacert.pem";
const PASSWORD: &str = "studio-admin-pw";
const DOWNLOAD: &str = "/var/lib/ocsinventory-reports/download";

/// One test at a time against the console (its package IDs are seconds).
static TURN: Mutex<()> = Mutex::new(());

fn sql(q: &str) -> String {
    tool("mariadb", &["-N", "-B", "ocsweb", "-e", q]).trim().to_string()
}

/// What the server holds: package folders, live packages, activations, assignments, the fragment setting.
fn server_state() -> (Vec<String>, String) {
    let mut dirs: Vec<String> = std::fs::read_dir(DOWNLOAD).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    dirs.sort();
    let rows = sql(
        "SELECT CONCAT((SELECT COUNT(*) FROM download_available WHERE DELETED=0), '/', (SELECT COUNT(*) FROM download_enable), '/', \
         (SELECT COUNT(*) FROM devices WHERE NAME='DOWNLOAD'), '/', \
         (SELECT GROUP_CONCAT(CONCAT(NAME,'=',IFNULL(IVALUE,'')) ORDER BY NAME) FROM config WHERE NAME IN ('DOWNLOAD_ACTIVATE_FRAG','DOWNLOAD_RATIO_FRAG')))",
    );
    (dirs, rows)
}

struct Setup {
    proxy: FaultProxy,
    spec: ServerSpec,
    dir: PathBuf,
    opts: PublishOptions,
    rt: tokio::runtime::Runtime,
    _t: tempfile::TempDir,
}

/// A 3 MiB package in 1 MiB fragments (so the console's fragment setting is changed, then restored), reached
/// through the proxy. The agents' download address stays the real one.
fn setup(name: &str) -> Setup {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    write(&app.join("install.bat"), "@echo off\r\n");
    write(&app.join("data.bin"), noise(3 << 20, 77));
    let out = t.path().join("out");
    let r = ok_json(&["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--fragment-size", "1MiB", "--json"]);
    let dir = PathBuf::from(r["dir"].as_str().unwrap());
    let proxy = FaultProxy::start(443);
    let spec = ServerSpec { url: format!("https://localhost:{}/ocsreports/", proxy.port), user: "admin".into(), ca: Some(CA.into()), allow_http: false, ssh: None };
    let mut opts = ocs::default_options(&dir);
    opts.name = format!("Faults {name} {}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_micros());
    opts.info_location = Some("localhost/download".into());
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    Setup { proxy, spec, dir, opts, rt, _t: t }
}

impl Setup {
    /// Logs in and publishes; `arm` is called with each step as it starts (and with `None` before the login).
    fn publish(&self, arm: &(dyn Fn(Option<PublishStepKind>) + Sync), cancel: &CancelToken) -> Result<ocs::PublishReport, OcsError> {
        arm(None);
        self.rt.block_on(async {
            let c = Console::connect(&self.spec, PASSWORD).await?;
            let sink = |p: Progress| {
                if let Some(step) = p.current.as_deref().and_then(|s| PublishStepKind::ALL.into_iter().find(|k| k.as_str() == s)) {
                    arm(Some(step));
                }
            };
            ocs::publish(&c, &self.dir, &self.opts, &sink, cancel).await
        })
    }

    fn delete(&self, id: &str) {
        self.rt.block_on(async {
            let c = Console::connect(&self.spec, PASSWORD).await.unwrap();
            ocs::delete(&c, id).await.unwrap();
        });
    }

    /// The fault is over: publishing again succeeds, and the package is deleted again.
    fn retry_succeeds(&self, before: &(Vec<String>, String)) {
        self.proxy.set(Fault::None);
        let r = self.publish(&|_| {}, &CancelToken::new()).unwrap_or_else(|e| panic!("the retry failed: {e}"));
        assert!(!r.already_published);
        self.delete(&r.server_id);
        assert_eq!(&server_state(), before, "the retry's package was deleted");
    }
}

/// Arms `fault(next turn)` once, when `at` starts (`None`: before the login).
fn arm_at<'a>(proxy: &'a FaultProxy, at: Option<PublishStepKind>, fault: impl Fn(usize) -> Fault + Sync + 'a) -> impl Fn(Option<PublishStepKind>) + Sync + 'a {
    let armed = std::sync::atomic::AtomicBool::new(false);
    move |step| {
        if step == at && !armed.swap(true, std::sync::atomic::Ordering::SeqCst) {
            proxy.set(fault(proxy.turns() + 1));
        }
    }
}

fn assert_names_step(e: &OcsError, step: PublishStepKind) {
    let msg = e.to_string();
    assert!(msg.starts_with(&format!("publishing stopped while {}", step.doing())), "{step:?}: {msg}");
}

#[test]
#[ignore = "needs the loopback OCS server: run scripts/test.sh"]
fn a_connection_cut_at_each_step_of_publishing_leaves_nothing_and_a_retry_succeeds() {
    let _t = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let s = setup("cut");
    let before = server_state();

    // The login itself: nothing was asked of the console yet.
    let e = s.publish(&arm_at(&s.proxy, None, Fault::CutAt), &CancelToken::new()).unwrap_err();
    assert!(s.proxy.fired());
    assert_eq!(e.code(), ocs_studio::ErrorCode::Unreachable, "{e}");
    assert!(e.to_string().contains(&format!("localhost:{}", s.proxy.port)), "{e}");
    assert_eq!(server_state(), before);

    // Each step that talks to the console, cut as it starts (its first request never arrives), then cut again
    // after its work was done but before the answer came back.
    let steps = [
        PublishStepKind::UploadLimit,
        PublishStepKind::Existing,
        PublishStepKind::FragmentSetting,
        PublishStepKind::Upload,
        PublishStepKind::Collision,
        PublishStepKind::Activate,
    ];
    let mut tried = 0;
    for step in steps {
        for (how, fault) in [("cut", Fault::CutAt as fn(usize) -> Fault), ("answer lost", Fault::CutAnswerTo as fn(usize) -> Fault)] {
            let r = s.publish(&arm_at(&s.proxy, Some(step), fault), &CancelToken::new());
            assert!(s.proxy.fired(), "{step:?} {how}: the fault did not happen");
            match r {
                Err(e) => {
                    // The upload limit is only informative: lost, the studio assumes Debian's default and goes on.
                    assert_names_step(&e, step);
                    assert!(matches!(e.code(), ocs_studio::ErrorCode::Unreachable | ocs_studio::ErrorCode::ConsoleUnexpected | ocs_studio::ErrorCode::ConsoleError), "{step:?} {how}: {e}");
                }
                Ok(r) => {
                    assert_eq!(step, PublishStepKind::UploadLimit, "{step:?} {how}: published although the link was cut");
                    s.delete(&r.server_id);
                }
            }
            assert_eq!(server_state(), before, "{step:?} {how}: something was left on the server");
            tried += 1;
        }
        s.retry_succeeds(&before);
    }
    assert_eq!(tried, 12);

    // The upload's own request (the second of the step, after the form page): lost, then its answer lost once
    // the console has created the package (found by its name and deleted).
    for fault in [Fault::CutAt as fn(usize) -> Fault, Fault::CutAnswerTo] {
        let e = s.publish(&arm_at(&s.proxy, Some(PublishStepKind::Upload), move |n| fault(n + 1)), &CancelToken::new()).unwrap_err();
        assert!(s.proxy.fired());
        assert_names_step(&e, PublishStepKind::Upload);
        assert_eq!(server_state(), before, "{e}");
    }
    s.retry_succeeds(&before);
}

#[test]
#[ignore = "needs the loopback OCS server: run scripts/test.sh"]
fn a_server_that_stops_answering_times_out_and_a_crawl_can_be_cancelled() {
    let _t = TURN.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY of the test: read once per HTTP client; no other thread of this test binary reads it concurrently.
    std::env::set_var("OCS_STUDIO_TIMEOUT", "4");
    let s = setup("stall");
    let before = server_state();

    // The upload request stalls: given up after the timeout, named, and nothing left (the fragment setting too).
    let started = std::time::Instant::now();
    let e = s.publish(&arm_at(&s.proxy, Some(PublishStepKind::Upload), |n| Fault::StallAt(n + 1)), &CancelToken::new()).unwrap_err();
    assert!(s.proxy.fired());
    assert_names_step(&e, PublishStepKind::Upload);
    assert!(e.to_string().contains("no answer in time"), "{e}");
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "{:?}", started.elapsed());
    assert_eq!(server_state(), before);

    // Activation stalls after the package was created: taken back.
    let e = s.publish(&arm_at(&s.proxy, Some(PublishStepKind::Activate), Fault::StallAt), &CancelToken::new()).unwrap_err();
    assert_names_step(&e, PublishStepKind::Activate);
    assert_eq!(server_state(), before);

    // A crawl (20 KiB/s: the 3 MiB would take minutes), cancelled 2 s into the upload.
    let cancel = CancelToken::new();
    let c2 = cancel.clone();
    let proxy = &s.proxy;
    let arm = arm_at(proxy, Some(PublishStepKind::Upload), |n| Fault::SlowAt(n + 1, 20 << 10));
    let canceller = move |step: Option<PublishStepKind>| {
        arm(step);
        if step == Some(PublishStepKind::Upload) {
            let c = c2.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_secs(2));
                c.cancel();
            });
        }
    };
    let started = std::time::Instant::now();
    let e = s.publish(&canceller, &cancel).unwrap_err();
    assert!(proxy.fired());
    assert!(matches!(e, OcsError::Cancelled), "{e}");
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "cancelled promptly: {:?}", started.elapsed());
    assert_eq!(server_state(), before);
    std::env::remove_var("OCS_STUDIO_TIMEOUT");
    s.retry_succeeds(&before);
}

/// Deploying (affecting to ALPHA) through a cut link: named, and deploying again succeeds.
#[test]
#[ignore = "needs the loopback OCS server and agent: run scripts/test.sh"]
fn deploying_through_a_cut_link_fails_clearly_and_a_retry_succeeds() {
    let _t = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let s = setup("deploy");
    let o = std::process::Command::new("bash").arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/ocs-server/agent-run.sh")).arg("ALPHA").env("OCS_AGENT_TIMEOUT", "90").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    s.proxy.set(Fault::None);
    let r = s.publish(&|_| {}, &CancelToken::new()).unwrap();
    let base = sql(&format!("SELECT COUNT(*) FROM devices d JOIN download_enable e ON d.IVALUE=e.ID WHERE d.NAME='DOWNLOAD' AND e.FILEID='{}'", r.server_id));
    assert_eq!(base, "0");
    let deploy = |fault: Fault| {
        s.rt.block_on(async {
            let c = Console::connect(&s.spec, PASSWORD).await?;
            s.proxy.set(fault);
            let req = ocs::DeployRequest { server_id: r.server_id.clone(), filter: ocs::ComputerFilter { tag: Some("ALPHA".into()), name: None }, rule: None, dry_run: false };
            ocs::deploy_matching(&c, &req).await
        })
    };
    let mut cut = 0;
    for n in 1..=6 {
        let turn = s.proxy.turns();
        match deploy(Fault::CutAt(turn + n)) {
            Err(e) => {
                cut += 1;
                let msg = e.to_string();
                assert!(msg.starts_with("deploying stopped while "), "{msg}");
                let assigned = sql(&format!("SELECT COUNT(*) FROM devices d JOIN download_enable e ON d.IVALUE=e.ID WHERE d.NAME='DOWNLOAD' AND e.FILEID='{}'", r.server_id));
                assert!(assigned == "0" || assigned == "1", "never twice: {assigned}");
            }
            Ok(_) => assert!(!s.proxy.fired(), "turn {n}: deployed although the link was cut"),
        }
    }
    assert!(cut >= 2, "the deployment's requests were cut {cut} times");
    let d = deploy(Fault::None).unwrap().report.unwrap();
    assert!(d.assigned.len() + d.already.len() == 1, "{d:?}");
    let assigned = sql(&format!("SELECT COUNT(*) FROM devices d JOIN download_enable e ON d.IVALUE=e.ID WHERE d.NAME='DOWNLOAD' AND e.FILEID='{}'", r.server_id));
    assert_eq!(assigned, "1");
    s.delete(&r.server_id);
}
