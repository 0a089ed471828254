//! Cancelling a build through the core API stops it quickly and leaves nothing behind.

mod common;
use common::*;
use ocs_studio::{BuildError, BuildOptions, CancelToken, Manifest, Progress, Project, Stage, TargetOs};
use std::time::{Duration, Instant};

fn cancel_during(os: TargetOs) {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("app");
    write(&app.join(os.default_entry()), "echo");
    for i in 0..6 {
        write(&app.join(format!("data{i}.bin")), noise(8 << 20, i));
    }
    let m = Manifest::for_folder(&app, os);
    let project = Project { manifest: &m, base_dir: &app, manifest_file: None };
    let out = t.path().join("out");
    let cancel = CancelToken::new();
    let asked = std::sync::Mutex::new(None::<Instant>);
    let c = cancel.clone();
    let sink = |p: Progress| {
        if p.stage == Stage::Compressing && p.done > 0 {
            let mut a = asked.lock().unwrap();
            if a.is_none() {
                *a = Some(Instant::now());
                c.cancel();
            }
        }
    };
    let opts = BuildOptions { out_dir: out.clone(), id: Some(99), threads: Some(2), ..Default::default() };
    let r = ocs_studio::build(&project, &opts, &sink, &cancel);
    let stopped = Instant::now();
    assert!(matches!(r, Err(BuildError::Cancelled)), "{r:?}");
    let asked = asked.lock().unwrap().expect("progress was reported before the end");
    assert!(stopped - asked < Duration::from_secs(1), "stopped {:?} after the request", stopped - asked);
    assert!(names(&out).is_empty(), "left behind: {:?}", names(&out));
}

#[test]
fn cancelling_a_zip_build_leaves_nothing() {
    cancel_during(TargetOs::Windows);
}

#[test]
fn cancelling_a_tar_gz_build_leaves_nothing() {
    cancel_during(TargetOs::Linux);
}

/// A build killed midway (`kill -9`, a power cut) cannot clean up after itself: the next build in the same
/// output folder finds the staging folder whose lock no process holds, and removes it.
#[test]
fn a_build_killed_midway_leaves_nothing_after_the_next_start() {
    let t = tempfile::tempdir().unwrap();
    let app = t.path().join("big");
    write(&app.join("install.bat"), "x");
    for i in 0..8 {
        write(&app.join(format!("part{i}.bin")), noise(16 << 20, i));
    }
    let out = t.path().join("out");
    let mut child = studio().args(["build", app.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "1700005000", "--threads", "1"]).spawn().unwrap();
    // Killed once it has written fragments into its staging folder.
    let started = std::time::Instant::now();
    let staging = loop {
        let found = std::fs::read_dir(&out).ok().and_then(|d| {
            d.flatten().map(|e| e.path()).find(|p| p.is_dir() && p.file_name().unwrap().to_string_lossy().starts_with(".ocs-studio-") && std::fs::read_dir(p).map(|f| f.count() > 0).unwrap_or(false))
        });
        if let Some(p) = found {
            break p;
        }
        assert!(started.elapsed().as_secs() < 60, "the build never wrote anything");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(staging.exists(), "the killed build left its staging folder");
    assert!(!out.join("1700005000").exists(), "no package appeared");

    // The next start: another package into the same folder.
    let small = t.path().join("small");
    write(&small.join("install.bat"), "x");
    let o = run(&["build", small.to_str().unwrap(), "--out", out.to_str().unwrap(), "--id", "1700005001"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(names(&out), ["1700005001", "1700005001.package.toml"], "only the new package is left");
}
