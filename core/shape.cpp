#include "core/shape.hpp"

#include "core/error.hpp"

namespace nabla {

static void check_rank(int n) {
  if (n > Shape::kMaxRank)
    throw ShapeError("nabla: rank " + std::to_string(n) + " exceeds the maximum rank " +
                     std::to_string(Shape::kMaxRank));
}

Shape::Shape(std::initializer_list<int64_t> dims) {
  check_rank(int(dims.size()));
  for (int64_t d : dims) d_[n_++] = d;
}

Shape::Shape(const std::vector<int64_t>& dims) {
  check_rank(int(dims.size()));
  for (int64_t d : dims) d_[n_++] = d;
}

void Shape::push_back(int64_t v) {
  check_rank(n_ + 1);
  d_[n_++] = v;
}

void Shape::insert(int pos, int64_t v) {
  check_rank(n_ + 1);
  for (int i = n_; i > pos; --i) d_[i] = d_[i - 1];
  d_[pos] = v;
  ++n_;
}

void Shape::erase(int pos) {
  for (int i = pos; i + 1 < n_; ++i) d_[i] = d_[i + 1];
  --n_;
}

void Shape::resize(int n, int64_t fill) {
  check_rank(n);
  for (int i = n_; i < n; ++i) d_[i] = fill;
  n_ = n;
}

int64_t Shape::numel() const {
  int64_t p = 1;
  bool overflow = false, empty = false;
  for (int i = 0; i < n_; ++i) {
    if (d_[i] < 0) return -1;
    empty |= d_[i] == 0;
    overflow |= __builtin_mul_overflow(p, d_[i], &p);
  }
  if (empty) return 0;  // a zero-size tensor, however large its other dims
  if (overflow) throw MemoryError("nabla: shape " + str() + " has more elements than fit in 64 bits");
  return p;
}

bool Shape::known() const {
  for (int i = 0; i < n_; ++i)
    if (d_[i] < 0) return false;
  return true;
}

std::string Shape::str() const {
  std::string s = "(";
  for (int i = 0; i < n_; ++i) {
    if (i) s += ",";
    s += d_[i] < 0 ? std::string("?") : std::to_string(d_[i]);
  }
  if (n_ == 1) s += ",";
  return s + ")";
}

bool Shape::operator==(const Shape& o) const {
  if (n_ != o.n_) return false;
  for (int i = 0; i < n_; ++i)
    if (d_[i] != o.d_[i]) return false;
  return true;
}

}  // namespace nabla
