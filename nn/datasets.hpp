// Data sets: IDX files (raw or gzipped) and MNIST / Fashion-MNIST with the
// book's split: the first 50,000 training images train, the last 10,000
// validate, the 10,000 test images test; pixels are byte/256 as float32.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace nabla::nn {

// An IDX file's contents: its dims and its unsigned bytes.
struct IdxData {
  std::vector<int64_t> dims;
  std::vector<uint8_t> bytes;
};

// Reads an IDX file of unsigned bytes (magic 0x0801 or 0x0803), plain or
// gzipped. Throws ValueError naming the file and what is wrong with it
// (missing, not IDX, truncated, trailing data).
IdxData read_idx(const std::string& path);

struct Split {
  Tensor x;  // float32 (n, 784), byte/256
  Tensor y;  // int32 (n,), digit labels
  int64_t size() const { return x.defined() ? x.shape()[0] : 0; }
};

struct MnistData {
  Split training, validation, test;
};

// Where the setup step puts MNIST: $NABLA_DATA/mnist if set, else <source>/data/mnist.
std::string default_mnist_dir();
// Debian's dataset-fashion-mnist location.
std::string default_fashion_mnist_dir();

// Loads the four MNIST files from `dir` (names as in the original distribution,
// with or without .gz). `training_size` keeps only the first n training images.
MnistData load_mnist(const std::string& dir = default_mnist_dir(), int64_t training_size = 50000);
MnistData load_fashion_mnist(const std::string& dir = default_fashion_mnist_dir(),
                             int64_t training_size = 50000);

// Images and labels from a pair of IDX files, rows [begin, end).
Split load_idx_pair(const std::string& images_path, const std::string& labels_path, int64_t begin = 0,
                    int64_t end = -1);

}  // namespace nabla::nn
