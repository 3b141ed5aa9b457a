// The one list of op families. Each family's register function (in its own
// file) registers its ops with register_op and its rewrites with
// register_rewrite; a new family adds one line here.
#include "core/registry.hpp"
#include "ops/api.hpp"

namespace nabla {

void register_elementwise_ops();
void register_reduction_ops();
void register_shape_ops();
void register_indexing_ops();
void register_blas_ops();
void register_nnet_ops();
void register_random_ops();
void register_conv_ops();
void register_pool_ops();
void register_xent_ops();
void register_gradient_stop_ops();
void register_scan_ops();
void register_collective_ops();

void register_builtin_families() {
  register_elementwise_ops();
  register_reduction_ops();
  register_shape_ops();
  register_indexing_ops();
  register_blas_ops();
  register_nnet_ops();
  register_random_ops();
  register_conv_ops();
  register_pool_ops();
  register_xent_ops();
  register_gradient_stop_ops();
  register_scan_ops();
  register_collective_ops();
  register_grad_algebra(GradAlgebra{
      [](const Var& x, double value, Loc loc) { return fill_like(x, value, loc); },
      [](const Var& a, const Var& b, Loc loc) { return add(a, b, loc); },
      [](const Var& x, DType dtype, Loc loc) { return cast(x, dtype, loc); }});
}

}  // namespace nabla
