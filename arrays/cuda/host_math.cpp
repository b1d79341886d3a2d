// The kernels' per-element math (duckml_math.cuh) compiled for the host, so that tests
// can compare it with the Rust reference without a GPU. Built by arrays/build.rs (cc)
// when the `cuda` feature is on; declared in arrays/src/cuda/host_math.rs.

#define __host__
#define __device__
#include "duckml_math.cuh"

#define DM_EXPORT(R, SFX)                                                                  \
    extern "C" void dm_glm_terms_##SFX(int fam, R y, R eta, R* loss, R* resid) {           \
        dm::glm_terms<R>(fam, y, eta, loss, resid);                                         \
    }                                                                                       \
    extern "C" R dm_glm_mean_##SFX(int fam, R eta) { return dm::glm_mean<R>(fam, eta); }  \
    extern "C" R dm_glm_weight_##SFX(int fam, R eta) { return dm::glm_weight<R>(fam, eta); } \
    extern "C" R dm_unary_##SFX(int code, int fam, double a, double b, R v) {               \
        return dm::unary_apply<R>(code, fam, a, b, v);                                      \
    }                                                                                       \
    extern "C" double dm_reduce_term_##SFX(int code, int fam, double c, R v) {              \
        return dm::reduce_term<R>(code, fam, c, v);                                         \
    }                                                                                       \
    extern "C" double dm_pair_term_##SFX(int code, int fam, R a, R b) {                     \
        return dm::pair_term<R>(code, fam, a, b);                                           \
    }                                                                                       \
    extern "C" R dm_binary_##SFX(int code, R a, R b) { return dm::binary_apply<R>(code, a, b); } \
    extern "C" int dm_check_##SFX(int code, R v) { return dm::check_holds<R>(code, v) ? 1 : 0; } \
    extern "C" R dm_row_sq_norm_##SFX(const R* x, long long n, long long p, long long i) {   \
        return dm::row_sq_norm<R>(x, n, p, i);                                              \
    }                                                                                       \
    extern "C" double dm_exact_sq_dist_##SFX(const R* x, long long n, long long p,          \
                                             long long i, const double* c, long long j) {   \
        return dm::exact_sq_dist<R>(x, n, p, i, c, j);                                      \
    }                                                                                       \
    extern "C" long long dm_argmin_row_##SFX(const R* g, long long ldg, long long i,        \
                                             long long k, const R* csq) {                   \
        return dm::argmin_row<R>(g, ldg, i, k, csq);                                        \
    }                                                                                       \
    extern "C" R dm_sq_dist_point_##SFX(R xx, R gc, int has_floor, R floor) {               \
        return dm::sq_dist_point<R>(xx, gc, has_floor, floor);                              \
    }                                                                                       \
    extern "C" R dm_argmax_abs_row_##SFX(const R* b, long long n, long long m, long long i) { \
        return dm::argmax_abs_row<R>(b, n, m, i);                                           \
    }                                                                                       \
    extern "C" void dm_normalize_row_##SFX(const R* b, R* out, long long n, long long m,    \
                                           long long i) {                                   \
        dm::normalize_row<R>(b, out, n, m, i);                                              \
    }

DM_EXPORT(float, f32)
DM_EXPORT(double, f64)

extern "C" double dm_loss_at_mean_f64(int fam, double y, double mu) {
    return dm::glm_loss_at_mean<double>(fam, y, mu);
}
