#include "core/registry.hpp"

#include <mutex>
#include <unordered_set>

#include "core/error.hpp"

namespace nabla {

// Families that register from their own files (ops/conv.cpp, ops/pool.cpp, ops/nnet_xent.cpp).
void register_conv_ops();
void register_pool_ops();
void register_xent_ops();

namespace {
struct Registry {
  std::vector<OpInfo> ops;
  std::unordered_set<std::string> names;
};
Registry* g_building = nullptr;  // set only while the families register

Registry& registry() {
  static Registry r = [] {
    Registry reg;
    g_building = &reg;
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
    g_building = nullptr;
    return reg;
  }();
  return r;
}
}  // namespace

void register_op(OpInfo info) {
  if (!g_building) throw Error("nabla: register_op called outside registry construction");
  if (!g_building->names.insert(info.name).second)
    throw Error("nabla: op '" + info.name + "' registered twice");
  g_building->ops.push_back(std::move(info));
}

const std::vector<OpInfo>& registered_ops() { return registry().ops; }

bool is_registered_op(const std::string& name) { return registry().names.count(name) > 0; }

}  // namespace nabla
