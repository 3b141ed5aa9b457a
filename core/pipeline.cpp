#include "core/pipeline.hpp"

#include <chrono>
#include <map>

#include "core/registry.hpp"
#include "core/rewrite/rewrite.hpp"

namespace nabla {

namespace {
// A phase still changing the graph after this many sweeps has two rewrites
// undoing each other: a bug worth an error, not an endless compile.
constexpr int kMaxSweeps = 50;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

const std::vector<GraphPhase>& graph_phases() {
  static const std::vector<GraphPhase> phases = {
      {"merge", true, Phase::Canonicalize, true},
      {"canonicalize", false, Phase::Canonicalize, false},
      {"stabilize", false, Phase::Stabilize, false},
      {"specialize", false, Phase::Specialize, false},
      {"fuse", false, Phase::Fuse, false},
  };
  return phases;
}

std::vector<Var> optimize_graph(std::vector<Var> roots, const Givens& givens, Mode mode,
                                std::vector<PhaseStats>& stats) {
  for (const GraphPhase& phase : graph_phases()) {
    if (mode == Mode::FastCompile && !phase.in_fast_compile) continue;
    // NanGuard names the first op that produced a NaN: keep ops unfused.
    if (mode == Mode::NanGuard && phase.phase == Phase::Fuse && !phase.merge_only) continue;
    const auto t0 = std::chrono::steady_clock::now();
    std::map<std::string, int> counts;
    PhaseStats ps;
    ps.phase = phase.name;
    for (;;) {
      Rewriter rw(&counts);
      if (phase.merge_only) rw.set_givens(givens);  // substituted once, before any rewrite
      else rw.set_rewrites(registered_rewrites(phase.phase));
      roots = rw.run(roots);
      bool changed = rw.changed();
      if (!phase.merge_only)
        for (const GraphRewrite& g : registered_graph_rewrites(phase.phase)) {
          int fired = 0;
          roots = g.apply(roots, fired);
          if (fired > 0) {
            counts[g.name] += fired;
            changed = true;
          }
        }
      ++ps.sweeps;
      if (!changed || phase.merge_only) break;
      if (ps.sweeps >= kMaxSweeps) {
        std::string fired;
        for (const auto& [name, n] : counts) fired += " " + name + "x" + std::to_string(n);
        throw Error(std::string("nabla: compile: phase '") + phase.name + "' did not settle after " +
                    std::to_string(kMaxSweeps) + " sweeps (rewrites fired:" + fired + ")");
      }
    }
    for (const auto& [name, n] : counts) ps.rewrites.push_back({name, n});
    ps.seconds = seconds_since(t0);
    stats.push_back(std::move(ps));
  }
  return roots;
}

}  // namespace nabla
