// The GEMM shapes of the book's nets at mini-batch 10 (from NABLA_PROFILE=1 runs
// of 1.1, 6.2 and 6.10), timed two ways in one run, each on one thread: OpenBLAS
// and oneDNN's dnnl_sgemm. Prints microseconds per call, GFLOP/s and the ratio,
// and checks that both agree. The numbers behind NABLA_WITH_DNNL (ops/gemm_split.hpp).
#include <xtensor-blas/xlinalg.hpp>  // cblas_sgemm

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include <oneapi/dnnl/dnnl.h>

extern "C" void openblas_set_num_threads(int);

namespace {

struct Shape {
  const char* what;
  char kind;  // 'T': C = A·Bᵀ (forward), 'N': C = A·B (input gradient), 'U': C += Aᵀ·B (weight update)
  int64_t M, N, K;
};

template <class F>
double micros_per_call(F&& f) {
  using clock = std::chrono::steady_clock;
  f();
  int reps = 1;
  for (;;) {
    const auto t0 = clock::now();
    for (int r = 0; r < reps; ++r) f();
    const double s = std::chrono::duration<double>(clock::now() - t0).count();
    if (s > 0.2) return 1e6 * s / reps;
    reps *= 2;
  }
}

}  // namespace

int main() {
  openblas_set_num_threads(1);
  setenv("OMP_NUM_THREADS", "1", 0);  // oneDNN reads it when it first starts its threads
  const Shape shapes[] = {
      {"6.10 FC 640->1000 forward", 'T', 10, 1000, 640},  {"6.10 FC 1000->1000 forward", 'T', 10, 1000, 1000},
      {"6.2 FC 2880->100 forward", 'T', 10, 100, 2880},    {"6.10 FC 640->1000 grad input", 'N', 10, 640, 1000},
      {"6.10 FC 1000->1000 grad input", 'N', 10, 1000, 1000}, {"6.2 FC 2880->100 grad input", 'N', 10, 2880, 100},
      {"6.10 FC 640->1000 update", 'U', 1000, 640, 10},    {"6.10 FC 1000->1000 update", 'U', 1000, 1000, 10},
      {"6.2 FC 2880->100 update", 'U', 100, 2880, 10},
      {"1.1 FC 784->30 forward", 'T', 10, 30, 784},       {"1.1 FC 784->30 update", 'U', 30, 784, 10},
      {"6.10 conv2 forward (per image)", 'F', 40, 64, 500}, {"6.2 conv forward (per image)", 'F', 20, 576, 25},
      // conv2d_grad_filters per image: gf (K, CKK) += gy (K, HoWo) · col (CKK, HoWo)ᵀ
      {"6.2 conv grad filters (per image)", 'T', 20, 25, 576}, 
      // at 2 threads split_gemm cuts 6.2's FC forward into 8 column blocks of 12-13
      {"6.2 FC forward, 1 of 8 col blocks", 'T', 10, 12, 2880}, {"6.10 conv2 grad filters (per im.)", 'T', 40, 500, 64},
      // conv2d_grad_input per image: col (CKK, HoWo) = fᵀ (CKK, K) · gy (K, HoWo)
      {"6.2 conv grad input (per image)", 'U', 25, 576, 20}, {"6.10 conv2 grad input (per image)", 'U', 500, 64, 40},
  };
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1, 1);
  std::printf("%-32s %12s %12s %9s   GFLOP/s (OpenBLAS / oneDNN)\n", "shape", "OpenBLAS us", "oneDNN us",
              "ratio");
  for (const Shape& s : shapes) {
    // 'T': A (M,K), B (N,K).  'N', 'F': A (M,K), B (K,N).  'U': C (M,N) += A(K,M)ᵀ B (K,N).
    const bool up = s.kind == 'U';
    std::vector<float> A(size_t(s.M * s.K)), B(size_t(s.N * s.K)), C0(size_t(s.M * s.N)), C(C0.size());
    for (auto* v : {&A, &B, &C0}) for (float& x : *v) x = u(rng);
    const bool ta = up, tb = s.kind == 'T';
    const int64_t lda = ta ? s.M : s.K, ldb = tb ? s.K : s.N;
    const float beta = up ? 1.0f : 0.0f;
    auto blas = [&] {
      cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(s.M), int(s.N),
                  int(s.K), 0.1f, A.data(), int(lda), B.data(), int(ldb), beta, C.data(), int(s.N));
    };
    C = C0; blas(); const std::vector<float> want = C;
    const double t_blas = micros_per_call(blas);
    auto dnnl = [&] {
      dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', s.M, s.N, s.K, 0.1f, A.data(), lda, B.data(), ldb, beta, C.data(), s.N);
    };
    C = C0; dnnl();
    double err = 0;
    for (size_t i = 0; i < C.size(); ++i) err = std::max(err, double(std::fabs(C[i] - want[i])));
    const double t_dnnl = micros_per_call(dnnl);
    const double gflop = 2e-3 * double(s.M * s.N * s.K);
    char name[64];
    std::snprintf(name, sizeof name, "%s", s.what);
    std::printf("%-32s %12.1f %12.1f %8.2fx   %5.1f / %5.1f   (max |diff| %.1e)\n", name, t_blas, t_dnnl,
                t_blas / t_dnnl, gflop / t_blas, gflop / t_dnnl, err);
  }
}
