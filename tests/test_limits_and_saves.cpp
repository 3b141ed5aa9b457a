// Sizes past what a machine holds, corrupt headers, and saves that fail: a
// clear error before anything is allocated or overwritten (issue 14's probe).
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "nabla.hpp"

using namespace nabla;
namespace fs = std::filesystem;

namespace {
template <class F> std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("nabla-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
}  // namespace

TEST_CASE("limits: shapes past 64 bits or past the machine's memory are MemoryErrors, not crashes") {
  const int64_t big = int64_t(1) << 32;
  CHECK_THROWS_AS(Tensor::zeros(DType::Float32, {big, big}), MemoryError);
  CHECK(contains(error_of([&] { Tensor::zeros(DType::Float32, {big, big}); }), "64 bits"));
  // 10^12 float32 elements: refused before allocating (no OOM kill).
  const std::string msg = error_of([] { Tensor(DType::Float32, {1000000, 1000000}); });
  CHECK(contains(msg, "cannot allocate"));
  CHECK(contains(msg, "(1000000,1000000)"));
  CHECK_THROWS_AS(Tensor(DType::Float32, {1000000, 1000000}), MemoryError);
  // A compiled function whose output would be that large names the op and the line.
  Var n = lscalar("n");
  Function f = function({n}, {full({Dim(n), Dim(n)}, 1.0)});
  const std::string run_msg = error_of([&] { f({Tensor::scalar<int64_t>(1000000)}); });
  CHECK(contains(run_msg, "full"));
  CHECK(contains(run_msg, "test_limits_and_saves.cpp"));
}

TEST_CASE("limits: reshape refuses negative dims other than -1, naming the dim") {
  Var x = matrix("x");
  const std::string msg = error_of([&] { reshape(x, {-2, 3}); });
  CHECK(contains(msg, "dim 0 is -2"));
  CHECK_THROWS_AS(reshape(x, {-2, 3}), ShapeError);
  CHECK(error_of([&] { reshape(x, {-1, 3}); }) == "no error");
}

TEST_CASE("limits: an IDX header promising terabytes with no data is 'truncated', not an allocation") {
  const fs::path dir = temp_dir("idx");
  const fs::path path = dir / "huge-idx3-ubyte";
  {
    std::ofstream f(path, std::ios::binary);
    const unsigned char header[] = {0, 0, 8, 3, 0, 0, 0xEA, 0x60, 0x40, 0, 0, 0, 0x20, 0, 0, 0};  // 60000 x 2^30 x 2^29
    f.write(reinterpret_cast<const char*>(header), sizeof header);
  }
  const std::string msg = error_of([&] { nn::read_idx(path.string()); });
  CHECK(contains(msg, path.string()));
  CHECK((contains(msg, "truncated") || contains(msg, "2^63")));
  fs::remove_all(dir);
}

TEST_CASE("saves: Network::save replaces the file whole or not at all") {
  const fs::path dir = temp_dir("save");
  const std::string path = (dir / "net.json").string();
  nn::Network net({4, 3, 2});
  net.save(path);
  const auto size_before = fs::file_size(path);
  std::string before;
  {
    std::ifstream f(path);
    before.assign(std::istreambuf_iterator<char>(f), {});
  }
  // NaN weights cannot be written as JSON: refused, the old file untouched, no temporary left.
  Var W = net.layers()[0].W;
  Tensor bad = W.get_value();
  bad.set(0, std::nan(""));
  W.set_value(bad);
  const std::string msg = error_of([&] { net.save(path); });
  CHECK(contains(msg, "NaN"));
  CHECK(contains(msg, path));
  CHECK(fs::file_size(path) == size_before);
  // A target that cannot be replaced (a directory): an error naming it, the directory untouched.
  const fs::path blocker = dir / "is_a_directory";
  fs::create_directories(blocker / "inside");
  nn::Network good({4, 3, 2});
  const std::string msg2 = error_of([&] { good.save(blocker.string()); });
  CHECK(contains(msg2, blocker.string()));
  CHECK(fs::is_directory(blocker / "inside"));
  int leftovers = 0;
  for (const auto& e : fs::directory_iterator(dir)) leftovers += contains(e.path().filename().string(), ".tmp-");
  CHECK(leftovers == 0);
  nn::Network loaded = nn::Network::load(path);  // the first save is still whole
  CHECK(loaded.sizes() == std::vector<int64_t>{4, 3, 2});
  std::string after;
  {
    std::ifstream f(path);
    after.assign(std::istreambuf_iterator<char>(f), {});
  }
  CHECK(after == before);
  fs::remove_all(dir);
}

TEST_CASE("random streams: a stream's state is freed with the graph (no shared_ptr cycle)") {
  std::weak_ptr<Buffer> state_buffer;
  {
    RandomStreams rs(7);
    Var u = rs.uniform({3});
    Var state = u.inputs()[0];
    state_buffer = state.value_ref().buffer();
    CHECK(state.default_update().defined());
    CHECK(state.default_update().inputs()[0].same(state));  // the update reads the state itself
    Function f = function({}, {u});
    f();
  }
  CHECK(state_buffer.expired());
}
