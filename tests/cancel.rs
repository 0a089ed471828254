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
