#include <xmmintrin.h>
#include "core/runtime.hpp"
#include "core/run_errors.hpp"
#include "core/version.hpp"

#include <cstdlib>
#include <mutex>

#include "core/function.hpp"
#include "core/op.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

extern "C" void openblas_set_num_threads(int);

namespace nabla {

namespace {
int g_threads = 1;
}

const char* version() { return NABLA_VERSION_STRING; }

void set_num_threads(int n) {
  ensure_runtime_initialized();
  if (n < 1) throw ValueError("nabla: set_num_threads needs at least 1 thread, got " + std::to_string(n));
  g_threads = n;
#ifdef _OPENMP
  omp_set_num_threads(n);
#endif
}

int num_threads() {
  ensure_runtime_initialized();
  return g_threads;
}

void ensure_runtime_initialized() {
  static std::once_flag once;
  std::call_once(once, [] {
    // One level of parallelism: OpenBLAS's own threads fight OpenMP's on 2 cores
    // and do not help the small GEMMs of mini-batch training (TOOLCHAIN.md §7).
    openblas_set_num_threads(1);
    // Flush denormals to zero (FTZ) and treat denormal inputs as zero (DAZ): saturated
    // sigmoids and decayed weights produce denormal floats, which x86 handles ~100x
    // slower; they carry no useful signal for training. NABLA_DENORMALS=1 keeps them.
    const char* keep = std::getenv("NABLA_DENORMALS");
    if (!(keep && std::string(keep) == "1")) _mm_setcsr(_mm_getcsr() | 0x8040);
    // Default 1: on the shared 2-core machines this runs on, the second core is usually
    // busy, and then nabla's threads wait for each other at every split op (6.2 epoch
    // 3.9 s at 1 thread, 28 s at 2 with two compiles running). Opt in with
    // NABLA_NUM_THREADS, set_num_threads, nabla.config.threads or --threads.
    int n = 1;
    if (const char* env = std::getenv("NABLA_NUM_THREADS")) n = std::max(1, std::atoi(env));
    g_threads = n;
#ifdef _OPENMP
    omp_set_num_threads(n);
#endif
  });
}

static std::string strip_prefix(const std::string& s) {
  const std::string p = "nabla: ";
  return s.compare(0, p.size(), p) == 0 ? s.substr(p.size()) : s;
}

void rethrow_with_context(const Var& v, const Tensor* const* in, int n_in, const std::exception& e) {
  std::string shapes;
  for (int i = 0; i < n_in; ++i) {
    if (i) shapes += ", ";
    shapes += std::string(dtype_name(in[i]->dtype())) + in[i]->shape().str();
  }
  std::string msg = "nabla: " + v.op()->signature() + ": " + strip_prefix(e.what()) +
                    "\n  input values: " + shapes + "\n  in the expression created at " +
                    v.loc().str();
  if (dynamic_cast<const ShapeError*>(&e)) throw ShapeError(msg);
  if (dynamic_cast<const TypeError*>(&e)) throw TypeError(msg);
  if (dynamic_cast<const IndexError*>(&e)) throw IndexError(msg);
  if (dynamic_cast<const ValueError*>(&e)) throw ValueError(msg);
  if (dynamic_cast<const MemoryError*>(&e)) throw MemoryError(msg);
  throw Error(msg);
}

Tensor run_op(const Var& v, const Tensor* const* in, int n_in) {
  try {
    std::vector<InputInfo> scratch(static_cast<size_t>(n_in));
    Shape s = run_shape(*v.op(), in, n_in, scratch.data());
    Tensor out(v.dtype(), s);
    v.op()->perform(in, n_in, out);
    return out;
  } catch (const std::exception& e) {
    rethrow_with_context(v, in, n_in, e);
  }
}

void check_input_value(const Var& v, const Tensor& value, const char* where) {
  auto where_created = [&] { return " (created at " + v.loc().str() + ")"; };
  if (!value.defined())
    throw ValueError(std::string("nabla: ") + where + ": the value for input " + v.label() +
                     where_created() + " is empty");
  if (value.dtype() != v.dtype())
    throw TypeError(std::string("nabla: ") + where + ": input " + v.label() + where_created() +
                    " expects " + dtype_name(v.dtype()) + ", got " + dtype_name(value.dtype()));
  if (value.rank() != v.rank())
    throw ShapeError(std::string("nabla: ") + where + ": input " + v.label() + where_created() +
                     " expects rank " + std::to_string(v.rank()) + " " + v.shape().str() +
                     ", got shape " + value.shape().str());
  for (int i = 0; i < v.rank(); ++i)
    if (v.shape()[i] >= 0 && v.shape()[i] != value.shape()[i])
      throw ShapeError(std::string("nabla: ") + where + ": input " + v.label() + where_created() +
                       " expects shape " + v.shape().str() + ", got " + value.shape().str());
}

}  // namespace nabla
