// The one list of op families. Each family's register function (in its own
// file) registers its ops with register_op and its rewrites with
// register_rewrite; a new family adds one line here.
#include "core/registry.hpp"

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
void register_legacy_rewrites();  // core/rewrite/*.cpp until they move beside their ops

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
  register_legacy_rewrites();
}

}  // namespace nabla
