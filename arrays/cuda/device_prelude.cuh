// Device-only helpers shared by every kernel family (not compiled for the host).
// Every kernel is launched with DM_BLOCK threads per block (arrays/src/cuda/device.rs).

#define DM_BLOCK 256

// A grid-stride loop over [0, n).
#define DM_FOR(i, n)                                                                 \
    for (dm::idx_t i = (dm::idx_t)blockIdx.x * blockDim.x + threadIdx.x; i < (n);  \
         i += (dm::idx_t)blockDim.x * gridDim.x)

// Sum of `v` over the threads of a block (every thread must call it; every thread
// gets the sum). Accumulated in double.
__device__ inline double dm_block_sum(double v) {
    __shared__ double sh[DM_BLOCK];
    sh[threadIdx.x] = v;
    __syncthreads();
    for (int s = DM_BLOCK / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) sh[threadIdx.x] += sh[threadIdx.x + s];
        __syncthreads();
    }
    double r = sh[0];
    __syncthreads();
    return r;
}
