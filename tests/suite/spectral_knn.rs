//! SpectralClustering with `Affinity::NearestNeighbors` against scikit-learn's
//! `SpectralClustering(affinity="nearest_neighbors", n_neighbors=10)`
//! (`tests/fixtures/spectral_knn.json`, made by `scripts/make_spectral_knn_fixtures.py`):
//! the same sparse graph entry for entry, the same Laplacian eigenvalues, the true
//! clusters on two moons (where an RBF affinity fails) and on moons plus blobs (a
//! disconnected graph, fitted with a warning as scikit-learn).

use crate::common::kmeans::ari;
use crate::common::spectral_knn::knn_fixture;
use duckml::arrays::prelude::*;
use duckml::estimators::{Affinity, AssignLabels, SpectralClustering};
use std::sync::Mutex;
use std::thread::ThreadId;

/// Records `log` warnings with the thread that emitted them (tests run in parallel).
struct Recorder(Mutex<Vec<(ThreadId, String)>>);

impl log::Log for Recorder {
    fn enabled(&self, m: &log::Metadata) -> bool {
        m.level() <= log::Level::Warn
    }
    fn log(&self, r: &log::Record) {
        if self.enabled(r.metadata()) {
            let msg = r.args().to_string();
            self.0
                .lock()
                .unwrap()
                .push((std::thread::current().id(), msg));
        }
    }
    fn flush(&self) {}
}

static RECORDER: Recorder = Recorder(Mutex::new(Vec::new()));

/// The warnings this thread logged while running `f`.
fn warnings_of<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    let _ = log::set_logger(&RECORDER).map(|()| log::set_max_level(log::LevelFilter::Warn));
    let me = std::thread::current().id();
    RECORDER.0.lock().unwrap().retain(|(t, _)| *t != me);
    let out = f();
    let mine = RECORDER
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|(t, _)| *t == me)
        .map(|(_, m)| m.clone())
        .collect();
    (out, mine)
}

#[test]
fn knn_graph_equals_sklearns_affinity_matrix() {
    for (name, case) in &knn_fixture().datasets {
        let x = case.x();
        let nb = x.kneighbors(case.n_neighbors).unwrap();
        assert_eq!(nb.indices.dim(), (x.nrows(), case.n_neighbors));
        for (i, row) in nb.indices.rows().into_iter().enumerate() {
            assert_eq!(row[0], i, "{name}: row {i} is not its own first neighbour");
            let d = nb.sq_dist.row(i);
            assert!(
                d.windows(2).into_iter().all(|w| w[0] <= w[1]),
                "{name}: row {i}"
            );
        }
        let g = nb.affinity::<f64>();
        assert!(g.is_csr());
        assert_eq!(g.indptr().raw_storage(), &case.graph.indptr[..], "{name}");
        assert_eq!(g.indices(), &case.graph.indices[..], "{name}");
        assert_eq!(g.data(), &case.graph.data[..], "{name}");
        assert_eq!(nb.n_connected_components(), case.n_components, "{name}");
        // f32 input gives the same graph on these (tie-free) data.
        let g32 = x.mapv(|v| v as f32).kneighbors(case.n_neighbors).unwrap();
        assert_eq!(g32.indices, nb.indices, "{name} (f32)");
    }
}

#[test]
fn labels_and_eigenvalues_match_sklearn() {
    for (name, case) in &knn_fixture().datasets {
        let x = case.x();
        for how in [
            AssignLabels::KMeans,
            AssignLabels::Discretize,
            AssignLabels::ClusterQr,
        ] {
            let (m, warned) = warnings_of(|| {
                SpectralClustering::new(case.n_clusters)
                    .affinity(Affinity::NearestNeighbors {
                        n_neighbors: case.n_neighbors,
                    })
                    .assign_labels(how)
                    .fit(&x)
                    .unwrap()
            });
            assert!(m.converged(), "{name} {how:?}");
            let err = m
                .eigenvalues()
                .iter()
                .zip(&case.eigenvalues)
                .fold(0.0f64, |a, (x, y)| a.max((x - y).abs()));
            assert!(err < 1e-8, "{name} {how:?}: eigenvalues differ by {err:e}");
            assert_eq!(ari(m.labels(), &case.truth), 1.0, "{name} {how:?}");
            assert_eq!(ari(m.labels(), &case.labels), 1.0, "{name} {how:?}");
            // scikit-learn warns exactly when the graph is disconnected; so do we, once.
            let disconnected: Vec<_> = warned
                .iter()
                .filter(|w| w.contains("not fully connected"))
                .collect();
            assert_eq!(
                disconnected.len(),
                usize::from(case.warned),
                "{name}: {warned:?}"
            );
        }
    }
}

#[test]
fn rbf_affinity_does_not_separate_the_moons() {
    // The reason for the nearest-neighbour graph: scikit-learn's rbf fit (gamma = 1)
    // mixes the two moons, and ours does too.
    let case = &knn_fixture().datasets["moons"];
    assert!(case.rbf_ari < 0.5);
    let m = SpectralClustering::new(2)
        .affinity(Affinity::Rbf { gamma: 1.0 })
        .fit(&case.x())
        .unwrap();
    assert!(ari(m.labels(), &case.truth) < 0.5);
}
