// Reductions to per-block partial sums (double); the host adds the partials (at most
// a few thousand numbers, independent of n). REAL is float or double.

extern "C" __global__ void dm_reduce_unary(const REAL* v, long long n, int code, int fam,
                                           double c, double* partials) {
    double acc = 0.0;
    DM_FOR(i, n) acc += dm::reduce_term<REAL>(code, fam, c, v[i]);
    double s = dm_block_sum(acc);
    if (threadIdx.x == 0) partials[blockIdx.x] = s;
}

extern "C" __global__ void dm_reduce_pair(const REAL* a, const REAL* b, long long n, int code,
                                          int fam, double* partials) {
    double acc = 0.0;
    DM_FOR(i, n) acc += dm::pair_term<REAL>(code, fam, a[i], b[i]);
    double s = dm_block_sum(acc);
    if (threadIdx.x == 0) partials[blockIdx.x] = s;
}

// The fused GLM element pass: eta_i = (X b)_i + b0, loss and residual of each sample,
// the residual written over eta (when write_resid) for the X^T r GEMV that follows,
// and the block sums of loss and residual.
extern "C" __global__ void dm_glm_pass(const REAL* y, REAL* eta, long long n, int fam, REAL b0,
                                       int write_resid, double* part_loss,
                                       double* part_resid) {
    double acc_loss = 0.0, acc_resid = 0.0;
    DM_FOR(i, n) {
        REAL loss, resid;
        dm::glm_terms<REAL>(fam, y[i], eta[i] + b0, &loss, &resid);
        acc_loss += double(loss);
        acc_resid += double(resid);
        if (write_resid) eta[i] = resid;
    }
    double sl = dm_block_sum(acc_loss);
    double sr = dm_block_sum(acc_resid);
    if (threadIdx.x == 0) {
        part_loss[blockIdx.x] = sl;
        part_resid[blockIdx.x] = sr;
    }
}
