//! Killing the binary while it writes: the destination is never partial.
//!
//! Two kinds of kill. A fault point (`DUCKML_TEST_STALL_WRITE_AT=N`, see
//! `src/output/atomic.rs`) stops the writer for good once `N` bytes are in its
//! temporary file, and the test sends SIGKILL then: a kill at a known point in the
//! middle of a write, every run. And a real, unhooked write of a large output killed as
//! soon as its temporary file appears, a few times: wherever that kill lands, the
//! destination must be the old file or the complete new one.

use super::*;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const STALL: &str = "DUCKML_TEST_STALL_WRITE_AT";

/// The temporary files of `name` in `dir`, with their sizes.
fn temps(dir: &TempDir, name: &str) -> Vec<(PathBuf, u64)> {
    let prefix = format!(".{name}.duckml-tmp.");
    std::fs::read_dir(&dir.0)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| (e.path(), e.metadata().map_or(0, |m| m.len())))
        .collect()
}

fn spawn(args: &[String], env: &[(&str, &str)]) -> Child {
    Command::new(BIN)
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the duckml binary starts")
}

/// Waits (up to two minutes: the machine may be busy) until a temporary file of
/// `name` holds at least `bytes`; panics if the child ends first.
fn wait_for_temp(child: &mut Child, dir: &TempDir, name: &str, bytes: u64) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some((path, _)) = temps(dir, name).into_iter().find(|(_, len)| *len >= bytes) {
            return path;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("duckml ended ({status}) before writing {bytes} bytes of {name}");
        }
        assert!(
            Instant::now() < deadline,
            "no temporary file of {name} after 2 minutes"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// SIGKILL (on Unix; `TerminateProcess` elsewhere), then reaps the child.
fn kill(mut child: Child) {
    // A child that already ended (and was reaped by `try_wait`) needs no kill.
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_model_killed_mid_write_leaves_the_old_file_or_none() {
    let dir = TempDir::new("kill_json");
    classification(&dir, 80, 3);
    let fit = dir.cmd("fit --model logistic --x @x.npy --y @y.npy --save @m.json");
    run_json(&fit);
    let old = std::fs::read(dir.path("m.json")).unwrap();
    assert!(old.len() > 400, "the model file is {} bytes", old.len());

    // Killed after 200 bytes of the new file (the same fit: the same text).
    let mut child = spawn(&fit, &[(STALL, "200")]);
    let tmp = wait_for_temp(&mut child, &dir, "m.json", 200);
    kill(child);
    assert_eq!(
        std::fs::read(dir.path("m.json")).unwrap(),
        old,
        "the old model is intact"
    );
    let partial = std::fs::read(&tmp).unwrap();
    assert!(
        partial.len() >= 200 && partial.len() < old.len(),
        "{} bytes",
        partial.len()
    );
    assert_eq!(
        &old[..partial.len()],
        &partial[..],
        "the temporary file was mid-write"
    );
    // What a kill leaves is a hidden temporary file beside it, never the destination.
    std::fs::remove_file(&tmp).unwrap();

    // No old file: after the kill there is none, not a partial one.
    let fresh = dir.cmd("fit --model logistic --x @x.npy --y @y.npy --save @new.json");
    let mut child = spawn(&fresh, &[(STALL, "100")]);
    let tmp = wait_for_temp(&mut child, &dir, "new.json", 100);
    kill(child);
    assert!(!dir.path("new.json").exists());
    std::fs::remove_file(tmp).unwrap();

    // Unhindered, the write completes and reads back.
    run_json(&fresh);
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path("new.json")).unwrap()).unwrap();
    assert_schema::<SavedModel>(&saved);
    assert!(temps(&dir, "new.json").is_empty());
}

#[test]
fn predictions_killed_before_the_rename_leave_the_old_file() {
    let dir = TempDir::new("kill_npy");
    classification(&dir, 500, 3);
    run_json(&dir.cmd("fit --model logistic --x @x.npy --y @y.npy --save @m.json"));
    let old = Array1::from(vec![7.0, 8.0]);
    write_npy_vector(dir.path("p.npy"), &old).unwrap();
    // The .npy writer takes a path: the fault point is after it wrote the whole
    // temporary file (a 128-byte header and 500 values), before the rename.
    let predict = dir.cmd("predict --model @m.json --x @x.npy --proba --out @p.npy");
    let mut child = spawn(&predict, &[(STALL, "1")]);
    let tmp = wait_for_temp(&mut child, &dir, "p.npy", 128 + 8 * 500);
    kill(child);
    assert_eq!(read_npy_vector(dir.path("p.npy")).unwrap(), old);
    let complete = read_npy_vector(&tmp).unwrap();
    assert_eq!(complete.len(), 500);
    std::fs::remove_file(tmp).unwrap();
    let out = run(&predict);
    assert!(out.status.success());
    assert_eq!(read_npy_vector(dir.path("p.npy")).unwrap(), complete);
}

#[test]
fn a_large_output_killed_anywhere_is_old_or_complete() {
    let dir = TempDir::new("kill_big");
    // 400,000 predictions: a 3.2 MB .npy written by the real writer, no fault point.
    let n = 400_000;
    let x = Array2::from_shape_fn((n, 2), |(i, j)| ((i * 7 + j * 3) % 11) as f64 - 5.0);
    let y = Array1::from_shape_fn(n, |i| x[[i, 0]] - 2.0 * x[[i, 1]]);
    write_npy_matrix(dir.path("x.npy"), &x).unwrap();
    write_npy_vector(dir.path("y.npy"), &y).unwrap();
    run_json(&dir.cmd("fit --model linear --x @x.npy --y @y.npy --save @m.json"));
    let predict = dir.cmd("predict --model @m.json --x @x.npy --out @p.npy");
    let out = run(&predict);
    assert!(out.status.success());
    let full = read_npy_vector(dir.path("p.npy")).unwrap();
    let old = Array1::from(vec![1.0]);
    let mut mid_write = 0;
    for attempt in 0..4 {
        write_npy_vector(dir.path("p.npy"), &old).unwrap();
        let mut child = spawn(&predict, &[]);
        // Kill as soon as the temporary file is there (or when the child is done).
        let deadline = Instant::now() + Duration::from_secs(120);
        while temps(&dir, "p.npy").is_empty()
            && child.try_wait().unwrap().is_none()
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_micros(200));
        }
        let left = temps(&dir, "p.npy");
        kill(child);
        if left.iter().any(|(_, len)| *len < 128 + 8 * n as u64) {
            mid_write += 1;
        }
        let now = read_npy_vector(dir.path("p.npy")).unwrap();
        assert!(
            now == old || now == full,
            "attempt {attempt}: p.npy is neither the old nor the complete file ({} values)",
            now.len()
        );
        for (path, _) in temps(&dir, "p.npy") {
            std::fs::remove_file(path).unwrap();
        }
    }
    println!("large output: {mid_write} of 4 kills landed while the temporary file was partial");
}
