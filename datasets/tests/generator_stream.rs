//! The generators' random stream is part of their contract: these tests pin it.
//!
//! `FINGERPRINTS` hold an FNV-1a hash of the bits of every value each generator
//! returns for a few seeds; they were recorded with rand 0.8's `StdRng` before the
//! generators moved to `rand_chacha::ChaCha12Rng` (the algorithm `StdRng` used), so
//! they also show that the move left the data unchanged. The first values of each
//! generator are spelled out below as well, so a failure shows what changed.

use duckml_datasets::*;

/// FNV-1a over the little-endian bytes of each value.
fn fnv(values: impl IntoIterator<Item = f64>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for v in values {
        for b in v.to_bits().to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn dense(r: &Regression) -> u64 {
    fn chain(r: &Regression) -> impl Iterator<Item = f64> + '_ {
        r.x.iter()
            .chain(r.y.iter())
            .chain(r.coef.iter())
            .copied()
            .chain([r.intercept])
    }
    fnv(chain(r))
}

fn sparse(r: &SparseRegression) -> u64 {
    let indptr = r.x.indptr();
    let structure = indptr
        .raw_storage()
        .iter()
        .chain(r.x.indices())
        .map(|&i| i as f64);
    fnv(structure
        .chain(r.x.data().iter().copied())
        .chain(r.y.iter().copied())
        .chain(r.coef.iter().copied())
        .chain([r.intercept]))
}

fn blobs(b: &Blobs) -> u64 {
    fnv(b
        .x
        .iter()
        .chain(b.centers.iter())
        .copied()
        .chain(b.labels.iter().map(|&l| l as f64)))
}

/// (seed, regression, classification, poisson, blobs, sparse classification,
/// sparse regression), for the arguments in `fingerprints_are_pinned`.
const FINGERPRINTS: [(u64, [u64; 6]); 4] = [
    (
        0,
        [
            0xbd744c9e3f3b1401,
            0x36c883c788a0d48a,
            0xa669febc368817fd,
            0x18a07078430336f6,
            0x1ace74262aece6c7,
            0xed051e5f3f4f7305,
        ],
    ),
    (
        1,
        [
            0x5fd54372a1f07eba,
            0x3b1d4b283908801b,
            0xa487157d3cbec09e,
            0xcad116c0c0eecf63,
            0x9a63e1cff54c9f76,
            0x7021ee34d9c7bd5f,
        ],
    ),
    (
        42,
        [
            0x6d6a2e9e265809be,
            0x1bc9d83f379c45f5,
            0x1bda71769f60e990,
            0x520e94bf2a1725e3,
            0x88fa58c5fd9be81f,
            0xd50e2870c4687aaf,
        ],
    ),
    (
        u64::MAX,
        [
            0x62eb694d813cffbc,
            0xcde77d5d81fce242,
            0x77a60428cf51dd64,
            0xbcd84a794fa79dfe,
            0x80080840433b2fdc,
            0x3e7aa4e29043fd7b,
        ],
    ),
];

#[test]
fn fingerprints_are_pinned() {
    for (seed, want) in FINGERPRINTS {
        let got = [
            dense(&make_regression(50, 4, 0.3, seed).unwrap()),
            dense(&make_classification(50, 4, seed).unwrap()),
            dense(&make_poisson(50, 4, seed).unwrap()),
            blobs(&make_blobs(50, 3, 4, 0.7, seed).unwrap()),
            sparse(&make_sparse_classification(60, 30, 5, seed).unwrap()),
            sparse(&make_sparse_regression(60, 30, 5, 0.2, seed).unwrap()),
        ];
        assert_eq!(got, want, "seed {seed}");
    }
}

/// The first three values of a slice, for the spelled-out pins below.
fn head<T: Copy>(v: &[T]) -> [T; 3] {
    [v[0], v[1], v[2]]
}

#[test]
fn first_values_are_pinned() {
    // The dense generators share their first draws: X row by row from N(0, 1).
    let x0 = [0.06942791836196335, 0.13293812199412544, 0.2625763573739537];

    let c = make_classification(10, 3, 42).unwrap();
    assert_eq!(head(c.x.as_slice().unwrap()), x0);
    assert_eq!(head(c.y.as_slice().unwrap()), [0.0, 0.0, 1.0]);

    let r = make_regression(10, 3, 0.5, 42).unwrap();
    assert_eq!(head(r.x.as_slice().unwrap()), x0);
    assert_eq!(
        head(r.y.as_slice().unwrap()),
        [1.8507396307103419, 0.08470827731346586, -0.7295205394104982]
    );

    let p = make_poisson(10, 3, 42).unwrap();
    assert_eq!(head(p.x.as_slice().unwrap()), x0);
    assert_eq!(head(p.y.as_slice().unwrap()), [2.0, 1.0, 0.0]);

    let b = make_blobs(10, 3, 2, 1.0, 42).unwrap();
    assert_eq!(
        head(b.x.as_slice().unwrap()),
        [-1.4508377723158772, 7.9026336433057685, 8.701938038284203]
    );
    assert_eq!(
        head(b.centers.as_slice().unwrap()),
        [-1.5202656906778405, 7.769695521311643, 8.439361680910249]
    );

    let values = [
        -0.6642248458355339,
        -0.21539020517406807,
        0.19392311313683264,
    ];
    let s = make_sparse_classification(10, 20, 3, 42).unwrap();
    assert_eq!(head(s.x.indices()), [8, 9, 10]);
    assert_eq!(head(s.x.data()), values);
    assert_eq!(head(s.y.as_slice().unwrap()), [0.0, 1.0, 1.0]);

    let s = make_sparse_regression(10, 20, 3, 0.5, 42).unwrap();
    assert_eq!(head(s.x.indices()), [8, 9, 10]);
    assert_eq!(head(s.x.data()), values);
    assert_eq!(
        head(s.y.as_slice().unwrap()),
        [1.2230752818584807, 0.06712568498843541, -0.6199282004574221]
    );
}
