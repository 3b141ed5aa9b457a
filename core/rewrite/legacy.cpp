#include "core/rewrite/legacy.hpp"

#include "core/registry.hpp"

namespace nabla {

void register_legacy_rewrites() {
  auto add = [](Phase phase, const std::vector<LocalRewrite>& rs) {
    for (const LocalRewrite& r : rs) register_rewrite(NodeRewrite{r.name, phase, {}, r.apply});
  };
  add(Phase::Stabilize, stabilize_rewrites());
}

}  // namespace nabla
