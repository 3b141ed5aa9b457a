// The trainer under mpirun (ctest runs these cases with -np 2 and -np 3; in the
// plain suite they run in one process): after every step all ranks hold the
// same parameters, and after the epoch they equal one process trained on the
// same global mini-batches (float64, 1e-12).
#include <doctest/doctest.h>

#include <cmath>

#include "core/distributed.hpp"
#include "nabla.hpp"

using namespace nabla;

namespace {

// A [5, 3] sigmoid layer with a quadratic cost and L2 weight decay, its
// parameters drawn from `seed` (each rank passes a different one: the trainer
// must start every rank from rank 0's).
struct Model {
  Var x = matrix("x", DType::Float64), y = matrix("y", DType::Float64);
  Var W, b;
  explicit Model(unsigned seed) {
    Tensor w(DType::Float64, {5, 3}), bb(DType::Float64, {3});
    for (int64_t i = 0; i < w.size(); ++i) w.data<double>()[i] = std::sin(1.7 * double(i + 1) * double(seed));
    for (int64_t i = 0; i < bb.size(); ++i) bb.data<double>()[i] = std::cos(0.3 * double(i) + double(seed));
    W = shared(w, "W");
    b = shared(bb, "b");
  }
  optim::Objective objective(int64_t n) const {
    optim::Objective o;
    o.x = x;
    o.y = y;
    o.cost = 0.5 * mean(sum(sqr(sigmoid(dot(x, W) + b) - y), 1));
    o.params = {W, b};
    o.weight_decay = {constant(0.1 / double(n), DType::Float64)};
    return o;
  }
};

optim::SharedData data(int64_t n) {
  Tensor xs(DType::Float64, {n, 5}), ys = Tensor::zeros(DType::Float64, {n, 3});
  for (int64_t i = 0; i < xs.size(); ++i) xs.data<double>()[i] = std::sin(0.37 * double(i) * double(i % 7 + 1));
  for (int64_t r = 0; r < n; ++r) ys.data<double>()[r * 3 + r % 3] = 1.0;
  return optim::share_data(xs, ys, "toy");
}

double spread_over_ranks(const Var& v) {  // max |mine - rank 0's|, the max over ranks
  Tensor root = v.value_ref().copy();
  distributed::broadcast(root, 0);
  double worst = 0;
  for (int64_t i = 0; i < root.size(); ++i)
    worst = std::max(worst, std::abs(root.data<double>()[i] - v.value_ref().data<double>()[i]));
  Tensor all = Tensor::scalar<double>(worst);
  distributed::allreduce(all, distributed::Reduce::Sum);
  return all.item();
}

double max_diff(const Tensor& a, const Tensor& b) {
  double d = 0;
  for (int64_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a.data<double>()[i] - b.data<double>()[i]));
  return d;
}

// n = 30, m = 12: two full mini-batches and a tail of 6, so each divides over 2 and 3 ranks.
void check_equals_one_process(bool shuffle, std::shared_ptr<optim::Optimizer> (*make_opt)()) {
  const int64_t n = 30;
  optim::TrainerOptions t;
  t.mini_batch_size = 12;
  t.shuffle = shuffle;
  t.progress = false;
  Tensor ref_W, ref_b;
  double ref_cost = 0;
  {
    distributed::LocalScope one_process;
    Model m(1);
    optim::Trainer ref(m.objective(n), make_opt(), data(n), t);
    ref.fit(2);
    ref_W = m.W.value_ref().copy();
    ref_b = m.b.value_ref().copy();
    ref_cost = ref.result().epochs.back().training_cost;
  }
  Model m(1 + unsigned(distributed::rank()));  // different on every rank until the trainer starts them together
  double worst_spread = 0;
  int64_t steps = 0;
  t.every_n_steps = {1, [&](int64_t) {
                       worst_spread = std::max({worst_spread, spread_over_ranks(m.W), spread_over_ranks(m.b)});
                       ++steps;
                     }};
  optim::Trainer stepped(m.objective(n), make_opt(), data(n), t);
  stepped.fit(2);
  worst_spread = std::max({worst_spread, spread_over_ranks(m.W), spread_over_ranks(m.b)});
  CHECK(steps == 6);
  CHECK(worst_spread == 0.0);
  CHECK(max_diff(m.W.value_ref(), ref_W) < 1e-12);
  CHECK(max_diff(m.b.value_ref(), ref_b) < 1e-12);
  CHECK(std::abs(stepped.result().epochs.back().training_cost - ref_cost) < 1e-12);
}

}  // namespace

TEST_CASE("mpi: the collectives across ranks: sums, broadcast and reduce from a root, bucketed or not") {
  const int n = distributed::size(), r = distributed::rank(), root = n - 1;
  Var x = input(DType::Float64, Shape{2}, "x");
  Var c = input(DType::Float64, Shape{3}, "c");
  Function f = function({x, c}, {allreduce(x, "sum"), allreduce(c, "sum"), broadcast(x, root), reduce_to_root(x, root)});
  CHECK(f.program_text().find("concatenate") != std::string::npos);  // the two allreduces went as one
  const Tensor xv = Tensor::from<double>({double(r), 1.0}, {2});
  const Tensor cv = Tensor::from<double>({double(r), 2.0 * r, 3.0}, {3});
  distributed::reset_stats();
  const auto out = f({xv, cv});
  const double rank_sum = n * (n - 1) / 2.0;
  CHECK(out[0].values<double>() == std::vector<double>{rank_sum, double(n)});
  CHECK(out[1].values<double>() == std::vector<double>{rank_sum, 2.0 * rank_sum, 3.0 * n});
  CHECK(out[2].values<double>() == std::vector<double>{double(root), 1.0});
  CHECK(out[3].values<double>() ==
        (r == root ? std::vector<double>{rank_sum, double(n)} : std::vector<double>{0.0, 0.0}));
  if (n > 1) CHECK(distributed::stats().calls == 3);  // one bucketed allreduce, one broadcast, one reduce
}

TEST_CASE("mpi: trainer with slices and SGD equals one process on the same global mini-batches") {
  check_equals_one_process(false, [] { return std::shared_ptr<optim::Optimizer>(std::make_shared<optim::SGD>(0.5)); });
}

TEST_CASE("mpi: trainer with shuffled gathered rows and momentum equals one process") {
  check_equals_one_process(true, [] {
    return std::shared_ptr<optim::Optimizer>(std::make_shared<optim::Momentum>(0.5, 0.9));
  });
}

TEST_CASE("mpi: sharded evaluation gives the one-process accuracy") {
  const int64_t n = 30;
  Model m(3);
  optim::SharedData d = data(n);
  Var correct = sum(cast(eq(argmax(sigmoid(dot(m.x, m.W) + m.b), 1), argmax(m.y, 1)), DType::Float64));
  optim::Evaluator all(m.x, m.y, correct, d, 7);
  double local = 0;
  {
    distributed::LocalScope one_process;
    local = all();
  }
  CHECK(all() == local);
}

TEST_CASE("mpi: a mini-batch that does not divide over the ranks is refused naming m and N") {
  if (!distributed::active()) return;  // any m divides over one process
  const int64_t n = 30, m = 2 * distributed::size() + 1;
  optim::TrainerOptions t;
  t.mini_batch_size = m;
  Model model(1);
  const std::string expected = "mini-batch of " + std::to_string(m) + " examples does not divide over " +
                               std::to_string(distributed::size()) + " MPI ranks";
  CHECK_THROWS_WITH_AS(optim::Trainer(model.objective(n), std::make_shared<optim::SGD>(0.1), data(n), t),
                       doctest::Contains(expected.c_str()), ValueError);
}

TEST_CASE("mpi: random streams are split per rank (rank 0 keeps one process's), reproducibly") {
  auto draws = [](bool together) {
    RandomStreams rs(5);
    Function f = function({}, {rs.uniform({6}, 0.0, 1.0, DType::Float64)});
    if (together) optim::detail::start_ranks_together(f.update_targets());
    std::vector<double> a = f({})[0].values<double>(), b = f({})[0].values<double>();
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  std::vector<double> alone;
  {
    distributed::LocalScope one_process;
    alone = draws(false);
  }
  const std::vector<double> mine = draws(true);
  CHECK(draws(true) == mine);  // the same per-rank stream every run
  Tensor t = Tensor::from<double>(mine, {int64_t(mine.size())}), root = t.copy();
  distributed::broadcast(root, 0);
  if (distributed::rank() == 0) CHECK(mine == alone);
  else CHECK(max_diff(t, root) > 0.01);  // another rank draws other masks
}
