//! The dense backend: ndarray's `ArrayBase<S, Ix2>` (owned arrays and views, any
//! layout) with `Array1` sample vectors and `Array2` blocks.
//!
//! | file | what |
//! |---|---|
//! | `vector.rs` | `SampleVector` for `Array1` |
//! | `matrix.rs` | `MatrixCore`: products over cache-sized row ranges |
//! | `glm.rs`, `glm_pass.rs` | `GlmOps`: the fused four-row GLM kernel |
//! | `cluster.rs` | `ClusterOps`: GEMM distances, fused argmin and centre sums |
//! | `graph.rs` | `GraphOps`: block products, the diagonal |
//! | `block.rs` | `SampleBlock` for `Array2` |
//! | `split.rs` | `SplitRows`, so `Chunked::from_array` can split it |

mod block;
mod cluster;
mod glm;
mod glm_pass;
mod graph;
mod matrix;
mod split;
mod vector;
