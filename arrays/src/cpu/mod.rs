//! What the CPU backends share: small vectorised kernels over slices, the AVX2 + FMA
//! block kernels, the scaffolding of a fused pass over cache-sized row ranges, and the
//! k-means accumulators. It sits above the contract (its passes return contract
//! types) and below every CPU backend; no backend's internals live here.

pub(crate) mod centers;
pub(crate) mod kernels;
pub(crate) mod pass;
pub(crate) mod simd;
pub(crate) mod step_acc;
