// Row-wise kernels on column-major matrices: norms, distances, k-means assignment,
// row argmax and normalisation. One thread per row; consecutive threads read
// consecutive rows of a column, so loads coalesce. REAL is float or double.

extern "C" __global__ void dm_row_sq_norms(const REAL* x, long long n, long long p, REAL* out) {
    DM_FOR(i, n) out[i] = dm::row_sq_norm<REAL>(x, n, p, i);
}

extern "C" __global__ void dm_argmax_abs_rows(const REAL* b, long long n, long long m,
                                              REAL* out) {
    DM_FOR(i, n) out[i] = dm::argmax_abs_row<REAL>(b, n, m, i);
}

extern "C" __global__ void dm_normalize_rows(const REAL* b, REAL* out, long long n,
                                             long long m) {
    DM_FOR(i, n) dm::normalize_row<REAL>(b, out, n, m, i);
}

// g (n x t, column-major) holds -2 X P^T; replaced by max(0, |x|^2 + |p|^2 - 2 x.p),
// floored by `floor` when has_floor.
extern "C" __global__ void dm_sq_dist_finish(REAL* g, long long n, long long t, const REAL* xx,
                                             const REAL* psq, const REAL* floor,
                                             int has_floor) {
    DM_FOR(e, n * t) {
        dm::idx_t i = e % n, j = e / n;
        g[e] = dm::sq_dist_point<REAL>(xx[i], g[e] + psq[j], has_floor,
                                       has_floor ? floor[i] : REAL(0));
    }
}

// The k-means assignment of rows r0..r0+rb, given g = -2 X_b C^T (rb x k, column-major)
// from a GEMM: nearest centre (first on ties), exact squared distance (double) to it,
// the label written (counting changes), optionally the distance (write_dist) and the
// one-hot row of the assignment (write_onehot, rb x k, column-major, for the GEMM that
// sums the rows per centre) and per-centre counts. Block partial sums of the inertia
// and of the changed labels go to part_inertia / part_changed.
extern "C" __global__ void dm_kmeans_assign(const REAL* x, long long n, long long p,
                                            long long r0, long long rb, const REAL* g,
                                            const REAL* csq, long long k, const double* c,
                                            REAL* labels, REAL* dist, int write_dist,
                                            REAL* onehot, int write_onehot,
                                            unsigned long long* counts, double* part_inertia,
                                            double* part_changed) {
    double inertia = 0.0, changed = 0.0;
    DM_FOR(i, rb) {
        dm::idx_t j = dm::argmin_row<REAL>(g, rb, i, k, csq);
        double d = dm::exact_sq_dist<REAL>(x, n, p, r0 + i, c, j);
        inertia += d;
        REAL lj = REAL(j);
        if (labels[r0 + i] != lj) changed += 1.0;
        labels[r0 + i] = lj;
        if (write_dist) dist[r0 + i] = REAL(d);
        if (write_onehot) {
            for (dm::idx_t q = 0; q < k; ++q) onehot[i + q * rb] = q == j ? REAL(1) : REAL(0);
            atomicAdd(&counts[j], 1ULL);
        }
    }
    double si = dm_block_sum(inertia);
    double sc = dm_block_sum(changed);
    if (threadIdx.x == 0) {
        part_inertia[blockIdx.x] = si;
        part_changed[blockIdx.x] = sc;
    }
}
