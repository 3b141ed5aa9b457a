// The nnet family's op classes that rewrites match by type (kernels in
// ops/nnet.cpp and ops/nnet_xent.cpp).
#pragma once
#include "core/op.hpp"

namespace nabla {

// softmax(x), or log_softmax(x) where is_log(), over the last axis.
class SoftmaxOp : public Op {
 public:
  bool is_log() const { return log_; }

 protected:
  explicit SoftmaxOp(bool log) : log_(log) {}

 private:
  bool log_;
};

// softmax_xent(z, labels): -log(softmax(z))[i, labels[i]] per row, stably.
class SoftmaxXentOp : public Op {
 protected:
  SoftmaxXentOp() = default;
};

// softmax_xent_grad(z, labels, g): softmax_xent's gradient.
class SoftmaxXentGradOp : public Op {
 protected:
  SoftmaxXentGradOp() = default;
};

}  // namespace nabla
