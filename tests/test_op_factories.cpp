// Every registered op can be rebuilt from its name and params() text (what
// unpickling a graph does): the registry refuses an op without a factory, and
// every op-table row's graph is rebuilt node by node through make_op and must
// print and compute the same.
#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <unordered_map>

#include "op_table.hpp"

using namespace nabla;

namespace {

// The graph under `out` rebuilt through make_op, over the same leaves.
Var rebuild(const Var& out) {
  std::unordered_map<const VarImpl*, Var> memo;
  for (const Var& v : topo_sort({out})) {
    if (v.is_leaf()) {
      memo[v.impl()] = v;
      continue;
    }
    std::vector<Var> inputs;
    for (const Var& in : v.inputs()) inputs.push_back(memo.at(in.impl()));
    auto op = make_op(v.op()->name(), v.op()->params(), int(inputs.size()));
    Var w = apply(op, inputs, v.loc());
    INFO("node " << v.op()->signature());
    CHECK(w.op()->signature() == v.op()->signature());
    CHECK(w.type() == v.type());
    memo[v.impl()] = w;
  }
  return memo.at(out.impl());
}

bool same_values(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || !(a.shape() == b.shape())) return false;
  for (int64_t i = 0; i < a.size(); ++i)
    if (!(a.at(i) == b.at(i) || (std::isnan(a.at(i)) && std::isnan(b.at(i))))) return false;
  return true;
}

}  // namespace

TEST_CASE("op factories: every registered op has one") {
  for (const OpInfo& info : registered_ops()) {
    INFO("op '" << info.name << "' (" << info.family << ") has no factory (OpInfo::make)");
    CHECK(bool(info.make));
  }
}

TEST_CASE("op factories: every op-table row's graph rebuilds node by node") {
  std::set<std::string> covered;
  for (const OpRow& row : op_rows()) {
    INFO("row " << row.op);
    std::vector<Var> leaves;
    Bindings bind;
    for (size_t k = 0; k < row.inputs.size(); ++k) {
      Var v = input(row.inputs[k].dtype(), row.inputs[k].shape(), "in" + std::to_string(k));
      leaves.push_back(v);
      bind[v] = row.inputs[k];
    }
    Var out = row.build(leaves);
    for (const Var& v : topo_sort({out}))
      if (!v.is_leaf()) covered.insert(v.op()->name());
    Var again = rebuild(out);
    CHECK(!again.same(out));
    CHECK(same_values(eval(again, bind), eval(out, bind)));
  }
  for (const OpInfo& info : registered_ops()) {
    INFO("op '" << info.name << "' appears in no op-table graph, so its factory is untested");
    CHECK(covered.count(info.name) == 1);
  }
}

TEST_CASE("make_op names what is wrong") {
  auto message = [](auto f) {
    try {
      f();
    } catch (const ValueError& e) {
      return std::string(e.what());
    }
    return std::string("no ValueError");
  };
  CHECK(message([] { make_op("no_such_op", "", 1); }).find("no op is named 'no_such_op'") != std::string::npos);
  CHECK(message([] { make_op("sum", "axes=(1)", 1); }).find("'keepdims' is missing") != std::string::npos);
  CHECK(message([] { make_op("sum", "axes=(1),keepdims=2", 1); }).find("'keepdims' must be 0 or 1") !=
        std::string::npos);
  CHECK(message([] { make_op("sum", "axes=(a),keepdims=1", 1); }).find("is not an integer") != std::string::npos);
  CHECK(message([] { make_op("cast", "dtype=float16", 1); }).find("is not a dtype") != std::string::npos);
  // Extra keys would be dropped silently; the printed params then differ.
  CHECK(message([] { make_op("sum", "axes=(1),keepdims=1,extra=3", 1); }).find("was rebuilt as 'sum{axes=(1),keepdims=1}'") !=
        std::string::npos);
  CHECK(message([] { make_op("fused_elementwise", "float32:nosuch(%0)", 1); }).find("unknown function 'nosuch'") !=
        std::string::npos);
  CHECK(make_op("sum", "axes=(0,1),keepdims=0", 1)->signature() == "sum{axes=(0,1),keepdims=0}");
}
