// The elementwise op classes, published so rewrites (the fusion pass, the
// stabilizing rules) match them by type and read which function they compute.
// Kernels and gradients live in elementwise_unary.cpp / elementwise_binary.cpp.
#pragma once
#include <cstdint>

#include "core/op.hpp"
#include "core/rewrite/node_rewrite.hpp"

namespace nabla {

// One row each in the unary table (elementwise_unary.cpp); order is the table's.
enum class UnaryFn : uint8_t { Neg, Exp, Log, Log1p, Sqrt, Abs, Sign, Tanh, Sigmoid, Softplus, Erf, Count };

class UnaryOp final : public Op {
 public:
  explicit UnaryOp(UnaryFn fn) : fn_(fn) {}
  UnaryFn fn() const { return fn_; }
  std::string name() const override;
  Type infer(const InputInfos& in) const override;
  void perform(const Tensor* const* in, int n_in, Tensor& out) const override;
  std::vector<Var> pullback(const std::vector<Var>& in, const Var& out, const Var& g) const override;
  bool may_overwrite_input(int k) const override { return k == 0; }

 private:
  UnaryFn fn_;
};

class CastOp final : public Op {
 public:
  explicit CastOp(DType to) : to_(to) {}
  DType to() const { return to_; }
  std::string name() const override { return "cast"; }
  std::string params() const override;
  Type infer(const InputInfos& in) const override;
  void perform(const Tensor* const* in, int n_in, Tensor& out) const override;
  std::vector<Var> pullback(const std::vector<Var>& in, const Var& out, const Var& g) const override;

 private:
  DType to_;
};

enum class BinaryFn : uint8_t { Add, Sub, Mul, Div, Pow, Maximum, Minimum, Eq, Neq, Lt, Le, Gt, Ge, Count };
inline bool is_comparison(BinaryFn f) { return f >= BinaryFn::Eq; }

class BinaryOp final : public Op {
 public:
  explicit BinaryOp(BinaryFn fn) : fn_(fn) {}
  BinaryFn fn() const { return fn_; }
  std::string name() const override;
  Type infer(const InputInfos& in) const override;
  void perform(const Tensor* const* in, int n_in, Tensor& out) const override;
  std::vector<Var> pullback(const std::vector<Var>& x, const Var& out, const Var& g) const override;
  bool may_overwrite_input(int k) const override { return (k == 0 || k == 1) && !is_comparison(fn_); }

 private:
  BinaryFn fn_;
};

// where(cond, a, b) with three-way broadcasting.
class WhereOp final : public Op {
 public:
  std::string name() const override { return "where"; }
  Type infer(const InputInfos& in) const override;
  void perform(const Tensor* const* in, int n_in, Tensor& out) const override;
  std::vector<Var> pullback(const std::vector<Var>& x, const Var& out, const Var& g) const override;
};

// The unary op of the table row `fn` applied to x (integers become floatX for the
// float-only rows), as neg(), exp(), ... do.
Var unary_op(UnaryFn fn, const Var& x, Loc loc = Loc::current());

// Typed matching for rewrites: v computes unary f / binary f.
inline bool is_unary(const Var& v, UnaryFn f) {
  const UnaryOp* op = op_as<UnaryOp>(v);
  return op && op->fn() == f;
}
inline bool is_binary(const Var& v, BinaryFn f) {
  const BinaryOp* op = op_as<BinaryOp>(v);
  return op && op->fn() == f;
}

}  // namespace nabla
