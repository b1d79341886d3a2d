// Per-element and per-row math of duckml's CUDA kernels.
//
// Every function here is `__host__ __device__`: NVRTC compiles it into the kernels
// (the kernel sources are this header followed by a family's kernels), and the `cc`
// crate compiles it for the host through `host_math.cpp`, whose tests compare it with
// the Rust reference (`GlmFamily::terms`, `UnaryOp::apply`, ...) over grids of values.
// The operation codes are the ones `arrays/src/cuda/codes.rs` assigns to the contract's
// enums; the host tests exercise that mapping too.
//
// Data matrices and blocks are column-major: element (i, j) of an n-row matrix is
// `x[i + j * n]`.

#ifndef DUCKML_MATH_CUH
#define DUCKML_MATH_CUH

#ifndef __CUDACC_RTC__
#include <cmath>
#endif

namespace dm {

#ifndef __CUDACC_RTC__
using std::exp;
using std::fabs;
using std::log;
using std::log1p;
using std::sqrt;
#endif

typedef long long idx_t;

// GLM families (GlmFamily).
enum { FAM_GAUSSIAN = 0, FAM_BERNOULLI = 1, FAM_POISSON = 2 };
// UnaryOp.
enum {
    UN_MEAN = 0,
    UN_THRESHOLD = 1,
    UN_AFFINE = 2,
    UN_CLAMP_MIN = 3,
    UN_EQUAL_TO = 4,
    UN_ABS = 5,
    UN_EXP = 6,
    UN_INV_SQRT_OR_ONE = 7
};
// Reduction.
enum { RED_SUM = 0, RED_SQ_DEV = 1, RED_DEV_CONST = 2 };
// PairReduction.
enum { PAIR_SQ_ERR = 0, PAIR_COUNT_EQUAL = 1, PAIR_DEVIANCE = 2 };
// BinaryOp.
enum { BIN_ADD = 0, BIN_MUL = 1, BIN_MIN = 2, BIN_LESS = 3 };
// ElementCheck.
enum { CHK_FINITE = 0, CHK_ZERO_OR_ONE = 1, CHK_NON_NEGATIVE = 2 };

// The smallest positive normal value and the largest finite value of each type.
__host__ __device__ inline float tiny_of(float) { return 1.17549435e-38f; }
__host__ __device__ inline double tiny_of(double) { return 2.2250738585072014e-308; }
__host__ __device__ inline float max_of(float) { return 3.40282347e+38f; }
__host__ __device__ inline double max_of(double) { return 1.7976931348623157e+308; }

// Neither NaN nor infinite (NaN fails the comparison).
template <class R> __host__ __device__ inline bool finite(R v) {
    return fabs(v) <= max_of(v);
}

// `y log y - y` with `0 log 0 = 0`.
template <class R> __host__ __device__ inline R saturated_poisson(R y) {
    return y > R(0) ? y * log(y) - y : R(0);
}

// Half deviance and working residual at one sample (GlmFamily::terms).
template <class R>
__host__ __device__ inline void glm_terms(int fam, R y, R eta, R* loss, R* resid) {
    if (fam == FAM_GAUSSIAN) {
        R r = eta - y;
        *loss = R(0.5) * r * r;
        *resid = r;
    } else if (fam == FAM_BERNOULLI) {
        // One exp per element: e = exp(-|eta|) never overflows.
        R e = exp(-fabs(eta));
        R log1pe = log1p(e);
        // Selects, as in GlmFamily::terms (which they must match to the bit).
        R inv = R(1) / (R(1) + e);
        R softplus = (eta > R(0) ? eta : R(0)) + log1pe;
        R mu = eta > R(0) ? inv : e * inv;
        *loss = softplus - y * eta;
        *resid = mu - y;
    } else {
        R mu = exp(eta);
        *loss = mu - y * eta + saturated_poisson(y);
        *resid = mu - y;
    }
}

// The inverse link mu(eta) (GlmFamily::mean).
template <class R> __host__ __device__ inline R glm_mean(int fam, R eta) {
    if (fam == FAM_GAUSSIAN) return eta;
    if (fam == FAM_BERNOULLI) {
        R e = exp(-fabs(eta));
        return eta > R(0) ? R(1) / (R(1) + e) : e / (R(1) + e);
    }
    return exp(eta);
}

// d^2 h / d eta^2 (GlmFamily::hessian_weight).
template <class R> __host__ __device__ inline R glm_weight(int fam, R eta) {
    if (fam == FAM_GAUSSIAN) return R(1);
    if (fam == FAM_BERNOULLI) {
        R mu = glm_mean(fam, eta);
        return mu * (R(1) - mu);
    }
    return exp(eta);
}

// Half deviance of predicting the mean mu for y (GlmFamily::loss_at_mean).
template <class R> __host__ __device__ inline R glm_loss_at_mean(int fam, R y, R mu) {
    if (fam == FAM_GAUSSIAN) return R(0.5) * (y - mu) * (y - mu);
    if (fam == FAM_BERNOULLI) {
        R tiny = tiny_of(y);
        R one = R(1), zero = R(0);
        R m1 = mu > tiny ? mu : tiny;
        R m0 = (one - mu) > tiny ? (one - mu) : tiny;
        R a = y > zero ? y * log(y / m1) : zero;
        R b = y < one ? (one - y) * log((one - y) / m0) : zero;
        return a + b;
    }
    R ylogy = y > R(0) ? y * log(y / mu) : R(0);
    return ylogy - y + mu;
}

// UnaryOp::apply; `a` and `b` are the op's parameters (see codes.rs).
template <class R>
__host__ __device__ inline R unary_apply(int code, int fam, double a, double b, R v) {
    switch (code) {
    case UN_MEAN: return glm_mean(fam, v);
    case UN_THRESHOLD: return v > R(a) ? R(1) : R(0);
    case UN_AFFINE: return R(a) * v + R(b);
    case UN_CLAMP_MIN: return v < R(a) ? R(a) : v;
    case UN_EQUAL_TO: return v == R(a) ? R(1) : R(0);
    case UN_ABS: return fabs(v);
    case UN_EXP: return exp(v);
    default: return v > R(0) ? R(1) / sqrt(v) : R(1);
    }
}

// Reduction::term, accumulated in double.
template <class R>
__host__ __device__ inline double reduce_term(int code, int fam, double c, R v) {
    double x = double(v);
    if (code == RED_SUM) return x;
    if (code == RED_SQ_DEV) {
        double d = x - c;
        return d * d;
    }
    return glm_loss_at_mean<double>(fam, x, c);
}

// PairReduction::term, accumulated in double.
template <class R> __host__ __device__ inline double pair_term(int code, int fam, R a, R b) {
    if (code == PAIR_SQ_ERR) {
        double d = double(a) - double(b);
        return d * d;
    }
    if (code == PAIR_COUNT_EQUAL) return a == b ? 1.0 : 0.0;
    return glm_loss_at_mean<double>(fam, double(a), double(b));
}

// BinaryOp::apply.
template <class R> __host__ __device__ inline R binary_apply(int code, R a, R b) {
    switch (code) {
    case BIN_ADD: return a + b;
    case BIN_MUL: return a * b;
    case BIN_MIN: return b < a ? b : a;
    default: return a < b ? R(1) : R(0);
    }
}

// ElementCheck::holds.
template <class R> __host__ __device__ inline bool check_holds(int code, R v) {
    if (code == CHK_FINITE) return finite(v);
    if (code == CHK_ZERO_OR_ONE) return v == R(0) || v == R(1);
    return finite(v) && v >= R(0);
}

// |x_i|^2 of row i of a column-major n x p matrix, accumulated in R.
template <class R> __host__ __device__ inline R row_sq_norm(const R* x, idx_t n, idx_t p, idx_t i) {
    R acc = R(0);
    for (idx_t a = 0; a < p; ++a) {
        R v = x[i + a * n];
        acc += v * v;
    }
    return acc;
}

// sum_a (x_ia - c_ja)^2 in double, for centres stored row-major (k x p, double).
template <class R>
__host__ __device__ inline double exact_sq_dist(const R* x, idx_t n, idx_t p, idx_t i,
                                                const double* c, idx_t j) {
    double acc = 0.0;
    for (idx_t a = 0; a < p; ++a) {
        double d = double(x[i + a * n]) - c[j * p + a];
        acc += d * d;
    }
    return acc;
}

// The first j minimising g[i + j * ldg] + csq[j] (g = -2 X C^T from a GEMM).
template <class R>
__host__ __device__ inline idx_t argmin_row(const R* g, idx_t ldg, idx_t i, idx_t k, const R* csq) {
    idx_t best = 0;
    R bv = g[i] + csq[0];
    for (idx_t j = 1; j < k; ++j) {
        R v = g[i + j * ldg] + csq[j];
        if (v < bv) {
            bv = v;
            best = j;
        }
    }
    return best;
}

// max(0, |x|^2 + (|c|^2 - 2 x.c)), floored by `floor` when `has_floor`.
template <class R> __host__ __device__ inline R sq_dist_point(R xx, R gc, int has_floor, R floor) {
    R v = xx + gc;
    if (v < R(0)) v = R(0);
    if (has_floor && floor < v) v = floor;
    return v;
}

// The column of the largest |b_ij| in row i of a column-major n x m block (first on ties).
template <class R> __host__ __device__ inline R argmax_abs_row(const R* b, idx_t n, idx_t m, idx_t i) {
    idx_t best = 0;
    R bv = fabs(b[i]);
    for (idx_t j = 1; j < m; ++j) {
        R v = fabs(b[i + j * n]);
        if (v > bv) {
            bv = v;
            best = j;
        }
    }
    return R(best);
}

// Row i of a column-major n x m block divided by its Euclidean norm (zero rows stay zero).
template <class R>
__host__ __device__ inline void normalize_row(const R* b, R* out, idx_t n, idx_t m, idx_t i) {
    R acc = R(0);
    for (idx_t j = 0; j < m; ++j) acc += b[i + j * n] * b[i + j * n];
    R norm = sqrt(acc);
    for (idx_t j = 0; j < m; ++j) out[i + j * n] = norm > R(0) ? b[i + j * n] / norm : b[i + j * n];
}

}  // namespace dm

#endif
