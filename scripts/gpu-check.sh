#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: the CUDA test cases (kernel compilation, every
# contract operation against the dense backend, the GPU rows of the conformance suite),
# then the GPU benchmark (logistic L2 on n x 100, k-means on n x 50 with k = 100; dense
# vs CudaMatrix vs Chunked<CudaMatrix>, f64 and f32) with its speed-up table.
#
#   scripts/gpu-check.sh                 # n = 10^6 (the issue's sizes)
#   scripts/gpu-check.sh --n 200000      # options go to examples/gpu_bench.rs
#
# Needs the NVIDIA driver (libcuda), cuBLAS and NVRTC (a CUDA 12 toolkit, or the pip
# wheels nvidia-cublas-cu12 / nvidia-cuda-nvrtc-cu12: set DUCKML_CUDA_VENV to a venv
# holding them). Writes the table to target/gpu-bench.md. Tests do not skip here:
# DUCKML_REQUIRE_GPU turns a missing GPU into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
else
    echo "warning: nvidia-smi not found; continuing (the tests say whether a GPU is usable)"
fi

# cuBLAS / NVRTC: from the toolkit or from a venv of NVIDIA's wheels.
for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do
    [ -d "$d" ] && export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
done
if [ -n "${DUCKML_CUDA_VENV:-}" ]; then
    site="$("$DUCKML_CUDA_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    for lib in "$site"/nvidia/*/lib; do
        export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    done
    [ -d "$site/nvidia/cuda_nvcc/bin" ] && export PATH="$site/nvidia/cuda_nvcc/bin:$PATH"
fi

export DUCKML_REQUIRE_GPU=1
echo "== CUDA tests"
cargo test --release --features cuda --test suite cuda -- --nocapture
echo "== GPU benchmark"
mkdir -p target
cargo run --release --features cuda --example gpu_bench -- "$@" | tee target/gpu-bench.txt
grep '^|' target/gpu-bench.txt > target/gpu-bench.md || true
echo "table: target/gpu-bench.md (add it to BENCHMARKS.md with the GPU's name)"
