// The max-pooling family's public face (kernels in ops/pool.cpp): the op class
// rewrites match by type, and the kernels conv's fused ops (ops/conv.cpp) run
// per image: the pool of a conv output while it is in cache, and the pooled
// gradient instead of materializing max_pool_grad's output.
#pragma once
#include <cstdint>
#include <vector>

#include "core/op.hpp"

namespace nabla {

// Non-overlapping (wh, ww) windows over the last two axes; ignore_border drops
// the partial windows at the bottom and right edges.
struct PoolWindow {
  int64_t wh, ww;
  bool ignore_border;
  int64_t out_len(int64_t n, int64_t w) const {
    if (n < 0) return -1;
    return ignore_border ? n / w : (n + w - 1) / w;
  }
  // Elements of one pooled (H, W) plane, H' * W'.
  int64_t pooled_plane(int64_t H, int64_t W) const { return out_len(H, wh) * out_len(W, ww); }
  // (..., H, W) -> (..., H', W'); -1 stays unknown.
  Shape pooled(const Shape& x) const {
    Shape s = x;
    const int r = x.rank();
    s[r - 2] = out_len(x[r - 2], wh);
    s[r - 1] = out_len(x[r - 1], ww);
    return s;
  }
};

// ws = (wh, ww) checked: a ValueError naming `fn` and the user's line unless
// both sizes are positive.
PoolWindow pool_window(const std::vector<int>& ws, bool ignore_border, const char* fn, Loc loc);

enum class PoolKind { Max, Grad, Select };

// pool_2d (Max), max_pool_grad (Grad) and max_pool_select (Select).
class MaxPoolFamilyOp : public Op {
 public:
  PoolKind kind() const { return kind_; }
  const PoolWindow& window() const { return w_; }

 protected:
  MaxPoolFamilyOp(PoolKind kind, PoolWindow w) : kind_(kind), w_(w) {}

 private:
  PoolKind kind_;
  PoolWindow w_;
};

// pool_2d on one thread for `planes` planes of x (H, W) into out (H', W').
void max_pool_planes(const float* x, float* out, int64_t planes, int64_t H, int64_t W, const PoolWindow& w);
void max_pool_planes(const double* x, double* out, int64_t planes, int64_t H, int64_t W, const PoolWindow& w);

// max_pool_grad on one thread for `planes` planes of x (H, W) and g (H', W'):
// gx (shaped like those planes of x) is written whole, g at each window's
// first maximum and 0 elsewhere. The same values as the op.
void max_pool_grad_planes(const float* x, const float* g, float* gx, int64_t planes, int64_t H, int64_t W,
                          const PoolWindow& w);
void max_pool_grad_planes(const double* x, const double* g, double* gx, int64_t planes, int64_t H, int64_t W,
                          const PoolWindow& w);

}  // namespace nabla
