// optim/: each optimizer's symbolic updates against its recursion written with
// plain loops, learning-rate and state handling, argument checks, and the
// training helpers (early stopping, plateau schedule, progress output).
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>

#include "nabla.hpp"

using namespace nabla;
using namespace nabla::optim;

namespace {

using Values = std::vector<double>;
// One step of a reference optimizer on a flat list of values; state lives in the closure.
using ReferenceStep = std::function<void(Values& p, const Values& g)>;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// cost = 0.5 * sum((W - tW)^2) + 0.5 * sum((b - tb)^2), so each gradient is p - t.
struct TinyProblem {
  Values w0 = {0.5, -1.0, 2.0, 0.0, 1.5, -0.25}, tw = {1.0, 0.0, -1.0, 0.5, 0.5, 0.75};
  Values b0 = {0.1, -0.3, 0.8}, tb = {-0.2, 0.4, 0.3};
  Var W = shared(Tensor::from<float>(std::vector<float>(w0.begin(), w0.end()), {2, 3}), "W");
  Var b = shared(Tensor::from<float>(std::vector<float>(b0.begin(), b0.end()), {3}), "b");

  Var cost() const {
    auto half_sq = [](const Var& p, const Values& t, const Shape& s) {
      Var target = constant(Tensor::from<float>(std::vector<float>(t.begin(), t.end()), s));
      return sum(sqr(p - target)) * 0.5;
    };
    return half_sq(W, tw, {2, 3}) + half_sq(b, tb, {3});
  }
  Function step(Optimizer& opt) const {
    std::vector<Var> params = {W, b};
    return function({}, {}, opt.updates(params, grad(cost(), params)));
  }
};

Values minus(const Values& p, const Values& t) {
  Values g(p.size());
  for (size_t i = 0; i < p.size(); ++i) g[i] = p[i] - t[i];
  return g;
}

// Runs `steps` compiled steps and the reference recursion side by side (one
// reference state per parameter) and compares after every step.
void check_against_reference(Optimizer& opt, const std::function<ReferenceStep()>& make_reference, int steps = 3) {
  TinyProblem pb;
  Function step = pb.step(opt);
  Values w = pb.w0, b = pb.b0;
  ReferenceStep ref_w = make_reference(), ref_b = make_reference();
  for (int s = 0; s < steps; ++s) {
    step();
    ref_w(w, minus(w, pb.tw));
    ref_b(b, minus(b, pb.tb));
    CAPTURE(opt.name());
    CAPTURE(s);
    Values got_w = pb.W.get_value().to_vector(), got_b = pb.b.get_value().to_vector();
    for (size_t i = 0; i < w.size(); ++i) CHECK(got_w[i] == doctest::Approx(w[i]).epsilon(1e-5));
    for (size_t i = 0; i < b.size(); ++i) CHECK(got_b[i] == doctest::Approx(b[i]).epsilon(1e-5));
  }
}

}  // namespace

// ---- each optimizer against its recursion --------------------------------------------

TEST_CASE("optim: sgd is p - eta g") {
  SGD opt(0.3);
  check_against_reference(opt, [] {
    return [](Values& p, const Values& g) {
      for (size_t i = 0; i < p.size(); ++i) p[i] -= 0.3 * g[i];
    };
  });
}

TEST_CASE("optim: momentum is v = mu v - eta g; p = p + v") {
  Momentum opt(0.2, 0.9);
  check_against_reference(opt, [] {
    return [v = Values()](Values& p, const Values& g) mutable {
      v.resize(p.size());
      for (size_t i = 0; i < p.size(); ++i) {
        v[i] = 0.9 * v[i] - 0.2 * g[i];
        p[i] += v[i];
      }
    };
  });
}

TEST_CASE("optim: nesterov is v = mu v - eta g; p = p + mu v - eta g") {
  Nesterov opt(0.2, 0.8);
  check_against_reference(opt, [] {
    return [v = Values()](Values& p, const Values& g) mutable {
      v.resize(p.size());
      for (size_t i = 0; i < p.size(); ++i) {
        v[i] = 0.8 * v[i] - 0.2 * g[i];
        p[i] += 0.8 * v[i] - 0.2 * g[i];
      }
    };
  });
}

TEST_CASE("optim: adagrad divides by the root of the summed squared gradients") {
  Adagrad opt(0.5, 1e-6);
  check_against_reference(opt, [] {
    return [r = Values()](Values& p, const Values& g) mutable {
      r.resize(p.size());
      for (size_t i = 0; i < p.size(); ++i) {
        r[i] += g[i] * g[i];
        p[i] -= 0.5 * g[i] / (std::sqrt(r[i]) + 1e-6);
      }
    };
  });
}

TEST_CASE("optim: rmsprop divides by the root of a running mean of squared gradients") {
  RMSProp opt(0.05, 0.8, 1e-6);
  check_against_reference(opt, [] {
    return [r = Values()](Values& p, const Values& g) mutable {
      r.resize(p.size());
      for (size_t i = 0; i < p.size(); ++i) {
        r[i] = 0.8 * r[i] + 0.2 * g[i] * g[i];
        p[i] -= 0.05 * g[i] / (std::sqrt(r[i]) + 1e-6);
      }
    };
  });
}

TEST_CASE("optim: adam uses bias-corrected moments and one step counter") {
  Adam opt(0.1, 0.9, 0.999, 1e-8);
  check_against_reference(opt, [] {
    return [m = Values(), v = Values(), t = 0](Values& p, const Values& g) mutable {
      m.resize(p.size());
      v.resize(p.size());
      ++t;
      for (size_t i = 0; i < p.size(); ++i) {
        m[i] = 0.9 * m[i] + 0.1 * g[i];
        v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
        double m_hat = m[i] / (1 - std::pow(0.9, t));
        double v_hat = v[i] / (1 - std::pow(0.999, t));
        p[i] -= 0.1 * m_hat / (std::sqrt(v_hat) + 1e-8);
      }
    };
  });
}

// ---- behaviour shared by all ------------------------------------------------------------

TEST_CASE("optim: every optimizer goes down an ill-conditioned quadratic bowl in 200 steps") {
  // cost = 0.5 * sum(c * (p - t)^2) with curvatures from 0.5 to 8.
  Tensor curvature = Tensor::from<float>({0.5f, 1.0f, 2.0f, 4.0f, 8.0f}, {5});
  Tensor target = Tensor::from<float>({1.0f, -2.0f, 0.5f, 3.0f, -1.0f}, {5});
  const std::vector<std::pair<std::string, double>> kinds = {
      {"sgd", 0.1}, {"momentum", 0.02}, {"nesterov", 0.02}, {"adagrad", 0.5}, {"rmsprop", 0.02}, {"adam", 0.1}};
  for (const auto& [kind, eta] : kinds) {
    CAPTURE(kind);
    Var p = shared(Tensor::zeros(DType::Float32, {5}), "p");
    Var cost = sum(constant(curvature) * sqr(p - constant(target))) * 0.5;
    auto opt = make_optimizer(kind, eta, 0.9);
    CHECK(opt->name() == kind);
    Function step = function({}, {cost}, opt->updates({p}, grad(cost, {p})));
    double first = step()[0].item(), last = first;
    for (int s = 1; s < 200; ++s) last = step()[0].item();
    MESSAGE(kind << ": cost " << first << " -> " << last);
    CHECK(last < 0.02 * first);
    CHECK(step.stats().last_call_allocations == 0);
  }
}

TEST_CASE("optim: updates keep float32 params float32") {
  for (const char* kind : {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"}) {
    CAPTURE(kind);
    TinyProblem pb;
    auto opt = make_optimizer(kind, 0.1);
    CHECK(opt->learning_rate_var().dtype() == DType::Float32);
    CHECK(opt->learning_rate_var().rank() == 0);
    std::vector<Var> params = {pb.W, pb.b};
    for (const auto& [target, value] : opt->updates(params, grad(pb.cost(), params))) {
      CAPTURE(target.label());
      CHECK(value.type() == target.type());
    }
  }
}

TEST_CASE("optim: an sgd weight update compiles to one GEMM") {
  // p - eta * g with a scalar shared eta is the form the gemm_update rewrite expects.
  Var W = shared(Tensor::zeros(DType::Float32, {4, 3}), "W");
  Var x = matrix("x");
  Var cost = sum(sqr(dot(x, W))) * 0.5;
  SGD opt(0.1);
  Function step = function({x}, {}, opt.updates({W}, grad(cost, {W})));
  int gemm_updates = 0;
  for (const auto& [rewrite, count] : step.rewrites_applied())
    if (rewrite == "gemm_update") gemm_updates += count;
  CHECK(gemm_updates == 1);
}

TEST_CASE("optim: float64 params train too (eta cast to their dtype)") {
  Var p = shared(Tensor::from<double>({1.0, -1.0}, {2}), "p64");
  Var cost = sum(sqr(p)) * 0.5;
  Momentum opt(0.5, 0.5);
  Function step = function({}, {}, opt.updates({p}, grad(cost, {p})));
  step();  // v = -0.5 p0 = (-0.5, 0.5); p = (0.5, -0.5)
  step();  // v = 0.5 v - 0.5 p = (-0.5, 0.5); p = (0, 0)
  CHECK(p.get_value().dtype() == DType::Float64);
  CHECK(p.get_value().to_vector() == Values{0.0, 0.0});
}

TEST_CASE("optim: set_learning_rate changes the step of an already compiled function") {
  Var p = shared(Tensor::from<float>({1.0f}, {1}), "p");
  Var cost = sum(sqr(p)) * 0.5;  // gradient p
  SGD opt(0.5);
  Function step = function({}, {}, opt.updates({p}, grad(cost, {p})));
  step();
  CHECK(p.get_value().item() == doctest::Approx(0.5));
  opt.set_learning_rate(0.0);
  CHECK(opt.learning_rate() == 0.0);
  step();
  CHECK(p.get_value().item() == doctest::Approx(0.5));
  opt.set_learning_rate(0.25);
  CHECK(opt.learning_rate() == doctest::Approx(0.25));
  step();
  CHECK(p.get_value().item() == doctest::Approx(0.375));
}

TEST_CASE("optim: reset_state makes the next step a first step again") {
  // After the reset, the momentum and Adam states (and Adam's step counter) are
  // zero, so the step equals a fresh optimizer's first step from the same point.
  for (const char* kind : {"momentum", "nesterov", "adagrad", "rmsprop", "adam"}) {
    CAPTURE(kind);
    Var p = shared(Tensor::from<float>({2.0f, -1.0f}, {2}), "p");
    Var cost = sum(sqr(p)) * 0.5;
    auto opt = make_optimizer(kind, 0.1, 0.9);
    Function step = function({}, {}, opt->updates({p}, grad(cost, {p})));
    for (int s = 0; s < 3; ++s) step();
    Tensor before = p.get_value();
    opt->reset_state();
    step();
    Values reset_step = p.get_value().to_vector();

    Var q = shared(before, "q");
    Var cost_q = sum(sqr(q)) * 0.5;
    auto fresh = make_optimizer(kind, 0.1, 0.9);
    function({}, {}, fresh->updates({q}, grad(cost_q, {q})))();
    Values fresh_step = q.get_value().to_vector();
    for (size_t i = 0; i < fresh_step.size(); ++i) CHECK(reset_step[i] == doctest::Approx(fresh_step[i]));
  }
}

TEST_CASE("optim: bad arguments are errors that say what is wrong") {
  TinyProblem pb;
  std::vector<Var> params = {pb.W, pb.b};
  std::vector<Var> grads = grad(pb.cost(), params);
  SGD sgd(0.1);
  SUBCASE("one grad too few") { CHECK_THROWS_AS(sgd.updates(params, {grads[0]}), ValueError); }
  SUBCASE("a grad shaped unlike its param names the param") {
    try {
      sgd.updates(params, {grads[0], grads[0]});
      FAIL("no error");
    } catch (const ValueError& e) {
      CHECK(contains(e.what(), "grad of 'b'"));
      CHECK(contains(e.what(), "(2,3)"));
    }
  }
  SUBCASE("a param that is not shared") {
    Var x = vector("x");
    CHECK_THROWS_AS(sgd.updates({x}, {x}), TypeError);
  }
  SUBCASE("negative or non-finite hyper-parameters") {
    CHECK_THROWS_AS(SGD(-0.1), ValueError);
    CHECK_THROWS_AS(sgd.set_learning_rate(-1.0), ValueError);
    CHECK_THROWS_AS(sgd.set_learning_rate(std::nan("")), ValueError);
    CHECK_THROWS_AS(Momentum(0.1, 1.5), ValueError);
    CHECK_THROWS_AS(Nesterov(0.1, -0.1), ValueError);
    CHECK_THROWS_AS(Adagrad(0.1, 0.0), ValueError);
    CHECK_THROWS_AS(RMSProp(0.1, 1.0), ValueError);
    CHECK_THROWS_AS(Adam(0.1, 0.9, 1.0), ValueError);
    CHECK(sgd.learning_rate() == doctest::Approx(0.1));  // a rejected value changes nothing
  }
  SUBCASE("an unknown optimizer name lists the known ones") {
    try {
      make_optimizer("adamw", 0.1);
      FAIL("no error");
    } catch (const ValueError& e) {
      CHECK(contains(e.what(), "adamw"));
      for (const char* known : {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"})
        CHECK(contains(e.what(), known));
    }
  }
}

// ---- training helpers ---------------------------------------------------------------------

TEST_CASE("optim: early stopping after exactly n epochs without a new best") {
  EarlyStopping stop(3);
  const Values accuracy = {0.50, 0.60, 0.60, 0.55, 0.59};  // a tie is not an improvement
  for (size_t e = 0; e < accuracy.size(); ++e) {
    stop.update(accuracy[e]);
    CAPTURE(e);
    CHECK(stop.should_stop() == (e == 4));  // epochs 2, 3, 4 did not improve on epoch 1
  }
  CHECK(stop.best() == doctest::Approx(0.60));
  CHECK(stop.best_epoch() == 1);
  CHECK(stop.epochs_seen() == 5);

  EarlyStopping reset(2);
  for (double a : {0.1, 0.1, 0.2, 0.2}) reset.update(a);  // the new best at epoch 2 restarts the count
  CHECK_FALSE(reset.should_stop());
  reset.update(0.2);
  CHECK(reset.should_stop());

  EarlyStopping never(0);
  for (int e = 0; e < 50; ++e) never.update(-1.0);  // negative metrics: the first still counts as best
  CHECK_FALSE(never.should_stop());
  CHECK(never.best() == -1.0);
  CHECK_THROWS_AS(EarlyStopping(-1), ValueError);
}

TEST_CASE("optim: the plateau schedule halves eta and is done at 1/128") {
  PlateauSchedule schedule(1.0, 2);
  // A flat metric: epoch 0 sets the best, then every second epoch halves eta.
  Values etas;
  while (!schedule.done() && etas.size() < 100) etas.push_back(schedule.update(0.9));
  const Values expected = {1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 1.0 / 16, 1.0 / 16,
                           1.0 / 32, 1.0 / 32, 1.0 / 64, 1.0 / 64, 1.0 / 128};
  CHECK(etas == expected);
  CHECK(schedule.reductions() == 7);
  CHECK(schedule.learning_rate() == 1.0 / 128);
  schedule.update(0.5);  // done: eta stays
  CHECK(schedule.learning_rate() == 1.0 / 128);

  PlateauSchedule improving(0.4, 2);
  for (double a : {0.1, 0.1, 0.2, 0.2, 0.3}) CHECK(improving.update(a) == 0.4);  // improvements reset the count
  CHECK(improving.update(0.3) == 0.4);
  CHECK(improving.update(0.3) == 0.2);
  CHECK_FALSE(improving.done());

  // A tenfold cut reaches 1/1000 after three cuts despite rounding.
  PlateauSchedule tenfold(0.5, 1, 0.1, 1.0 / 1000);
  for (int e = 0; e < 4; ++e) tenfold.update(0.0);
  CHECK(tenfold.done());
  CHECK(tenfold.reductions() == 3);

  CHECK_THROWS_AS(PlateauSchedule(0.0), ValueError);
  CHECK_THROWS_AS(PlateauSchedule(1.0, 0), ValueError);
  CHECK_THROWS_AS(PlateauSchedule(1.0, 10, 1.5), ValueError);
}

namespace {
// What `body` writes to stderr, with NABLA_PROGRESS set to `progress_env`.
std::string stderr_of(const char* progress_env, const std::function<void()>& body) {
  char path[] = "/tmp/nabla_optim_progressXXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  std::fflush(stderr);
  int saved = dup(STDERR_FILENO);
  dup2(fd, STDERR_FILENO);
  setenv("NABLA_PROGRESS", progress_env, 1);
  body();
  std::fflush(stderr);
  unsetenv("NABLA_PROGRESS");
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(fd);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(path);
  return text;
}
}  // namespace

TEST_CASE("optim: progress lines only for long jobs, and only when wanted") {
  auto long_job = [] {  // interval 0: every tick is "later than an interval"
    Progress progress("epochs", 3, 0.0);
    for (int64_t done = 1; done <= 3; ++done) progress.tick(done);
    progress.finish();
  };
  std::string forced = stderr_of("1", long_job);
  CHECK(contains(forced, "epochs: 1/3 ("));
  CHECK(contains(forced, "epochs: 3/3 done in"));
  CHECK(stderr_of("0", long_job).empty());
  // A trainer's progress counts images too (mini-batches of 10 here).
  std::string images = stderr_of("1", [] {
    Progress progress("mini-batches", 3, 0.0, 10);
    for (int64_t done = 1; done <= 3; ++done) progress.tick(done);
  });
  CHECK(contains(images, "mini-batches: 1/3 ("));
  CHECK(contains(images, " images/s, eta "));

  std::string short_job = stderr_of("1", [] {
    Progress progress("quick", 1000, 60.0);
    for (int64_t done = 1; done <= 1000; ++done) progress.tick(done);
    progress.finish();
  });
  CHECK(short_job.empty());
}
