// A chain of elementwise ops compiled into one loop: the Fuse phase
// (ops/elementwise_fusion.cpp) replaces a subgraph of float unary/binary ops by
// one FusedElementwiseOp node whose inputs are the subgraph's outside inputs.
// The loop walks the output in chunks that stay in L1; per chunk each input is
// read once (broadcast inputs gathered), the ops run through the same kernels as
// the unfused ops (ops/elementwise_kernels.hpp), and the result is written once.
#pragma once
#include <cstdint>
#include <vector>

#include "ops/elementwise_kernels.hpp"

namespace nabla {

// One instruction: r[n_inputs + k] = fn(r[a]) or fn(r[a], r[b]), where r[0..n_inputs)
// are the node's inputs broadcast to the output shape. Comparisons give 0 or 1
// in the loop's dtype (they are fused only under a cast to it).
struct FusedInstr {
  bool binary = false;
  uint8_t fn = 0;  // a UnaryFn or a BinaryFn
  int a = 0, b = 0;
};

class FusedElementwiseOp final : public Op {
 public:
  FusedElementwiseOp(DType dtype, int n_inputs, std::vector<FusedInstr> program);
  std::string name() const override { return "fused_elementwise"; }
  // The program as an expression of the inputs: "sigmoid(add(%0,%1))".
  std::string params() const override;
  Type infer(const InputInfos& in) const override;
  void perform(const Tensor* const* in, int n_in, Tensor& out) const override;
  // Fusion runs after grad() and stabilization, so fused nodes are never differentiated.
  std::vector<Var> pullback(const std::vector<Var>& in, const Var& out, const Var& g) const override;
  // Any input with the output's shape may be overwritten: each element is read
  // before the same element of the output is written.
  bool may_overwrite_input(int k) const override { return k >= 0 && k < n_inputs_; }

  DType dtype() const { return dtype_; }
  int n_inputs() const { return n_inputs_; }
  const std::vector<FusedInstr>& program() const { return program_; }

 private:
  template <class T> void run(const Tensor* const* in, Tensor& out) const;

  DType dtype_;
  int n_inputs_;
  std::vector<FusedInstr> program_;
  // Each instruction's kernels, looked up once here rather than per chunk.
  struct Kernels {
    UnaryKernel<float> u32 = nullptr;
    UnaryKernel<double> u64 = nullptr;
    BinaryKernel<float> b32 = nullptr;
    BinaryKernel<double> b64 = nullptr;
  };
  std::vector<Kernels> kernels_;
  std::vector<int> scratch_of_;  // register -> scratch slot for instruction results (-1: inputs)
  int n_scratch_ = 0;
};

// Fuses the elementwise subgraph under `root` whose nodes have no reader outside
// it (what the Fuse phase does to every such subgraph); returns root itself when
// there is nothing to fuse. For tests and the op table.
Var fuse_elementwise(const Var& root);

// Rebuilds a FusedElementwiseOp from its params() text (the op's factory;
// ops/fused_elementwise_parse.cpp). Each named result rN lands in register N again.
class OpParams;
std::shared_ptr<const Op> parse_fused_elementwise(const OpParams& p);
const char* binary_name(BinaryFn fn);

}  // namespace nabla
