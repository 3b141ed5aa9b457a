#include "core/run_profile.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <numeric>

#include "core/program.hpp"

namespace nabla {

bool RunProfile::requested_by_environment() {
  static const bool on = [] {
    const char* env = std::getenv("NABLA_PROFILE");
    return env && std::string(env) == "1";
  }();
  return on;
}

namespace {
std::string row(double seconds, double total, uint64_t calls, int count, const std::string& what) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "  %6.1f%%  %10.3f s  %10.2f us/call  %4d  ", total > 0 ? 100 * seconds / total : 0.0,
                seconds, calls ? 1e6 * seconds / double(calls) : 0.0, count);
  return buf + what + "\n";
}
}  // namespace

std::string RunProfile::table(const std::vector<Step>& steps) const {
  const double total = std::accumulate(step_seconds.begin(), step_seconds.end(), 0.0);
  struct Sum { double seconds = 0; int steps = 0; };
  std::map<std::string, Sum> by_op;
  for (size_t i = 0; i < steps.size() && i < step_seconds.size(); ++i) {
    Sum& s = by_op[steps[i].op->name()];
    s.seconds += step_seconds[i];
    ++s.steps;
  }
  std::vector<std::pair<std::string, Sum>> ops(by_op.begin(), by_op.end());
  std::sort(ops.begin(), ops.end(), [](const auto& a, const auto& b) { return a.second.seconds > b.second.seconds; });
  std::string out = "nabla profile: " + std::to_string(calls) + " calls, " + std::to_string(steps.size()) +
                    " steps, " + std::to_string(total) + " s in steps\n  per op:      share     seconds        per call  steps  op\n";
  for (const auto& [name, s] : ops) out += row(s.seconds, total, calls, s.steps, name);
  std::vector<size_t> order(std::min(steps.size(), step_seconds.size()));
  std::iota(order.begin(), order.end(), size_t(0));
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return step_seconds[a] > step_seconds[b]; });
  out += "  slowest steps:\n";
  for (size_t k = 0; k < order.size() && k < 15; ++k) {
    const Step& st = steps[order[k]];
    out += row(step_seconds[order[k]], total, calls, 1,
               st.op->signature() + " -> " + st.var.type().str() + "  # " + st.var.loc().str());
  }
  return out;
}

}  // namespace nabla
