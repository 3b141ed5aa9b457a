// A write that fails half-way (an injected full disk) leaves the previous file
// byte-identical and no temporary behind, for every file nabla writes through
// core/atomic_file: network2 models and the expanded-MNIST cache here (the
// checkpoint's own test is in test_checkpoint.cpp).
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "core/atomic_file.hpp"
#include "nabla.hpp"
#include "nn/expand_mnist.hpp"

using namespace nabla;
namespace fs = std::filesystem;

namespace {
std::string bytes_of(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}
fs::path fresh_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("nabla_test_atomic_" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}
int temporaries_in(const fs::path& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().filename().string().find(".tmp-") != std::string::npos;
  return n;
}
nn::Split images(int64_t n, unsigned seed) {
  nn::Rng rng(seed);
  nn::Split s;
  s.x = Tensor(DType::Float32, {n, 784});
  s.y = Tensor(DType::Int32, {n});
  for (int64_t i = 0; i < s.x.size(); ++i) s.x.set(i, std::floor(rng.uniform(0, 256)) / 256.0);
  for (int64_t i = 0; i < n; ++i) s.y.set(i, double(i % 10));
  return s;
}
}  // namespace

TEST_CASE("atomic writes: a write failing half-way leaves the old file byte-identical") {
  const fs::path dir = fresh_dir("parts");
  const fs::path path = dir / "file.bin";
  write_file_atomically(path.string(), std::vector<std::string_view>{"old ", "contents"}, "a test");
  const std::string before = bytes_of(path);
  CHECK(before == "old contents");
  fail_next_atomic_write_after(5);
  CHECK_THROWS_WITH_AS(write_file_atomically(path.string(), std::vector<std::string_view>{"new ", "and longer"}, "a test"),
                       doctest::Contains("No space left on device"), ValueError);
  CHECK(bytes_of(path) == before);
  CHECK(temporaries_in(dir) == 0);
  write_file_atomically(path.string(), std::vector<std::string_view>{"new ", "and longer"}, "a test");  // fault used up
  CHECK(bytes_of(path) == "new and longer");
  fs::remove_all(dir);
}

TEST_CASE("atomic writes: Network::save and the expanded-MNIST cache survive a full disk mid-write") {
  const fs::path dir = fresh_dir("savers");
  const fs::path model = dir / "net.json";
  nn::Network net({4, 3, 2});
  net.save(model.string());
  const std::string model_before = bytes_of(model);
  fail_next_atomic_write_after(int64_t(model_before.size() / 2));
  nn::Network other({4, 3, 2}, nn::Cost::CrossEntropy, 99);
  CHECK_THROWS_AS(other.save(model.string()), ValueError);
  CHECK(bytes_of(model) == model_before);

  const nn::ExpandedData first = nn::load_or_expand(images(6, 1), dir.string(), 3);
  const std::string cache_before = bytes_of(first.path);
  fail_next_atomic_write_after(int64_t(cache_before.size() / 2));
  // Other images of the same size: the cache is stale, so it is rebuilt and rewritten.
  CHECK_THROWS_WITH_AS(nn::load_or_expand(images(6, 2), dir.string(), 3), doctest::Contains("expanded-MNIST cache"),
                       ValueError);
  CHECK(bytes_of(first.path) == cache_before);
  CHECK(temporaries_in(dir) == 0);
  CHECK(nn::load_or_expand(images(6, 1), dir.string(), 3).status == nn::ExpandedData::Status::Loaded);
  fs::remove_all(dir);
}
