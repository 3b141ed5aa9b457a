// IDX reading (raw and gzipped), corrupt-file errors, and the book's MNIST split.
#include <doctest/doctest.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "nabla.hpp"
#include "nn/datasets.hpp"

using namespace nabla;

namespace {

std::string temp_path(const std::string& name) { return "/tmp/nabla_test_" + name; }

std::vector<uint8_t> idx_bytes(const std::vector<uint32_t>& dims, uint8_t type_code, size_t payload) {
  std::vector<uint8_t> b = {0, 0, 0x08, uint8_t(dims.size())};
  (void)type_code;
  for (uint32_t d : dims) {
    b.push_back(uint8_t(d >> 24));
    b.push_back(uint8_t(d >> 16));
    b.push_back(uint8_t(d >> 8));
    b.push_back(uint8_t(d));
  }
  for (size_t i = 0; i < payload; ++i) b.push_back(uint8_t(i % 10));
  return b;
}

void write_raw(const std::string& path, const std::vector<uint8_t>& b) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}

void write_gz(const std::string& path, const std::vector<uint8_t>& b) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, b.data(), unsigned(b.size()));
  gzclose(f);
}

std::string error_of(const std::string& path) {
  try {
    nn::read_idx(path);
  } catch (const ValueError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("IDX: raw and gzipped files read the same") {
  auto bytes = idx_bytes({3, 2, 2}, 0x08, 12);
  write_raw(temp_path("ok.idx"), bytes);
  write_gz(temp_path("ok.idx.gz"), bytes);
  for (const char* name : {"ok.idx", "ok.idx.gz"}) {
    nn::IdxData d = nn::read_idx(temp_path(name));
    CHECK(d.dims == std::vector<int64_t>{3, 2, 2});
    REQUIRE(d.bytes.size() == 12);
    CHECK(d.bytes[11] == 1);
  }
}

TEST_CASE("IDX: corrupt files give errors that name the file and the fix") {
  SUBCASE("missing") {
    std::string e = error_of(temp_path("does_not_exist"));
    CHECK(contains(e, "does_not_exist"));
    CHECK(contains(e, "missing"));
    CHECK(contains(e, "make setup"));
  }
  SUBCASE("truncated data") {
    auto b = idx_bytes({10, 28, 28}, 0x08, 100);
    write_raw(temp_path("short.idx"), b);
    std::string e = error_of(temp_path("short.idx"));
    CHECK(contains(e, "short.idx"));
    CHECK(contains(e, "truncated"));
    CHECK(contains(e, "7840"));
  }
  SUBCASE("truncated header") {
    write_raw(temp_path("tiny.idx"), {0, 0});
    CHECK(contains(error_of(temp_path("tiny.idx")), "truncated"));
  }
  SUBCASE("not IDX") {
    write_raw(temp_path("text.idx"), {'h', 'e', 'l', 'l', 'o'});
    CHECK(contains(error_of(temp_path("text.idx")), "not an IDX file"));
  }
  SUBCASE("trailing bytes") {
    auto b = idx_bytes({4}, 0x08, 5);
    write_raw(temp_path("long.idx"), b);
    CHECK(contains(error_of(temp_path("long.idx")), "past the 4 bytes"));
  }
}

TEST_CASE("IDX: image/label pairs are checked against each other") {
  write_raw(temp_path("img.idx"), idx_bytes({5, 2, 2}, 0x08, 20));
  write_raw(temp_path("lab.idx"), idx_bytes({4}, 0x08, 4));
  CHECK_THROWS_WITH_AS(nn::load_idx_pair(temp_path("img.idx"), temp_path("lab.idx")),
                       doctest::Contains("4 labels"), ValueError);
  write_raw(temp_path("lab5.idx"), idx_bytes({5}, 0x08, 5));
  nn::Split s = nn::load_idx_pair(temp_path("img.idx"), temp_path("lab5.idx"), 1, 3);
  CHECK(s.x.shape() == Shape{2, 4});
  CHECK(s.x.at(0) == doctest::Approx(4.0 / 256.0));  // row 1 starts at byte 4
  CHECK(s.y.at(1) == 2);
}

TEST_CASE("MNIST: the book's split from the files the setup step fetched") {
  INFO("MNIST is fetched by `make setup` into " << nn::default_mnist_dir());
  nn::MnistData d = nn::load_mnist();
  CHECK(d.training.x.shape() == Shape{50000, 784});
  CHECK(d.validation.x.shape() == Shape{10000, 784});
  CHECK(d.test.x.shape() == Shape{10000, 784});
  CHECK(d.training.y.at(0) == 5);  // the first training digit is a 5
  CHECK(d.test.y.at(0) == 7);
  double max_pixel = 0;
  for (int64_t i = 0; i < 784 * 10; ++i) max_pixel = std::max(max_pixel, d.training.x.at(i));
  CHECK(max_pixel == doctest::Approx(255.0 / 256.0));
  nn::MnistData small = nn::load_mnist(nn::default_mnist_dir(), 1000);
  CHECK(small.training.size() == 1000);
  CHECK_THROWS_AS(nn::load_mnist(nn::default_mnist_dir(), 60000), ValueError);
}

TEST_CASE("Fashion-MNIST: the same split from Debian's package") {
  nn::MnistData d = nn::load_fashion_mnist();
  CHECK(d.training.x.shape() == Shape{50000, 784});
  CHECK(d.validation.size() == 10000);
  CHECK(d.test.size() == 10000);
  CHECK_THROWS_WITH_AS(nn::load_fashion_mnist("/nonexistent"), doctest::Contains("dataset-fashion-mnist"),
                       ValueError);
}
