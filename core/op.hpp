// Op: one class per operation. Three duties: infer the output Type when a node
// is built, compute the output at run time (perform), and build the gradient
// from public ops (pullback), so the backward graph is ordinary graph.
#pragma once
#include <string>
#include <vector>

#include "core/var.hpp"

namespace nabla {

// What an op's shape function sees of one input: its dtype and shape (dims may
// be -1 while the graph is built) and, for an integer scalar, its value when it
// is known: a constant's value while building, the actual value at run time.
// Ops whose output shape depends on such a value (slice bounds, reshape dims,
// arange) read it here, so one function serves build time and run time.
struct InputInfo : Type {
  bool has_value = false;
  int64_t value = 0;
};

// The inputs of one node as its shape function sees them (no allocation).
class InputInfos {
 public:
  InputInfos(const InputInfo* p, size_t n) : p_(p), n_(n) {}
  size_t size() const { return n_; }
  const InputInfo& operator[](size_t i) const { return p_[i]; }
  const InputInfo* begin() const { return p_; }
  const InputInfo* end() const { return p_ + n_; }

 private:
  const InputInfo* p_;
  size_t n_;
};

InputInfo input_info(const Var& v);        // a constant integer scalar carries its value
InputInfo input_info(const Tensor& t);     // an integer scalar carries its value

class Op {
 public:
  virtual ~Op() = default;
  virtual std::string name() const = 0;
  // Attributes that distinguish two ops of the same name ("axes=(1),keepdims=1").
  // Two ops are interchangeable (and nodes mergeable) iff name and params agree.
  virtual std::string params() const { return ""; }

  // The op's one shape function: the output Type from what is known of the
  // inputs. While the graph is built some dims (and values) are unknown and the
  // result may have -1 dims; when the program runs everything is known and the
  // result must be fully known. Throws ShapeError/TypeError with a message naming
  // the shapes; apply() and the program add the op name and the user's line.
  // Must not allocate except to throw.
  virtual Type infer(const InputInfos& in) const = 0;

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
  // Whether perform() stays correct when `out` is input k's own buffer (same
  // dtype and shape): each output element is written only after the input
  // elements it depends on were read. The in-place phase then lets the step
  // overwrite an input that nothing reads afterwards (Theano's destroy map).
  virtual bool may_overwrite_input(int k) const { return k >= 0 && k == inplace_input(); }
  virtual bool is_random() const { return false; }
  // Views: >= 0 when the output may share input k's memory instead of a copy
  // (reshape, basic slices, dimshuffles that keep the element order). The
  // program then calls make_view(), which binds `out` (its shape already set) to
  // that memory and returns true, or returns false for these particular values
  // (then perform() copies as usual).
  virtual int view_input() const { return -1; }
  virtual bool make_view(const Tensor* const* in, int n_in, Tensor& out) const { return false; }
  // False when perform() reads only input k's shape, never its elements
  // (fill_like, broadcast_like's reference, shape_i): constant folding then needs
  // only a static shape there, not a constant value.
  virtual bool reads_input_values(int k) const { return true; }

  std::string signature() const {
    std::string p = params();
    return p.empty() ? name() : name() + "{" + p + "}";
  }
};

// The output Type of `op` on `inputs` (build time) and the output shape on actual
// values (run time): both through Op::infer.
Type infer_type(const Op& op, const std::vector<Var>& inputs);
// The output shape on actual values; `scratch` holds n_in InputInfos (the
// program keeps one per step, so nothing is allocated per call).
Shape run_shape(const Op& op, const Tensor* const* in, int n_in, InputInfo* scratch);

// Helper for ops without gradient: every input gets none.
std::vector<Var> no_gradient(const std::vector<Var>& inputs);

}  // namespace nabla
