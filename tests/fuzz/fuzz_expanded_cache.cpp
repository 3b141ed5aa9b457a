// The expanded-MNIST cache (nn/expand_mnist_cache.cpp): whatever bytes sit
// where the cache of a one-image training set belongs are either loaded
// exactly as the file says or reported and rebuilt as the true expansion.
// The payload checksum (CRC-32) catches corruption, not forgery: libFuzzer's
// comparison tracing writes the computed CRC into the header, so a file with
// changed pixels and a matching checksum is a valid cache and must load as
// written (that case once tripped an oracle that demanded the true expansion).
#include <zlib.h>

#include <cstring>
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

// The cache layout: a 40-byte header, then one byte per pixel, then one per label.
constexpr size_t kHeaderBytes = 40;

bool matches_file(const nabla::nn::Split& got, const uint8_t* data, size_t size) {
  const size_t pixels = size_t(got.x.size()), labels = size_t(got.size());
  if (size != kHeaderBytes + pixels + labels) return false;
  // Only a file whose checksum holds may be loaded.
  uint32_t stored = 0;
  std::memcpy(&stored, data + kHeaderBytes - 4, 4);
  if (stored != uint32_t(crc32(0, data + kHeaderBytes, uInt(pixels + labels)))) return false;
  for (size_t i = 0; i < pixels; ++i)
    if (got.x.data<float>()[i] != float(data[kHeaderBytes + i]) / 256.0f) return false;
  for (size_t i = 0; i < labels; ++i)
    if (got.y.data<int32_t>()[i] != int32_t(data[kHeaderBytes + pixels + i])) return false;
  return true;
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
    if (got.status == nabla::nn::ExpandedData::Status::Loaded) {
      if (!matches_file(got.training, data, size)) __builtin_trap();
    } else if (got.training.x.to_vector() != truth.training.x.to_vector() ||
               got.training.y.to_vector() != truth.training.y.to_vector()) {
      __builtin_trap();
    }
  });
  return 0;
}
