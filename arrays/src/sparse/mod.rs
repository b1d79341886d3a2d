//! The sparse backend: sprs's `CsMatBase` (CSR and CSC, owned or views) with `Array1`
//! sample vectors and `Array2` blocks. Nothing densifies X.
//!
//! | file | what |
//! |---|---|
//! | `storage.rs` | reading outer slices; sparse dot and axpy |
//! | `matrix.rs` | `MatrixCore`: row-parallel CSR products, column-wise CSC ones |
//! | `glm.rs` | `GlmOps`: the fused CSR pass |
//! | `cluster.rs` | `ClusterOps`: distances by scattering rows against `-2 C^T` |
//! | `graph.rs` | `GraphOps`: block products, the Laplacian solver |
//! | `factor.rs` | the nested-dissection sparse Cholesky behind the solver |
//! | `split.rs` | `SplitRows`, so `Chunked::from_array` can split it |

mod cluster;
mod factor;
mod glm;
mod graph;
mod matrix;
mod split;
mod storage;
