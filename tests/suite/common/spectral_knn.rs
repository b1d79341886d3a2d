//! The nearest-neighbour spectral clustering fixture (`scripts/make_spectral_knn_fixtures.py`,
//! scikit-learn's `SpectralClustering(affinity="nearest_neighbors", n_neighbors=10)`).

use ndarray::Array2;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// scikit-learn's `affinity_matrix_` as sorted CSR arrays.
#[derive(Deserialize)]
pub struct CsrArrays {
    pub indptr: Vec<usize>,
    pub indices: Vec<usize>,
    pub data: Vec<f64>,
}

/// One data set and scikit-learn's fit on it.
#[derive(Deserialize)]
pub struct KnnCase {
    pub x: Vec<Vec<f64>>,
    pub truth: Vec<usize>,
    pub n_clusters: usize,
    pub n_neighbors: usize,
    pub n_components: usize,
    pub warned: bool,
    pub graph: CsrArrays,
    pub eigenvalues: Vec<f64>,
    pub labels: Vec<usize>,
    pub rbf_ari: f64,
}

impl KnnCase {
    pub fn x(&self) -> Array2<f64> {
        let p = self.x[0].len();
        Array2::from_shape_vec((self.x.len(), p), self.x.concat()).unwrap()
    }
}

#[derive(Deserialize)]
pub struct KnnFixture {
    pub datasets: BTreeMap<String, KnnCase>,
}

pub fn knn_fixture() -> &'static KnnFixture {
    static FX: OnceLock<KnnFixture> = OnceLock::new();
    FX.get_or_init(|| {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/spectral_knn.json"
        ))
        .expect("spectral kNN fixture");
        serde_json::from_str(&text).expect("spectral kNN fixture JSON")
    })
}
