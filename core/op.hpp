// Op: one class per operation. Three duties: infer the output Type when a node
// is built, compute the output at run time (perform), and build the gradient
// from public ops (pullback), so the backward graph is ordinary graph.
#pragma once
#include <string>
#include <vector>

#include "core/var.hpp"

namespace nabla {

class Op {
 public:
  virtual ~Op() = default;
  virtual std::string name() const = 0;
  // Attributes that distinguish two ops of the same name ("axes=(1),keepdims=1").
  // Two ops are interchangeable (and nodes mergeable) iff name and params agree.
  virtual std::string params() const { return ""; }

  // Static type of the output from the input types (dims may be -1). Throws
  // ShapeError/TypeError with a message naming the shapes; apply() adds the op
  // name and user location.
  virtual Type infer(const std::vector<Type>& in) const = 0;

  // Run-time shape of the output from the actual inputs. The default runs
  // infer() on the concrete input types; ops whose output shape depends on
  // input *values* (slices with symbolic bounds, arange, reshape with symbolic
  // dims) override it. Must not allocate.
  virtual Shape out_shape(const Tensor* const* in, int n_in) const;

  // Compute the output into `out`, which already has the right dtype and shape.
  virtual void perform(const Tensor* const* in, int n_in, Tensor& out) const = 0;

  // Gradient of the cost w.r.t. each input, given the gradient `gout` w.r.t.
  // the output `out`. A null Var means no gradient flows into that input
  // (integer inputs, comparisons, indices). Built from public ops only.
  virtual std::vector<Var> pullback(const std::vector<Var>& inputs, const Var& out,
                                    const Var& gout) const = 0;

  // Random ops are never constant-folded or merged.
  // The input whose buffer perform() may overwrite with the output (same dtype
  // and shape), or -1. The planner uses it only when that input is a shared
  // variable this very output updates and nothing later reads its old value.
  virtual int inplace_input() const { return -1; }
  virtual bool is_random() const { return false; }

  std::string signature() const {
    std::string p = params();
    return p.empty() ? name() : name() + "{" + p + "}";
  }
};

// Helper for ops without gradient: every input gets none.
std::vector<Var> no_gradient(const std::vector<Var>& inputs);

}  // namespace nabla
