// Internal: numpy broadcasting shared by the elementwise, broadcast and
// reduction families (and any op that needs it). Static shape rules that accept
// unknown (-1) dims, and a strided loop that walks an iteration shape with one
// stride set per operand. No xtensor here, and nothing allocates except the
// error messages.
#pragma once
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "core/shape.hpp"

namespace nabla {
namespace detail {

// Broadcasts one pair of dims; -1 (unknown) defers the check to run time.
inline bool broadcast_dim(int64_t a, int64_t b, int64_t& out) {
  if (a == b || b == 1) out = a;
  else if (a == 1) out = b;
  else if (a == -1) out = b;
  else if (b == -1) out = a;
  else return false;
  return true;
}

// numpy broadcast of two shapes (ranks aligned at the right). False if they clash.
inline bool broadcast_shapes(const Shape& a, const Shape& b, Shape& out) {
  const int r = a.rank() > b.rank() ? a.rank() : b.rank();
  out.resize(r);
  for (int i = 0; i < r; ++i) {
    const int ia = a.rank() - r + i, ib = b.rank() - r + i;
    const int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (!broadcast_dim(da, db, out[i])) return false;
  }
  return true;
}

// Whether `from` broadcasts to exactly `to` (unknown dims pass).
inline bool broadcasts_to(const Shape& from, const Shape& to) {
  if (from.rank() > to.rank()) return false;
  const int off = to.rank() - from.rank();
  for (int i = 0; i < from.rank(); ++i) {
    const int64_t f = from[i], t = to[i + off];
    if (f == 1 || f == -1 || t == -1 || f == t) continue;
    return false;
  }
  return true;
}

// Whether `s`, leading 1s aside, equals the trailing dims of `full`: then a
// contiguous `s` repeats whole along full's leading dims.
inline bool is_trailing_block(const Shape& s, const Shape& full) {
  int lead = 0;
  while (lead < s.rank() && s[lead] == 1) ++lead;
  const int k = s.rank() - lead;
  if (k > full.rank()) return false;
  for (int i = 0; i < k; ++i)
    if (s[lead + i] != full[full.rank() - k + i]) return false;
  return true;
}

// "(3,4) and (5,)"; "(2,3), (4,) and (3,)" for three.
inline std::string shapes_list(const Shape* const* shapes, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    if (i) s += (i + 1 == n) ? " and " : ", ";
    s += shapes[i]->str();
  }
  return s;
}

[[noreturn]] inline void throw_broadcast_error(const Shape& a, const Shape& b) {
  throw ShapeError("cannot broadcast shapes " + a.str() + " and " + b.str());
}

// Element strides of a contiguous `operand` laid over `target` (ranks aligned at
// the right), 0 along the dims it is broadcast over. `strides` has target.rank() slots.
inline void broadcast_strides(const Shape& operand, const Shape& target, int64_t* strides) {
  const int off = target.rank() - operand.rank();
  int64_t step = 1;
  for (int i = target.rank() - 1; i >= 0; --i) {
    const int j = i - off;
    if (j < 0 || operand[j] == 1) {
      strides[i] = 0;
    } else {
      strides[i] = step;
      step *= operand[j];
    }
  }
}

// Contiguous strides of `shape` itself.
inline void contiguous_strides(const Shape& shape, int64_t* strides) {
  int64_t step = 1;
  for (int i = shape.rank() - 1; i >= 0; --i) {
    strides[i] = step;
    step *= shape[i];
  }
}

// Walks an iteration shape with N operands, each with its own element strides.
// Dims of size 1 are dropped and adjacent dims that every operand walks
// contiguously are merged, so the innermost loop the callback runs is as long
// as possible. The callback gets the N element offsets of a row and its
// length; the row's strides are inner_stride(k).
template <int N>
class StridedLoop {
 public:
  // strides[k] points at iter.rank() strides of operand k.
  StridedLoop(const Shape& iter, const int64_t* const* strides) {
    empty_ = false;
    rank_ = 0;
    for (int d = 0; d < iter.rank(); ++d) {
      if (iter[d] == 0) empty_ = true;
      if (iter[d] == 1) continue;
      if (rank_ > 0 && mergeable(strides, d, iter[d])) {
        dims_[rank_ - 1] *= iter[d];
        for (int k = 0; k < N; ++k) st_[k][rank_ - 1] = strides[k][d];
        continue;
      }
      dims_[rank_] = iter[d];
      for (int k = 0; k < N; ++k) st_[k][rank_] = strides[k][d];
      ++rank_;
    }
    if (rank_ == 0) {  // a single element
      rank_ = 1;
      dims_[0] = 1;
      for (int k = 0; k < N; ++k) st_[k][0] = 0;
    }
  }

  int rank() const { return rank_; }
  int64_t inner_size() const { return dims_[rank_ - 1]; }
  int64_t inner_stride(int k) const { return st_[k][rank_ - 1]; }

  // f(const int64_t* offsets, int64_t len) once per innermost row.
  template <class F> void run(F&& f) const {
    if (empty_) return;
    int64_t off[N] = {};
    int64_t idx[Shape::kMaxRank] = {};
    const int64_t len = dims_[rank_ - 1];
    for (;;) {
      f(static_cast<const int64_t*>(off), len);
      int d = rank_ - 2;
      for (; d >= 0; --d) {
        ++idx[d];
        for (int k = 0; k < N; ++k) off[k] += st_[k][d];
        if (idx[d] < dims_[d]) break;
        for (int k = 0; k < N; ++k) off[k] -= st_[k][d] * dims_[d];
        idx[d] = 0;
      }
      if (d < 0) return;
    }
  }

 private:
  // Dim d can fold into the previous kept dim when each operand's outer stride
  // equals its inner stride times d's extent.
  bool mergeable(const int64_t* const* strides, int d, int64_t extent) const {
    for (int k = 0; k < N; ++k)
      if (st_[k][rank_ - 1] != strides[k][d] * extent) return false;
    return true;
  }

  int rank_ = 0;
  bool empty_ = false;
  int64_t dims_[Shape::kMaxRank] = {};
  int64_t st_[N][Shape::kMaxRank] = {};
};

// Reduces the contiguous x (shape `xs`) into `out` through `out_strides`
// (xs.rank() strides, 0 along the reduced dims): combine(acc, x[i]) for every
// element, acc being the out element x[i] lands on. `out` must hold the
// identity of `combine` on entry. An innermost row that reduces entirely goes
// to row(acc, ptr, len) (a vectorized kernel where the caller has one); rows
// that map one to one run as a vector loop.
template <class T, class R, class F, class G>
void reduce_into(const T* x, const Shape& xs, R* out, const int64_t* out_strides, F combine, G row) {
  int64_t sx[Shape::kMaxRank];
  contiguous_strides(xs, sx);
  const int64_t* st[2] = {sx, out_strides};
  StridedLoop<2> loop(xs, st);
  const int64_t io = loop.inner_stride(1);
  loop.run([&](const int64_t* off, int64_t len) {
    const T* px = x + off[0];
    R* po = out + off[1];
    if (io == 0) {
      row(*po, px, len);
    } else if (io == 1) {
      for (int64_t i = 0; i < len; ++i) combine(po[i], px[i]);
    } else {
      for (int64_t i = 0; i < len; ++i) combine(po[i * io], px[i]);
    }
  });
}

template <class T, class R, class F>
void reduce_into(const T* x, const Shape& xs, R* out, const int64_t* out_strides, F combine) {
  reduce_into(x, xs, out, out_strides, combine, [&](R& acc, const T* p, int64_t len) {
    R a = acc;
    for (int64_t i = 0; i < len; ++i) combine(a, p[i]);
    acc = a;
  });
}

}  // namespace detail
}  // namespace nabla
