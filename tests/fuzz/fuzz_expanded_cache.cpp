// The expanded-MNIST cache (nn/expand_mnist_cache.cpp): whatever bytes sit
// where the cache of a one-image training set belongs are either loaded as
// that set's expansion or reported and rebuilt, never trusted when wrong.
#include <filesystem>

#include "fuzz_common.hpp"
#include "nn/expand_mnist.hpp"

namespace {

nabla::nn::Split one_image() {
  nabla::nn::Split s;
  s.x = nabla::Tensor(nabla::DType::Float32, {1, 784});
  s.y = nabla::Tensor(nabla::DType::Int32, {1});
  for (int64_t i = 0; i < 784; ++i) s.x.set(i, double(i % 256) / 256.0);
  s.y.set(0, 7);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const nabla::nn::Split source = one_image();
  static const nabla::nn::ExpandedData truth = [] {
    const std::string dir = nabla_fuzz::scratch("truth");
    std::filesystem::remove_all(dir);
    return nabla::nn::load_or_expand(source, dir, 5);
  }();
  const std::string dir = nabla_fuzz::scratch("cache");
  std::filesystem::create_directories(dir);
  const std::string path = nabla::nn::expanded_cache_path(dir, 1, 5);
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), std::streamsize(size));
  nabla_fuzz::refused_or_read([&] {
    const nabla::nn::ExpandedData got = nabla::nn::load_or_expand(source, dir, 5);
    // Loaded or rebuilt, the result must be the true expansion.
    if (got.training.x.to_vector() != truth.training.x.to_vector() ||
        got.training.y.to_vector() != truth.training.y.to_vector())
      __builtin_trap();
  });
  return 0;
}
