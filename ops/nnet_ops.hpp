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

// class_labels(labels, z, what): see below.
class ClassLabelsOp : public Op {
 protected:
  ClassLabelsOp() = default;
};

// The fused form of take2d(log_softmax(z), arange(n), labels) that the
// stabilize rewrite builds: like softmax_xent, but negative labels count from
// the end of the row as that indexing does (softmax_xent refuses them).
Var softmax_xent_indexing(const Var& z, const Var& labels, Loc loc);
Var softmax_xent_grad_indexing(const Var& z, const Var& labels, const Var& gout, Loc loc);

// labels unchanged (a view), after checking at run time that each is a class
// index of z's rows, in [0, z.shape[1]); otherwise an IndexError that names
// `what` (the user's op, e.g. "categorical_crossentropy"), the label and its
// position. Costs put it in front of numpy-style indexing, which would wrap -1.
Var class_labels(const Var& labels, const Var& z, const std::string& what, Loc loc = Loc::current());

}  // namespace nabla
