// Elementwise kernels: maps, combinations, checks, copies. REAL is float or double.

extern "C" __global__ void dm_fill(REAL* out, long long n, REAL v) {
    DM_FOR(i, n) out[i] = v;
}

extern "C" __global__ void dm_map_unary(const REAL* in, REAL* out, long long n, int code,
                                        int fam, double a, double b) {
    DM_FOR(i, n) out[i] = dm::unary_apply<REAL>(code, fam, a, b, in[i]);
}

extern "C" __global__ void dm_zip_map(const REAL* a, const REAL* b, REAL* out, long long n,
                                      int code) {
    DM_FOR(i, n) out[i] = dm::binary_apply<REAL>(code, a[i], b[i]);
}

// Sets *failed to 1 when an element fails the check (*failed starts at 0).
extern "C" __global__ void dm_check_all(const REAL* v, long long n, int code, int* failed) {
    DM_FOR(i, n) {
        if (!dm::check_holds<REAL>(code, v[i])) *failed = 1;
    }
}

extern "C" __global__ void dm_glm_weights(const REAL* eta, REAL* out, long long n, int fam) {
    DM_FOR(i, n) out[i] = dm::glm_weight<REAL>(fam, eta[i]);
}

extern "C" __global__ void dm_glm_residuals(const REAL* y, const REAL* eta, REAL* out,
                                            long long n, int fam) {
    DM_FOR(i, n) {
        REAL loss, resid;
        dm::glm_terms<REAL>(fam, y[i], eta[i], &loss, &resid);
        out[i] = resid;
    }
}

extern "C" __global__ void dm_axpby(const REAL* x, const REAL* y, REAL* out, long long len,
                                    REAL a, REAL b) {
    DM_FOR(t, len) out[t] = a * x[t] + b * y[t];
}

// out = diag(d) x for a column-major n x m block.
extern "C" __global__ void dm_scale_rows(const REAL* x, const REAL* d, REAL* out, long long n,
                                         long long m) {
    DM_FOR(t, n * m) out[t] = x[t] * d[t % n];
}

// out (rb x p, column-major) = rows r0..r0+rb of x (n x p) scaled by w.
extern "C" __global__ void dm_scale_row_block(const REAL* x, long long n, long long p,
                                              long long r0, long long rb, const REAL* w,
                                              REAL* out) {
    DM_FOR(t, rb * p) {
        dm::idx_t i = t % rb, a = t / rb;
        out[t] = x[r0 + i + a * n] * w[r0 + i];
    }
}

// acc += s, accumulating a GEMM's partial result in double.
extern "C" __global__ void dm_add_to_f64(double* acc, const REAL* s, long long len) {
    DM_FOR(t, len) acc[t] += double(s[t]);
}

// out (m x p, column-major) = the listed rows of x (n x p).
extern "C" __global__ void dm_gather_rows(const REAL* x, long long n, long long p,
                                          const long long* rows, long long m, REAL* out) {
    DM_FOR(t, m * p) {
        dm::idx_t r = t % m, a = t / m;
        out[t] = x[rows[r] + a * n];
    }
}

// out[i] = x[i, first_col + i] (0 past the last column).
extern "C" __global__ void dm_diagonal_from(const REAL* x, long long n, long long p,
                                            long long first_col, REAL* out) {
    DM_FOR(i, n) out[i] = first_col + i < p ? x[i + (first_col + i) * n] : REAL(0);
}

// out = diag(a) x + diag(b) y for column-major n x m blocks.
extern "C" __global__ void dm_axpby_rows(const REAL* x, const REAL* a, const REAL* y,
                                         const REAL* b, REAL* out, long long n, long long m) {
    DM_FOR(t, n * m) {
        dm::idx_t i = t % n;
        out[t] = a[i] * x[t] + b[i] * y[t];
    }
}
