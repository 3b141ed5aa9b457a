// allreduce, broadcast, reduce_to_root in one process (identities, with their
// gradients checked by the op table) and the bucketing rewrite. Under mpirun
// the same ops are checked across ranks by tests/test_data_parallel.cpp; these
// cases run in a LocalScope (one process) there too.
#include <doctest/doctest.h>

#include <cstdlib>

#include "core/distributed.hpp"
#include "nabla.hpp"
#include "op_table.hpp"

using namespace nabla;

namespace {
auto identity = [](const std::vector<Tensor>& t) { return t[0]; };
const bool row_allreduce_sum = add_op_row({"allreduce", {sample({3, 4}, -1, 1, 601)},
                                           [](const std::vector<Var>& v) { return allreduce(v[0], "sum"); }, {0}, 2,
                                           identity});
const bool row_allreduce_mean = add_op_row({"allreduce", {sample({5}, -1, 1, 602)},
                                            [](const std::vector<Var>& v) { return allreduce(v[0], "mean"); }, {0},
                                            2, identity});
const bool row_broadcast = add_op_row({"broadcast", {sample({2, 3}, -1, 1, 603)},
                                       [](const std::vector<Var>& v) { return broadcast(v[0], 0); }, {0}, 2,
                                       identity});
const bool row_reduce_to_root = add_op_row({"reduce_to_root", {sample({4}, -1, 1, 604)},
                                            [](const std::vector<Var>& v) { return reduce_to_root(v[0], 0); }, {0},
                                            2, identity});

int count_steps(const Function& f, const std::string& op) {
  const std::string text = f.program_text();
  int n = 0;
  for (size_t at = text.find(op); at != std::string::npos; at = text.find(op, at + 1)) ++n;
  return n;
}

struct ThreeGradients {
  Var x = input(DType::Float64, Shape{4, 3}, "x");
  Var W = shared(Tensor::full(DType::Float64, {3, 2}, 0.5), "W");
  Var b = shared(Tensor::full(DType::Float64, {2}, 0.1), "b");
  Var c = shared(Tensor::full(DType::Float64, {2}, 2.0), "c");
  std::vector<Var> averaged() {
    Var cost = mean(sum(sqr(tanh(dot(x, W) + b) * c), 1));
    std::vector<Var> g = grad(cost, {W, b, c});
    for (Var& gi : g) gi = allreduce(gi, "mean");
    return g;
  }
};
}  // namespace

TEST_CASE("collectives: one process is rank 0 of 1 and every collective is the identity") {
  distributed::LocalScope one_process;
  CHECK(distributed::rank() == 0);
  CHECK(distributed::size() == 1);
  Var x = input(DType::Float32, Shape{3}, "x");
  const Tensor xv = Tensor::from<float>({1, -2, 3}, {3});
  Function f = function({x}, {allreduce(x, "sum"), allreduce(x, "mean"), broadcast(x, 0), reduce_to_root(x, 0)});
  for (const Tensor& t : f({xv})) CHECK(t.values<float>() == xv.values<float>());
}

TEST_CASE("collectives: bad arguments are refused with errors naming them") {
  Var x = input(DType::Float32, Shape{3}, "x");
  CHECK_THROWS_WITH_AS(allreduce(x, "max"), doctest::Contains("\"sum\" or \"mean\""), ValueError);
  CHECK_THROWS_WITH_AS(broadcast(x, -1), doctest::Contains("root must be >= 0"), ValueError);
  Var i = input(DType::Int32, Shape{3}, "i");
  CHECK_THROWS_WITH_AS(allreduce(i, "mean"), doctest::Contains("float32/64"), TypeError);
  CHECK_NOTHROW(allreduce(i, "sum"));
  Var bits = input(DType::Bool, Shape{3}, "bits");
  CHECK_THROWS_AS(broadcast(bits, 0), TypeError);
}

TEST_CASE("collectives: gradients are the adjoint collectives (allreduce -> allreduce, broadcast <-> reduce_to_root)") {
  Var x = input(DType::Float64, Shape{3}, "x");
  CHECK(grad(sum(allreduce(x, "mean")), {x})[0].op()->signature() == "allreduce{op=mean}");
  CHECK(grad(sum(allreduce(x, "sum")), {x})[0].op()->signature() == "allreduce{op=sum}");
  CHECK(grad(sum(broadcast(x, 1)), {x})[0].op()->signature() == "reduce_to_root{root=1}");
  CHECK(grad(sum(reduce_to_root(x, 1)), {x})[0].op()->signature() == "broadcast{root=1}");
}

TEST_CASE("collectives: a function's independent allreduces are bucketed into one call, with the same values") {
  distributed::LocalScope one_process;
  ThreeGradients net;
  const Tensor xv = Tensor::full(DType::Float64, {4, 3}, 0.3);
  Function bucketed = function({net.x}, net.averaged());
  CHECK(count_steps(bucketed, "allreduce") == 1);
  setenv("NABLA_MPI_BUCKET", "0", 1);
  Function per_tensor = function({net.x}, net.averaged());
  unsetenv("NABLA_MPI_BUCKET");
  CHECK(count_steps(per_tensor, "allreduce") == 3);
  const auto a = bucketed({xv});
  std::vector<std::vector<double>> got;
  for (const Tensor& t : a) got.push_back(t.values<double>());
  const auto b = per_tensor({xv});
  for (size_t k = 0; k < b.size(); ++k) {
    CHECK(a[k].shape() == b[k].shape());
    CHECK(got[k] == b[k].values<double>());
  }
}

TEST_CASE("collectives: an allreduce fed by another allreduce is not bucketed with it (no cycle)") {
  distributed::LocalScope one_process;
  Var x = input(DType::Float64, Shape{3}, "x");
  Var first = allreduce(x * 2.0, "sum");
  Function f = function({x}, {first, allreduce(first + 1.0, "sum")});
  CHECK(count_steps(f, "allreduce") == 2);
  const auto out = f({Tensor::from<double>({1, 2, 3}, {3})});
  CHECK(out[1].values<double>() == std::vector<double>{3, 5, 7});
}
