// RandomStreams: reproducible, advancing through default updates, right moments.
#include <doctest/doctest.h>

#include <cmath>
#include <set>

#include "op_table.hpp"

using namespace nabla;

namespace {

Var f64(const Var& b) { return cast(b, DType::Float64); }

Tensor ones(int64_t n) { return Tensor::full(DType::Float64, {n}, 1.0); }

// Random rows check values that must hold for every draw: 1 where they do.
const bool row_uniform = add_op_row(
    {"random_uniform", {ints({5}, {})},
     [](const std::vector<Var>& v) {
       RandomStreams rs(3);
       Var u = rs.uniform({Dim(v[0])}, -2.0, 3.0, DType::Float64);
       return f64(ge(u, constant(-2.0, DType::Float64))) * f64(lt(u, constant(3.0, DType::Float64)));
     },
     {}, 0, [](const std::vector<Tensor>&) { return ones(5); }});

const bool row_normal = add_op_row(
    {"random_normal", {ints({6}, {})},
     [](const std::vector<Var>& v) {
       RandomStreams rs(4);
       Var n = rs.normal({Dim(v[0])}, 0.0, 1.0, DType::Float64);
       return f64(lt(abs(n), constant(50.0, DType::Float64)));
     },
     {}, 0, [](const std::vector<Tensor>&) { return ones(6); }});

const bool row_binomial = add_op_row(
    {"random_binomial", {ints({7}, {}, DType::Int32)},
     [](const std::vector<Var>& v) {
       RandomStreams rs(5);
       Var b = rs.binomial({Dim(v[0])}, 4, 0.3, DType::Int64);
       return f64(ge(b, constant(0, DType::Int64))) * f64(le(b, constant(4, DType::Int64)));
     },
     {}, 0, [](const std::vector<Tensor>&) { return ones(7); }});

const bool row_rng_advance = add_op_row(
    {"rng_advance", {},
     [](const std::vector<Var>&) {
       RandomStreams rs(6);
       Var state = rs.uniform({2}).inputs()[0];
       return sub(state.default_update(), state);  // [seed, counter+1] - [seed, counter]
     },
     {}, 0, [](const std::vector<Tensor>&) { return Tensor::from<int64_t>({0, 1}, {2}); }});

double mean_of(const Tensor& t) {
  double s = 0;
  for (int64_t i = 0; i < t.size(); ++i) s += t.at(i);
  return s / double(t.size());
}

double var_of(const Tensor& t) {
  const double m = mean_of(t);
  double s = 0;
  for (int64_t i = 0; i < t.size(); ++i) s += (t.at(i) - m) * (t.at(i) - m);
  return s / double(t.size());
}

}  // namespace

TEST_CASE("random: the same seed gives the same numbers, another seed others") {
  RandomStreams a(42), b(42), c(43);
  Tensor ua = eval(a.uniform({100})), ub = eval(b.uniform({100})), uc = eval(c.uniform({100}));
  CHECK(ua.to_vector() == ub.to_vector());
  CHECK(ua.to_vector() != uc.to_vector());
  // Successive draws of one object are different streams.
  Tensor ua2 = eval(a.uniform({100}));
  CHECK(ua.to_vector() != ua2.to_vector());
  // eval never applies updates: the same graph evaluates to the same numbers.
  Var n = a.normal({10});
  CHECK(eval(n).to_vector() == eval(n).to_vector());
  CHECK(ua.dtype() == floatX);
}

TEST_CASE("random: a compiled function draws new numbers on every call") {
  RandomStreams rs(7);
  Var u = rs.uniform({4, 5});
  Var state = u.inputs()[0];
  CHECK(state.role() == Role::Shared);
  Function f = function({}, {u});
  Tensor first = f()[0].copy();
  Tensor second = f()[0].copy();
  Tensor third = f()[0].copy();
  CHECK(first.shape() == Shape{4, 5});
  CHECK(first.to_vector() != second.to_vector());
  CHECK(second.to_vector() != third.to_vector());
  CHECK(state.get_value().iat(1) == 3);  // the counter advanced once per call
  // Reseeding restarts the sequence, and matches a fresh stream with that seed.
  rs.seed(7);
  CHECK(f()[0].to_vector() == first.to_vector());
  RandomStreams fresh(7);
  CHECK(eval(fresh.uniform({4, 5})).to_vector() == first.to_vector());
  rs.seed(8);
  CHECK(f()[0].to_vector() != first.to_vector());
}

TEST_CASE("random: symbolic shapes") {
  RandomStreams rs(9);
  Var n = lscalar("n");
  Var u = rs.normal({Dim(n), 3});
  CHECK(u.shape() == Shape{-1, 3});
  Tensor t = eval(u, {{n, Tensor::scalar<int64_t>(4)}});
  CHECK(t.shape() == Shape{4, 3});
  Function f = function({n}, {u});
  CHECK(f({Tensor::scalar<int64_t>(2)})[0].shape() == Shape{2, 3});
  CHECK_THROWS_AS(eval(u, {{n, Tensor::scalar<int64_t>(-1)}}), ValueError);
}

TEST_CASE("random: sample moments") {
  RandomStreams rs(2024);
  const int64_t N = 200000;
  Tensor u = eval(rs.uniform({N}, 2.0, 5.0, DType::Float64));
  CHECK(mean_of(u) == doctest::Approx(3.5).epsilon(0.005));
  CHECK(var_of(u) == doctest::Approx(0.75).epsilon(0.02));
  double lo = 1e9, hi = -1e9;
  for (int64_t i = 0; i < N; ++i) lo = std::min(lo, u.at(i)), hi = std::max(hi, u.at(i));
  CHECK(lo >= 2.0);
  CHECK(hi < 5.0);

  Tensor g = eval(rs.normal({N}, 1.0, 2.0, DType::Float64));
  CHECK(std::fabs(mean_of(g) - 1.0) < 0.03);
  CHECK(var_of(g) == doctest::Approx(4.0).epsilon(0.03));
  // Tails: about 4.55% of samples beyond 2 standard deviations.
  int64_t beyond = 0;
  for (int64_t i = 0; i < N; ++i) beyond += std::fabs(g.at(i) - 1.0) > 4.0;
  CHECK(double(beyond) / N == doctest::Approx(0.0455).epsilon(0.1));

  Tensor f = eval(rs.uniform({1000}, 0.0, 1.0, DType::Float32));
  CHECK(f.dtype() == DType::Float32);
  for (int64_t i = 0; i < f.size(); ++i) CHECK((f.at(i) >= 0.0 && f.at(i) < 1.0));
}

TEST_CASE("random: binomial values are counts in 0..n with mean n*p") {
  RandomStreams rs(11);
  const int64_t N = 100000;
  Tensor b = eval(rs.binomial({N}, 5, 0.3));
  CHECK(b.dtype() == floatX);
  std::set<double> seen;
  for (int64_t i = 0; i < N; ++i) seen.insert(b.at(i));
  CHECK(*seen.begin() == 0.0);
  CHECK(*seen.rbegin() == 5.0);
  for (double v : seen) CHECK(v == std::floor(v));
  CHECK(mean_of(b) == doctest::Approx(1.5).epsilon(0.01));
  CHECK(var_of(b) == doctest::Approx(1.05).epsilon(0.03));
  // Dropout masks: n = 1.
  Tensor m = eval(rs.binomial({N}, 1, 0.8, DType::Int32));
  CHECK(m.dtype() == DType::Int32);
  CHECK(mean_of(m) == doctest::Approx(0.8).epsilon(0.01));
  CHECK_THROWS_AS(rs.binomial({3}, 1, 1.5), ValueError);
  CHECK_THROWS_AS(rs.uniform({3}, 0, 1, DType::Int32), TypeError);
}

TEST_CASE("random: binomial draws large enough to split over threads are the same on 1 and 2 threads") {
  // 300,001 elements: several chunks per thread and a ragged last one. Each
  // element depends on (state, index) only, so the split must not show.
  const int before = num_threads();
  for (int64_t trials : {1, 3}) {
    INFO("trials " << trials);
    std::vector<Tensor> got;
    for (int threads : {1, 2}) {
      set_num_threads(threads);
      RandomStreams rs(21);
      got.push_back(eval(rs.binomial({300001}, trials, 0.35, DType::Float32)));
    }
    REQUIRE(got[0].size() == got[1].size());
    int64_t differ = 0;
    for (int64_t i = 0; i < got[0].size(); ++i) differ += got[0].at(i) != got[1].at(i);
    CHECK(differ == 0);
    CHECK(mean_of(got[1]) == doctest::Approx(0.35 * double(trials)).epsilon(0.01));
  }
  set_num_threads(before);
}
