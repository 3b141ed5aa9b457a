#include "nn/init.hpp"

#include "core/dispatch.hpp"
#include "core/error.hpp"

namespace nabla::nn {

double Rng::normal(double mean, double std) { return std::normal_distribution<double>(mean, std)(engine_); }

double Rng::uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(engine_); }

std::vector<int64_t> Rng::permutation(int64_t n) {
  std::vector<int64_t> p(size_t(n > 0 ? n : 0));
  for (int64_t i = 0; i < n; ++i) p[size_t(i)] = i;
  // Fisher-Yates with our own index draws, so the order depends only on the
  // engine (std::shuffle's use of the engine is implementation-defined).
  for (int64_t i = n - 1; i > 0; --i) {
    const int64_t j = int64_t(engine_() % uint64_t(i + 1));
    std::swap(p[size_t(i)], p[size_t(j)]);
  }
  return p;
}

Tensor normal(const Shape& shape, double mean, double std, Rng& rng, DType dtype) {
  if (!is_float(dtype))
    throw TypeError(std::string("nabla: nn::normal needs a float dtype, got ") + dtype_name(dtype));
  if (!shape.known()) throw ShapeError("nabla: nn::normal needs a known shape, got " + shape.str());
  if (!(std >= 0)) throw ValueError("nabla: nn::normal: std must be >= 0, got " + std::to_string(std));
  Tensor t(dtype, shape);
  std::normal_distribution<double> dist(mean, std > 0 ? std : 1.0);
  dispatch_float(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    for (int64_t i = 0; i < t.size(); ++i) p[i] = std > 0 ? T(dist(rng.engine())) : T(mean);
  });
  return t;
}

const char* init_name(Init init) {
  switch (init) {
    case Init::Default: return "default";
    case Init::Large: return "large";
    case Init::Zeros: return "zeros";
    case Init::Network3: return "network3";
  }
  return "?";
}

Init init_from_name(const std::string& name) {
  for (Init i : {Init::Default, Init::Large, Init::Zeros, Init::Network3})
    if (name == init_name(i)) return i;
  throw ValueError("nabla: unknown initializer '" + name + "' (known: default, large, zeros, network3)");
}

}  // namespace nabla::nn
