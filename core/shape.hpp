// A shape with inline storage (no heap), so the compiled program can derive and
// compare shapes on every call without allocating. -1 means "unknown" in static types.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace nabla {

class Shape {
 public:
  static constexpr int kMaxRank = 8;
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims);
  explicit Shape(const std::vector<int64_t>& dims);
  template <class It> Shape(It first, It last) { for (; first != last; ++first) push_back(int64_t(*first)); }

  int size() const { return n_; }
  int rank() const { return n_; }
  bool empty() const { return n_ == 0; }
  int64_t& operator[](int i) { return d_[i]; }
  int64_t operator[](int i) const { return d_[i]; }
  const int64_t* begin() const { return d_; }
  const int64_t* end() const { return d_ + n_; }
  int64_t* begin() { return d_; }
  int64_t* end() { return d_ + n_; }
  void push_back(int64_t v);
  void insert(int pos, int64_t v);
  void erase(int pos);
  void resize(int n, int64_t fill = 0);
  int64_t back() const { return d_[n_ - 1]; }

  // Product of the dims (1 for a scalar); -1 if any dim is unknown.
  int64_t numel() const;
  bool known() const;  // no -1
  std::vector<int64_t> vec() const { return std::vector<int64_t>(begin(), end()); }
  std::string str() const;  // "(10,784)", "(?,30)", "()"

  bool operator==(const Shape& o) const;
  bool operator!=(const Shape& o) const { return !(*this == o); }

 private:
  int64_t d_[kMaxRank] = {};
  int n_ = 0;
};

}  // namespace nabla
