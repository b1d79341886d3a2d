//! scikit-learn's "Segmenting the picture of greek coins in regions", with duckml:
//! Gaussian blur (sigma 2), rescale to 20 %, the 4-neighbour grid graph with weights
//! `exp(-10 d / std) + 1e-6`, then spectral clustering into 26 regions (29 clusters, as
//! the scikit-learn example) with each label-assignment method. Writes one PNG per
//! method with the region contours over the image, and prints the time per method.
//!
//! ```text
//! cargo run --release --example coins_segmentation                   # scale 0.2
//! cargo run --release --example coins_segmentation -- --scale 1      # 303 x 384 pixels
//! cargo run --release --example coins_segmentation -- --out /tmp/coins --chebyshev
//! ```
//!
//! Options: `--scale S` (0.2), `--out DIR` (`target/coins_segmentation`),
//! `--methods kmeans,discretize,cluster_qr`, `--runs R` (timed fits per method, best
//! reported; 1), `--chebyshev` (products-only eigensolver instead of shift-invert).

use duckml::datasets::{
    coins, exp_affinity, gaussian_filter_u8, img_to_graph, rescale_bilinear, write_png_rgb,
};
use duckml::estimators::{Affinity, AssignLabels, EigenSolver, SpectralClustering};
use ndarray::{Array2, Array3};
use std::path::PathBuf;
use std::time::Instant;

const N_REGIONS: usize = 26;
const N_EXTRA: usize = 3;

fn usage(msg: &str) -> ! {
    eprintln!("coins_segmentation: {msg}");
    eprintln!(
        "usage: coins_segmentation [--scale S] [--out DIR] [--methods kmeans,discretize,cluster_qr] \
         [--runs R] [--chebyshev]"
    );
    std::process::exit(2)
}

/// A colour per region along a rainbow (like matplotlib's `nipy_spectral`).
fn colour(l: usize) -> [u8; 3] {
    let h = (l as f64 + 4.0) / (N_REGIONS as f64 + 4.0) * 300.0;
    let x = 1.0 - ((h / 60.0) % 2.0 - 1.0).abs();
    let (r, g, b) = match (h / 60.0) as u32 {
        0 => (1.0, x, 0.0),
        1 => (x, 1.0, 0.0),
        2 => (0.0, 1.0, x),
        3 => (0.0, x, 1.0),
        4 => (x, 0.0, 1.0),
        _ => (1.0, 0.0, x),
    };
    [(r * 255.0) as u8, (g * 255.0) as u8, (b * 255.0) as u8]
}

/// The image in gray, enlarged `f` times, with the boundary of each of the first
/// `N_REGIONS` regions drawn in its colour.
fn render(img: &Array2<f64>, labels: &Array2<usize>, f: usize) -> Array3<u8> {
    let (h, w) = img.dim();
    let mut out = Array3::<u8>::zeros((h * f, w * f, 3));
    for ((y, x, c), v) in out.indexed_iter_mut() {
        let _ = c;
        *v = (img[[y / f, x / f]] * 255.0).round().clamp(0.0, 255.0) as u8;
    }
    for i in 0..h {
        for j in 0..w {
            let l = labels[[i, j]];
            if l >= N_REGIONS {
                continue;
            }
            let edge_right = j + 1 < w && labels[[i, j + 1]] != l;
            let edge_down = i + 1 < h && labels[[i + 1, j]] != l;
            let col = colour(l);
            if edge_right {
                for y in i * f..(i + 1) * f {
                    for (c, &v) in col.iter().enumerate() {
                        out[[y, (j + 1) * f - 1, c]] = v;
                    }
                }
            }
            if edge_down {
                for x in j * f..(j + 1) * f {
                    for (c, &v) in col.iter().enumerate() {
                        out[[(i + 1) * f - 1, x, c]] = v;
                    }
                }
            }
        }
    }
    out
}

fn main() {
    let mut scale = 0.2;
    let mut out = PathBuf::from("target/coins_segmentation");
    let mut methods = vec![
        ("kmeans", AssignLabels::KMeans),
        ("discretize", AssignLabels::Discretize),
        ("cluster_qr", AssignLabels::ClusterQr),
    ];
    let mut runs = 1;
    let mut solver = EigenSolver::Auto;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--scale" => scale = val().parse().unwrap_or_else(|_| usage("bad --scale")),
            "--out" => out = val().into(),
            "--runs" => {
                runs = val()
                    .parse::<usize>()
                    .unwrap_or_else(|_| usage("bad --runs"))
                    .max(1)
            }
            "--methods" => {
                let list = val();
                methods.retain(|(name, _)| list.split(',').any(|m| m == *name));
            }
            "--chebyshev" => solver = EigenSolver::Chebyshev,
            "-h" | "--help" => usage("help"),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    let t0 = Instant::now();
    let smooth = gaussian_filter_u8(&coins().expect("bundled image"), 2.0).expect("blur");
    let img = rescale_bilinear(&smooth, scale).expect("rescale");
    let mut graph = img_to_graph(&img);
    exp_affinity(&mut graph, 10.0, 1e-6);
    let (h, w) = img.dim();
    println!(
        "coins at scale {scale}: {h} x {w} = {} pixels, graph with {} stored entries ({:.3} s to build)",
        h * w,
        graph.nnz(),
        t0.elapsed().as_secs_f64()
    );
    std::fs::create_dir_all(&out).expect("output folder");
    let f = (400 / w.max(h)).max(1);
    for (name, how) in methods {
        let est = SpectralClustering::new(N_REGIONS + N_EXTRA)
            .affinity(Affinity::Precomputed)
            .assign_labels(how)
            .eigen_solver(solver)
            .eigen_tol(1e-7)
            .seed(42);
        let mut best = f64::INFINITY;
        let mut model = None;
        for _ in 0..runs {
            let t = Instant::now();
            let m = est.fit(&graph).expect("spectral clustering");
            best = best.min(t.elapsed().as_secs_f64());
            model = Some(m);
        }
        let m = model.expect("one run");
        let labels = Array2::from_shape_vec((h, w), m.labels().to_vec()).expect("image shape");
        let path = out.join(format!("coins_{name}_scale{scale}.png"));
        write_png_rgb(&path, &render(&img, &labels, f)).expect("write PNG");
        println!(
            "{name:<11} {best:.3} s  ({} eigensolver steps, residual {:.1e}, lambda_2 {:.3e}, lambda_{} {:.3e})  -> {}",
            m.n_iter(),
            m.residual(),
            m.eigenvalues()[1],
            m.eigenvalues().len(),
            m.eigenvalues().last().copied().unwrap_or(0.0),
            path.display()
        );
    }
}
