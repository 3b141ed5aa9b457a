// The blas family's op classes that rewrites match by type, with their
// transpose flags (kernels in ops/blas.cpp and ops/gemm_acc.cpp).
#pragma once
#include "core/op.hpp"

namespace nabla {

// matmul(a, b) = op(a) @ op(b), op transposing where trans_a() / trans_b().
class MatmulOp : public Op {
 public:
  bool trans_a() const { return trans_a_; }
  bool trans_b() const { return trans_b_; }

 protected:
  MatmulOp(bool trans_a, bool trans_b) : trans_a_(trans_a), trans_b_(trans_b) {}

 private:
  bool trans_a_, trans_b_;
};

// gemm_acc(c, alpha, a, b) = c + alpha * op(a) @ op(b), one GEMM with beta = 1;
// gemm_acc(c, alpha, a, b, beta) = beta * c + alpha * op(a) @ op(b).
class GemmAccOp : public Op {
 public:
  bool trans_a() const { return trans_a_; }
  bool trans_b() const { return trans_b_; }

 protected:
  GemmAccOp(bool trans_a, bool trans_b) : trans_a_(trans_a), trans_b_(trans_b) {}

 private:
  bool trans_a_, trans_b_;
};

}  // namespace nabla
