//! With the `cuda` feature: compiles the CUDA kernels' per-element math
//! (`cuda/duckml_math.cuh`) for the host through `cuda/host_math.cpp`, so the tests can
//! check it against the Rust reference without a GPU. Without the feature: nothing.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "cuda")]
    {
        for f in ["cuda/duckml_math.cuh", "cuda/host_math.cpp"] {
            println!("cargo:rerun-if-changed={f}");
        }
        cc::Build::new()
            .cpp(true)
            .file("cuda/host_math.cpp")
            .include("cuda")
            .flag_if_supported("-std=c++14")
            // No a*b+c -> FMA contraction on the host: it rounds like the Rust reference.
            .flag_if_supported("-ffp-contract=off")
            .warnings(true)
            .compile("duckml_cuda_host_math");
    }
}
