// The on-disk cache of the expanded training set: pixels as bytes behind a
// header that names the source (its checksum), the seed and the sizes, and a
// checksum of the payload, so a truncated, corrupted or stale file is noticed
// and rebuilt instead of silently training on wrong data.
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "nn/expand_mnist.hpp"

#ifndef NABLA_SOURCE_DIR
#define NABLA_SOURCE_DIR "."
#endif

namespace nabla::nn {

namespace {

constexpr char kMagic[8] = {'N', 'A', 'B', 'L', 'A', 'E', 'X', 'P'};
constexpr uint32_t kVersion = 1;

#pragma pack(push, 1)
struct Header {
  char magic[8];
  uint32_t version, count, rows, cols;
  uint64_t seed;
  uint32_t source_crc, payload_crc;
};
#pragma pack(pop)
static_assert(sizeof(Header) == 40, "the cache header is 40 bytes");

uint32_t crc(uint32_t running, const std::vector<uint8_t>& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {  // zlib's crc32 takes a uInt length
    const size_t chunk = std::min<size_t>(bytes.size() - done, 1u << 30);
    running = uint32_t(crc32(running, bytes.data() + done, uInt(chunk)));
    done += chunk;
  }
  return running;
}

// Pixels as bytes (pixel * 256, exact for MNIST's byte/256) and labels as bytes.
struct Bytes {
  std::vector<uint8_t> pixels, labels;
  uint32_t checksum() const { return crc(crc(uint32_t(crc32(0, nullptr, 0)), pixels), labels); }
};

Bytes to_bytes(const Split& s) {
  Bytes b;
  const float* x = s.x.data<float>();
  b.pixels.resize(size_t(s.x.size()));
  for (size_t i = 0; i < b.pixels.size(); ++i) {
    const float v = x[i] * 256.0f;
    if (!(v >= 0.0f && v <= 255.0f) || v != std::floor(v))
      throw ValueError("nabla: expand_mnist's cache stores pixels as bytes; pixel " + std::to_string(i) + " = " +
                       std::to_string(x[i]) + " is not a multiple of 1/256 in [0, 1)");
    b.pixels[i] = uint8_t(v);
  }
  b.labels.resize(size_t(s.size()));
  for (size_t i = 0; i < b.labels.size(); ++i) {
    const int64_t label = s.y.iat(int64_t(i));
    if (label < 0 || label > 255) throw ValueError("nabla: expand_mnist's cache stores labels as bytes");
    b.labels[i] = uint8_t(label);
  }
  return b;
}

Split from_bytes(const Bytes& b, int64_t count, int64_t px) {
  Split s;
  s.x = Tensor(DType::Float32, {count, px});
  s.y = Tensor(DType::Int32, {count});
  float* x = s.x.data<float>();
  for (size_t i = 0; i < b.pixels.size(); ++i) x[i] = float(b.pixels[i]) / 256.0f;
  for (int64_t i = 0; i < count; ++i) s.y.data<int32_t>()[i] = b.labels[size_t(i)];
  return s;
}

// Reads the cache into `out`; returns "" when it is good, else why it is not.
std::string read_cache(const std::string& path, const Header& want, Bytes& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return "missing";
  Header h{};
  if (!f.read(reinterpret_cast<char*>(&h), sizeof h)) return "truncated inside its header";
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) return "not an expanded-MNIST cache (bad magic)";
  if (h.version != kVersion) return "version " + std::to_string(h.version) + ", expected " + std::to_string(kVersion);
  if (h.count != want.count || h.rows != want.rows || h.cols != want.cols)
    return "it holds " + std::to_string(h.count) + " images of " + std::to_string(h.rows) + "x" +
           std::to_string(h.cols) + ", expected " + std::to_string(want.count) + " of " + std::to_string(want.rows) +
           "x" + std::to_string(want.cols);
  if (h.seed != want.seed) return "shuffled with seed " + std::to_string(h.seed);
  if (h.source_crc != want.source_crc) return "built from different training images (source checksum differs)";
  out.pixels.resize(size_t(h.count) * h.rows * h.cols);
  out.labels.resize(h.count);
  if (!f.read(reinterpret_cast<char*>(out.pixels.data()), std::streamsize(out.pixels.size())) ||
      !f.read(reinterpret_cast<char*>(out.labels.data()), std::streamsize(out.labels.size())))
    return "truncated: shorter than its header promises";
  if (f.peek() != std::char_traits<char>::eof()) return "data past the end its header declares";
  if (out.checksum() != h.payload_crc) return "checksum mismatch (the data is corrupt)";
  return "";
}

void write_cache(const std::string& path, Header h, const Bytes& b) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  h.payload_crc = b.checksum();
  // Readers see the old file or the complete new one, never a partial write.
  write_file_atomically(path,
                        {std::string_view(reinterpret_cast<const char*>(&h), sizeof h),
                         std::string_view(reinterpret_cast<const char*>(b.pixels.data()), b.pixels.size()),
                         std::string_view(reinterpret_cast<const char*>(b.labels.data()), b.labels.size())},
                        "writing the expanded-MNIST cache");
}

}  // namespace

std::string default_expanded_dir() {
  if (const char* env = std::getenv("NABLA_DATA")) return std::string(env) + "/mnist_expanded";
  return std::string(NABLA_SOURCE_DIR) + "/data/mnist_expanded";
}

std::string expanded_cache_path(const std::string& dir, int64_t source_size, uint64_t seed) {
  return dir + "/train-shifted-" + std::to_string(5 * source_size) + "-seed" + std::to_string(seed) + ".bin";
}

ExpandedData load_or_expand(const Split& training, const std::string& cache_dir, uint64_t seed, int64_t rows,
                            int64_t cols) {
  if (!training.x.defined() || training.x.rank() != 2 || training.x.shape()[1] != rows * cols)
    throw ShapeError("nabla: load_or_expand: x must be (n, " + std::to_string(rows * cols) + ")");
  const int64_t count = 5 * training.size(), px = rows * cols;
  if (count > int64_t(UINT32_MAX)) throw ValueError("nabla: load_or_expand: too many images for the cache format");
  Header want{};
  std::memcpy(want.magic, kMagic, sizeof kMagic);
  want.version = kVersion;
  want.count = uint32_t(count);
  want.rows = uint32_t(rows);
  want.cols = uint32_t(cols);
  want.seed = seed;
  want.source_crc = to_bytes(training).checksum();

  ExpandedData out;
  out.path = expanded_cache_path(cache_dir, training.size(), seed);
  Bytes cached;
  const std::string problem = read_cache(out.path, want, cached);
  if (problem.empty()) {
    out.training = from_bytes(cached, count, px);
    out.status = ExpandedData::Status::Loaded;
    return out;
  }
  if (problem != "missing") {
    out.status = ExpandedData::Status::Regenerated;
    out.message = "the expanded-MNIST cache " + out.path + " is unusable (" + problem + "); regenerating it";
    std::fprintf(stderr, "nabla: %s\n", out.message.c_str());
  }
  out.training = expand_training(training, seed, rows, cols);
  write_cache(out.path, want, to_bytes(out.training));
  std::fprintf(stderr, "nabla: wrote the expanded training set (%lld images, shuffled with seed %llu) to %s\n",
               (long long)count, (unsigned long long)seed, out.path.c_str());
  return out;
}

MnistData load_expanded_mnist(const std::string& mnist_dir, const std::string& cache_dir, uint64_t seed,
                              int64_t training_size) {
  MnistData d = load_mnist(mnist_dir);
  ExpandedData e = load_or_expand(d.training, cache_dir, seed);
  d.training = std::move(e.training);
  if (training_size >= 0 && training_size < d.training.size()) {
    const int64_t px = d.training.x.shape()[1];
    Split head;
    head.x = Tensor(DType::Float32, {training_size, px});
    head.y = Tensor(DType::Int32, {training_size});
    std::memcpy(head.x.raw(), d.training.x.raw(), size_t(training_size * px) * sizeof(float));
    std::memcpy(head.y.raw(), d.training.y.raw(), size_t(training_size) * sizeof(int32_t));
    d.training = std::move(head);
  }
  return d;
}

}  // namespace nabla::nn
