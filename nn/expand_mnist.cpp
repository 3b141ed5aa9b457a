// expand_mnist.py's one-pixel shifts and the seeded shuffle.
#include "nn/expand_mnist.hpp"

#include <cstring>

#include "core/error.hpp"
#include "nn/init.hpp"

namespace nabla::nn {

void shift_image(const float* src, int64_t rows, int64_t cols, Shift shift, float* dst) {
  const size_t row_bytes = size_t(cols) * sizeof(float);
  switch (shift) {
    case Shift::Down:  // np.roll(image, 1, axis 0), then row 0 zeroed
      std::memset(dst, 0, row_bytes);
      std::memcpy(dst + cols, src, row_bytes * size_t(rows - 1));
      return;
    case Shift::Up:  // roll -1 along rows, then the last row zeroed
      std::memcpy(dst, src + cols, row_bytes * size_t(rows - 1));
      std::memset(dst + (rows - 1) * cols, 0, row_bytes);
      return;
    case Shift::Right:  // roll 1 along columns, then column 0 zeroed
      for (int64_t r = 0; r < rows; ++r) {
        dst[r * cols] = 0.0f;
        std::memcpy(dst + r * cols + 1, src + r * cols, row_bytes - sizeof(float));
      }
      return;
    case Shift::Left:  // roll -1 along columns, then the last column zeroed
      for (int64_t r = 0; r < rows; ++r) {
        std::memcpy(dst + r * cols, src + r * cols + 1, row_bytes - sizeof(float));
        dst[r * cols + cols - 1] = 0.0f;
      }
      return;
  }
}

namespace {

void check_images(const Split& training, int64_t rows, int64_t cols, const char* who) {
  if (!training.x.defined() || training.x.rank() != 2 || training.x.dtype() != DType::Float32 ||
      training.x.shape()[1] != rows * cols)
    throw ShapeError(std::string("nabla: ") + who + ": x must be float32 (n, " + std::to_string(rows * cols) +
                     ") for " + std::to_string(rows) + "x" + std::to_string(cols) + " images");
  if (rows < 2 || cols < 2) throw ShapeError(std::string("nabla: ") + who + ": images must be at least 2x2");
  if (!training.y.defined() || training.y.rank() != 1 || training.y.shape()[0] != training.size())
    throw ShapeError(std::string("nabla: ") + who + ": y must hold one label per image");
}

// Row k of the unshuffled expansion: image k / 5, as is (k % 5 == 0) or shifted.
void expanded_row(const Split& training, int64_t rows, int64_t cols, int64_t k, float* dst, int32_t* label) {
  static const Shift order[] = {Shift::Down, Shift::Up, Shift::Right, Shift::Left};
  const int64_t px = rows * cols, image = k / 5, variant = k % 5;
  const float* src = training.x.data<float>() + image * px;
  if (variant == 0) std::memcpy(dst, src, size_t(px) * sizeof(float));
  else shift_image(src, rows, cols, order[variant - 1], dst);
  *label = int32_t(training.y.iat(image));
}

// Rows order[0..5n) of the unshuffled expansion (identity when order is empty),
// built straight into the result so the 250,000 images exist only once.
Split expansion(const Split& training, int64_t rows, int64_t cols, const std::vector<int64_t>& order) {
  const int64_t n = 5 * training.size(), px = rows * cols;
  Split out;
  out.x = Tensor(DType::Float32, {n, px});
  out.y = Tensor(DType::Int32, {n});
  float* dst = out.x.data<float>();
  int32_t* labels = out.y.data<int32_t>();
  for (int64_t i = 0; i < n; ++i)
    expanded_row(training, rows, cols, order.empty() ? i : order[size_t(i)], dst + i * px, labels + i);
  return out;
}

}  // namespace

Split expand_shifts(const Split& training, int64_t rows, int64_t cols) {
  check_images(training, rows, cols, "expand_shifts");
  return expansion(training, rows, cols, {});
}

Split expand_training(const Split& training, uint64_t seed, int64_t rows, int64_t cols) {
  check_images(training, rows, cols, "expand_training");
  Rng rng(seed);
  return expansion(training, rows, cols, rng.permutation(5 * training.size()));
}

}  // namespace nabla::nn
