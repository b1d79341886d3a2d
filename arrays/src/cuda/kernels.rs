//! The kernel sources and their NVRTC compilation.
//!
//! Each kernel family is one `.cu` file under `arrays/cuda/`; the source NVRTC compiles
//! is `#define REAL float|double`, the per-element math header (`duckml_math.cuh`, also
//! compiled for the host tests), the device prelude (block sums, grid-stride loops) and
//! the family's kernels. Compiling needs only `libnvrtc` (no GPU): the tests compile
//! every family for both element types wherever NVRTC can be loaded.

use super::CudaError;

const MATH: &str = include_str!("../../cuda/duckml_math.cuh");
const PRELUDE: &str = include_str!("../../cuda/device_prelude.cuh");

/// A kernel family: its name, its kernels' source and the kernels it defines.
#[derive(Debug, Clone, Copy)]
pub struct Family {
    /// Name (the `.cu` file's stem).
    pub name: &'static str,
    /// The family's kernels (without the shared header and prelude).
    pub body: &'static str,
    /// The `extern "C" __global__` functions it defines.
    pub kernels: &'static [&'static str],
}

/// Every kernel family.
pub const FAMILIES: [Family; 3] = [
    Family {
        name: "elementwise",
        body: include_str!("../../cuda/elementwise.cu"),
        kernels: &[
            "dm_fill",
            "dm_map_unary",
            "dm_zip_map",
            "dm_check_all",
            "dm_glm_weights",
            "dm_glm_residuals",
            "dm_axpby",
            "dm_scale_rows",
            "dm_scale_row_block",
            "dm_add_to_f64",
            "dm_gather_rows",
            "dm_diagonal_from",
            "dm_axpby_rows",
        ],
    },
    Family {
        name: "reduce",
        body: include_str!("../../cuda/reduce.cu"),
        kernels: &["dm_reduce_unary", "dm_reduce_pair", "dm_glm_pass"],
    },
    Family {
        name: "rows",
        body: include_str!("../../cuda/rows.cu"),
        kernels: &[
            "dm_row_sq_norms",
            "dm_argmax_abs_rows",
            "dm_normalize_rows",
            "dm_sq_dist_finish",
            "dm_kmeans_assign",
        ],
    },
];

/// The complete source NVRTC compiles for `family` with element type `real`
/// (`"float"` or `"double"`).
pub fn source(family: &Family, real: &str) -> String {
    format!(
        "#define REAL {real}\n{MATH}\n{PRELUDE}\n// ---- {}.cu\n{}",
        family.name, family.body
    )
}

/// The virtual architecture the kernels are compiled for: PTX for `compute_60` is
/// JIT-compiled by the driver for any newer GPU (Pascal and later).
pub const ARCH: &str = "compute_60";

/// Whether NVRTC (`libnvrtc.so`) can be loaded. Without it nothing can be compiled, and
/// calling cudarc's NVRTC functions would panic.
pub fn nvrtc_available() -> bool {
    // SAFETY: only tries to open the shared library.
    unsafe { cudarc::nvrtc::sys::is_culib_present() }
}

/// Compiles `src` to PTX with the options the backend uses (`arch`: a virtual
/// architecture such as [`ARCH`], `None` for NVRTC's default). Errors, never panics,
/// when NVRTC is absent or rejects the source (the compiler log is in the error).
pub fn compile(src: &str, arch: Option<&'static str>) -> Result<String, CudaError> {
    if !nvrtc_available() {
        return Err(CudaError::NoGpu(
            "libnvrtc could not be loaded (install the CUDA toolkit or the \
             nvidia-cuda-nvrtc-cu12 wheel and put its lib folder on LD_LIBRARY_PATH)"
                .into(),
        ));
    }
    if src.contains('\0') {
        return Err(CudaError::Invalid(
            "kernel source contains a NUL byte".into(),
        ));
    }
    let opts = cudarc::nvrtc::CompileOptions {
        arch,
        ..Default::default()
    };
    match cudarc::nvrtc::compile_ptx_with_opts(src, opts) {
        Ok(ptx) => Ok(ptx.to_src()),
        Err(cudarc::nvrtc::CompileError::CompileError { nvrtc, log, .. }) => Err(
            CudaError::Compile(format!("{nvrtc:?}: {}", log.to_string_lossy())),
        ),
        Err(e) => Err(CudaError::Compile(format!("{e:?}"))),
    }
}

/// Compiles every family for `real`, returning `(family name, PTX)`.
pub fn compile_all(real: &str) -> Result<Vec<(&'static str, String)>, CudaError> {
    FAMILIES
        .iter()
        .map(|f| compile(&source(f, real), Some(ARCH)).map(|ptx| (f.name, ptx)))
        .collect()
}
