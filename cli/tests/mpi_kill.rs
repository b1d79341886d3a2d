//! A process killed mid-fit ends the whole MPI job, and no output file is left
//! (feature `mpi`; needs `mpirun`). Not itself run under mpirun: it launches
//! `mpirun -np 2 duckml kmeans --array mpi ... --labels-out`, kills one rank while the
//! fit runs, and checks that mpirun exits non-zero within seconds and that the labels
//! file does not exist. Also: a missing input ends every rank non-zero with one message.

use duckml::datasets::{make_classification, write_npy_matrix, write_npy_vector};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn mpirun(np: usize, args: &[&str]) -> Command {
    let mut c = Command::new("mpirun");
    c.args(["-np", &np.to_string(), env!("CARGO_BIN_EXE_duckml")])
        .args(args);
    c.env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        .env("OMPI_MCA_rmaps_base_oversubscribe", "1");
    c
}

/// The rank processes mpirun started (its children running duckml).
fn ranks(mpirun: &Child) -> Vec<u32> {
    let out = Command::new("pgrep")
        .args(["-P", &mpirun.id().to_string()])
        .output()
        .expect("pgrep runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect()
}

fn wait(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let t = Instant::now();
    while t.elapsed() < limit {
        if let Some(s) = child.try_wait().expect("wait") {
            return Some(s);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

fn main() {
    let dir = std::env::temp_dir().join(format!("duckml-mpi-kill-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (x, y, labels) = (dir.join("x.npy"), dir.join("y.npy"), dir.join("labels.npy"));
    let data = make_classification(200_000, 40, 7).unwrap();
    write_npy_matrix(&x, &data.x).unwrap();
    write_npy_vector(&y, &data.y).unwrap();
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let (xs, ys, ms) = (s(&x), s(&y), s(&labels));

    // k-means with a thousand initialisations, each run to convergence, runs for
    // minutes: long enough to kill a rank in the middle. (A GLM fit no longer serves:
    // the scaled, rounding-aware stopping rule ends any tol in well under a second.)
    let mut job = mpirun(
        2,
        &[
            "kmeans",
            "--array",
            "mpi",
            "--k",
            "50",
            "--n-init",
            "1000",
            "--tol",
            "0",
            "--x",
            &xs,
            "--labels-out",
            &ms,
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .expect("mpirun starts (is Open MPI installed?)");
    let t = Instant::now();
    let pids = loop {
        let p = ranks(&job);
        if p.len() == 2 || t.elapsed() > Duration::from_secs(30) {
            break p;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(pids.len(), 2, "mpirun started {pids:?}");
    std::thread::sleep(Duration::from_secs(3)); // well into the fit
    assert!(
        job.try_wait().unwrap().is_none(),
        "the fit ended before the kill"
    );
    let killed = Instant::now();
    Command::new("kill")
        .args(["-9", &pids[1].to_string()])
        .status()
        .unwrap();
    let status = wait(&mut job, Duration::from_secs(30)).unwrap_or_else(|| {
        let _ = job.kill();
        panic!("mpirun still running 30 s after a rank was killed")
    });
    assert!(!status.success(), "mpirun exited 0 after a rank was killed");
    assert!(
        !labels.exists(),
        "a labels file was written by a killed job"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "files left: {leftovers:?}");
    println!(
        "test killed_rank_ends_the_job ... ok (mpirun exited {:?} {:.1} s after the kill)",
        status.code(),
        killed.elapsed().as_secs_f64()
    );

    // A missing file: every rank exits non-zero, one message naming the rank and file.
    let t = Instant::now();
    let out = mpirun(
        3,
        &[
            "fit",
            "--array",
            "mpi",
            "--model",
            "logistic",
            "--x",
            &s(&dir.join("nope.npy")),
            "--y",
            &ys,
        ],
    )
    .output()
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert_eq!(err.matches("error: ").count(), 1, "{err}");
    assert!(
        err.contains("error: rank 0") && err.contains("nope.npy"),
        "{err}"
    );
    assert!(t.elapsed() < Duration::from_secs(60));
    println!(
        "test missing_input_ends_every_rank ... ok ({:.1} s)",
        t.elapsed().as_secs_f64()
    );
    std::fs::remove_dir_all(&dir).ok();
    println!("2 passed, 0 failed");
}
