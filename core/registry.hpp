// The list of every op nabla has: name, family and one line of documentation.
// apply() refuses ops missing here, and the op-table test refuses a registered
// op without a gradient-check row, so a new op cannot slip in untested.
#pragma once
#include <string>
#include <vector>

namespace nabla {

struct OpInfo {
  std::string name;    // as Op::name() returns it
  std::string family;  // "elementwise", "reduction", ...
  std::string doc;
};

const std::vector<OpInfo>& registered_ops();
bool is_registered_op(const std::string& name);

// Called once, from registered_ops(); each family file defines its function.
void register_op(OpInfo info);
void register_elementwise_ops();
void register_reduction_ops();
void register_shape_ops();
void register_indexing_ops();
void register_blas_ops();
void register_nnet_ops();
void register_random_ops();

}  // namespace nabla
