// expand_mnist.py: the training set with every image also shifted by one pixel
// down, up, right and left (the vacated row or column zeroed), 50,000 -> 250,000
// images, shuffled. The book's script shuffles without a seed; here the shuffle
// is seeded, and the result is cached on disk so it is generated once.
#pragma once
#include <cstdint>
#include <string>

#include "nn/datasets.hpp"

namespace nabla::nn {

// expand_mnist.py's order after each original image.
enum class Shift { Down, Up, Right, Left };

// One image (rows x cols, row-major) moved one pixel; the row or column that
// rolled in from the other side is zero (np.roll, then zeroing it).
void shift_image(const float* src, int64_t rows, int64_t cols, Shift shift, float* dst);

// Each image followed by its four shifts (5n rows), labels repeated; not shuffled.
Split expand_shifts(const Split& training, int64_t rows = 28, int64_t cols = 28);

// The seed experiments use for the shuffle, so every run shares one cache file.
constexpr uint64_t kExpandSeed = 12345678;

// expand_shifts, then all rows shuffled by a permutation from Rng(seed).
Split expand_training(const Split& training, uint64_t seed = kExpandSeed, int64_t rows = 28, int64_t cols = 28);

// $NABLA_DATA/mnist_expanded if set, else <source>/data/mnist_expanded.
std::string default_expanded_dir();

// The cache file for a source of n images and a seed: <dir>/train-shifted-<5n>-seed<seed>.bin.
// Format (little-endian): "NABLAEXP", u32 version (1), u32 count, u32 rows, u32 cols,
// u64 seed, u32 crc32 of the source (pixels as bytes, then labels), u32 crc32 of the
// payload, then count*rows*cols pixel bytes (pixel * 256) and count label bytes.
std::string expanded_cache_path(const std::string& dir, int64_t source_size, uint64_t seed);

struct ExpandedData {
  enum class Status { Loaded, Created, Regenerated };
  Split training;
  Status status = Status::Created;
  std::string path;
  std::string message;  // why it was regenerated (empty otherwise)
};

// Reads the cache for `training` and `seed` if it is intact and was built from
// the same source; otherwise builds the expansion, writes it (to a temporary
// file, then renamed) and says so on stderr. A corrupt or stale cache (bad
// magic, wrong sizes, truncated, checksum mismatch, other source or seed) is
// reported and regenerated. Pixels must be multiples of 1/256 in [0, 1) (MNIST's).
ExpandedData load_or_expand(const Split& training, const std::string& cache_dir = default_expanded_dir(),
                            uint64_t seed = kExpandSeed, int64_t rows = 28, int64_t cols = 28);

// The book's expanded MNIST: 250,000 training images from the cache, the
// unchanged validation and test sets. training_size keeps the first n of the
// shuffled 250,000 (-1 = all).
MnistData load_expanded_mnist(const std::string& mnist_dir = default_mnist_dir(),
                              const std::string& cache_dir = default_expanded_dir(), uint64_t seed = kExpandSeed,
                              int64_t training_size = -1);

}  // namespace nabla::nn
