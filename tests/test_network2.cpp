// nn::Network (network2.py on the graph): JSON files in network2's format,
// one SGD step against network2's update written out with plain loops, a short
// MNIST run, the stopping rules and the errors bad input gets.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nabla.hpp"
#include "nn/nn.hpp"

using namespace nabla;

namespace {

using Values = std::vector<double>;

double sigma(double z) { return 1.0 / (1.0 + std::exp(-z)); }

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("nabla_test_network2_" + name)).string();
}

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// n examples of `width` pixels in [0, 1) and labels below `classes`.
nn::Split synthetic(int64_t n, int64_t width, int64_t classes, unsigned seed) {
  nn::Rng rng(seed);
  nn::Split s;
  s.x = Tensor(DType::Float32, {n, width});
  s.y = Tensor(DType::Int32, {n});
  for (int64_t i = 0; i < s.x.size(); ++i) s.x.set(i, rng.uniform());
  for (int64_t i = 0; i < n; ++i) s.y.set(i, double(i % classes));
  return s;
}

// The first n rows of a split (a copy).
nn::Split head(const nn::Split& s, int64_t n) {
  nn::Split out;
  const int64_t cols = s.x.shape()[1];
  out.x = Tensor(DType::Float32, {n, cols});
  out.y = Tensor(DType::Int32, {n});
  std::memcpy(out.x.raw(), s.x.raw(), size_t(n * cols) * sizeof(float));
  std::memcpy(out.y.raw(), s.y.raw(), size_t(n) * sizeof(int32_t));
  return out;
}

// network2.py's arithmetic in double precision with plain loops: weights
// (n_out, n_in) row-major, per-example backprop, update_mini_batch.
struct Network2Reference {
  std::vector<int64_t> sizes;
  std::vector<Values> W, b;
  bool quadratic = false;

  explicit Network2Reference(nn::Network& net) : sizes(net.sizes()), quadratic(net.cost() == nn::Cost::Quadratic) {
    for (auto& layer : net.layers()) {
      W.push_back(layer.W.get_value().to_vector());
      b.push_back(layer.b.get_value().to_vector());
    }
  }

  // w <- (1 - eta lmbda/n) w - (eta/m) sum dC/dw (L2), or w - (eta lmbda/n) sgn(w) - ... (L1).
  void update_mini_batch(const nn::Split& data, const std::vector<int64_t>& batch, double eta, double lmbda,
                         int64_t n, bool l1 = false) {
    const size_t L = W.size();
    std::vector<Values> nw(L), nb(L);
    for (size_t l = 0; l < L; ++l) nw[l].assign(W[l].size(), 0.0), nb[l].assign(b[l].size(), 0.0);
    for (int64_t row : batch) {
      std::vector<Values> acts{Values(static_cast<size_t>(sizes[0]))}, zs;
      for (int64_t i = 0; i < sizes[0]; ++i) acts[0][size_t(i)] = data.x.at(row * sizes[0] + i);
      for (size_t l = 0; l < L; ++l) {
        const int64_t n_in = sizes[l], n_out = sizes[l + 1];
        Values z(static_cast<size_t>(n_out)), a(static_cast<size_t>(n_out));
        for (int64_t j = 0; j < n_out; ++j) {
          double s = b[l][size_t(j)];
          for (int64_t i = 0; i < n_in; ++i) s += W[l][size_t(j * n_in + i)] * acts[l][size_t(i)];
          z[size_t(j)] = s;
          a[size_t(j)] = sigma(s);
        }
        zs.push_back(z);
        acts.push_back(a);
      }
      Values delta = acts[L];
      for (size_t j = 0; j < delta.size(); ++j) {
        delta[j] -= j == size_t(data.y.iat(row)) ? 1.0 : 0.0;
        if (quadratic) delta[j] *= sigma(zs[L - 1][j]) * (1 - sigma(zs[L - 1][j]));
      }
      for (size_t l = L; l-- > 0;) {
        const int64_t n_in = sizes[l], n_out = sizes[l + 1];
        for (int64_t j = 0; j < n_out; ++j) {
          nb[l][size_t(j)] += delta[size_t(j)];
          for (int64_t i = 0; i < n_in; ++i) nw[l][size_t(j * n_in + i)] += delta[size_t(j)] * acts[l][size_t(i)];
        }
        if (l == 0) break;
        Values prev(static_cast<size_t>(n_in), 0.0);
        for (int64_t i = 0; i < n_in; ++i) {
          for (int64_t j = 0; j < n_out; ++j) prev[size_t(i)] += W[l][size_t(j * n_in + i)] * delta[size_t(j)];
          const double s = sigma(zs[l - 1][size_t(i)]);
          prev[size_t(i)] *= s * (1 - s);
        }
        delta = prev;
      }
    }
    const double m = double(batch.size());
    for (size_t l = 0; l < L; ++l) {
      for (size_t k = 0; k < W[l].size(); ++k) {
        const double w = W[l][k];
        const double kept = l1 ? w - eta * lmbda / double(n) * double((w > 0) - (w < 0)) : (1 - eta * lmbda / double(n)) * w;
        W[l][k] = kept - eta / m * nw[l][k];
      }
      for (size_t k = 0; k < b[l].size(); ++k) b[l][k] -= eta / m * nb[l][k];
    }
  }

  void check_against(nn::Network& net, double tol = 1e-5) const {
    for (size_t l = 0; l < W.size(); ++l) {
      const Values got_w = net.layers()[l].W.get_value().to_vector(), got_b = net.layers()[l].b.get_value().to_vector();
      for (size_t k = 0; k < W[l].size(); ++k) CHECK(got_w[k] == doctest::Approx(W[l][k]).epsilon(tol).scale(1.0));
      for (size_t k = 0; k < b[l].size(); ++k) CHECK(got_b[k] == doctest::Approx(b[l][k]).epsilon(tol).scale(1.0));
    }
  }
};

nn::SGDOptions quiet() {
  nn::SGDOptions o;
  o.verbose = false;
  return o;
}

}  // namespace

TEST_CASE("network2: save and load round-trip the network exactly") {
  nn::Network net({5, 4, 3}, nn::Cost::Quadratic, 7);
  const std::string path = temp_path("roundtrip.json");
  net.save(path);
  nn::Network back = nn::Network::load(path);
  CHECK(back.sizes() == net.sizes());
  CHECK(back.cost() == nn::Cost::Quadratic);
  nn::Split data = synthetic(6, 5, 3, 1);
  const Values a = net.feedforward(data.x).to_vector(), b = back.feedforward(data.x).to_vector();
  CHECK(a == b);

  // The file is network2's: weights n_out x n_in, biases n_out x 1, the cost's class name.
  nlohmann::json doc = nlohmann::json::parse(std::ifstream(path));
  CHECK(doc["sizes"] == nlohmann::json({5, 4, 3}));
  CHECK(doc["cost"] == "QuadraticCost");
  REQUIRE(doc["weights"].size() == 2);
  CHECK(doc["weights"][0].size() == 4);
  CHECK(doc["weights"][0][0].size() == 5);
  CHECK(doc["biases"][1].size() == 3);
  CHECK(doc["biases"][1][0].size() == 1);
  CHECK_FALSE(doc.contains("activation"));
  std::remove(path.c_str());
}

TEST_CASE("network2: a hand-written network2 file gives the output computed by hand") {
  const std::string path = temp_path("known.json");
  write_file(path, R"({"sizes": [2, 2, 1],
    "weights": [[[1.0, -1.0], [0.5, 2.0]], [[1.0, -2.0]]],
    "biases": [[[0.0], [1.0]], [[0.5]]],
    "cost": "CrossEntropyCost"})");
  nn::Network net = nn::Network::load(path);
  CHECK(net.cost() == nn::Cost::CrossEntropy);
  const double h0 = sigma(1 * 1 - 1 * 2 + 0), h1 = sigma(0.5 * 1 + 2 * 2 + 1);
  const double out = sigma(1 * h0 - 2 * h1 + 0.5);
  Tensor y = net.feedforward(Tensor::from<float>({1, 2}, {1, 2}));
  CHECK(y.shape() == Shape{1, 1});
  CHECK(y.at(0) == doctest::Approx(out).epsilon(1e-6));
  // One example as a vector gives a vector.
  CHECK(net.feedforward(Tensor::from<float>({1, 2}, {2})).shape() == Shape{1});
  std::remove(path.c_str());
}

TEST_CASE("network2: load errors name the file and the field") {
  const std::string path = temp_path("bad.json");
  CHECK_THROWS_WITH_AS(nn::Network::load(temp_path("missing.json")), doctest::Contains("missing.json"), ValueError);
  write_file(path, "{\"sizes\": [2, 1], ");
  CHECK_THROWS_WITH_AS(nn::Network::load(path), doctest::Contains("bad.json\"): is not valid JSON"), ValueError);
  write_file(path, R"({"sizes": [2, 1], "biases": [[[0.0]]], "cost": "QuadraticCost"})");
  CHECK_THROWS_WITH_AS(nn::Network::load(path), doctest::Contains("field \"weights\" is missing"), ValueError);
  write_file(path, R"({"sizes": [2, 1], "weights": [[[1.0, 2.0, 3.0]]], "biases": [[[0.0]]], "cost": "QuadraticCost"})");
  CHECK_THROWS_WITH_AS(nn::Network::load(path), doctest::Contains("field \"weights[0][0]\" must be a list of 2 numbers"),
                       ValueError);
  write_file(path, R"({"sizes": [2, 1], "weights": [[[1.0, 2.0]]], "biases": [[[0.0], [1.0]]], "cost": "QuadraticCost"})");
  CHECK_THROWS_WITH_AS(nn::Network::load(path), doctest::Contains("field \"biases[0]\" must be a list of 1 rows"),
                       ValueError);
  write_file(path, R"({"sizes": [2, 1], "weights": [[[1.0, 2.0]]], "biases": [[[0.0]]], "cost": "HingeCost"})");
  CHECK_THROWS_WITH_AS(nn::Network::load(path), doctest::Contains("field \"cost\""), ValueError);
  std::remove(path.c_str());
}

TEST_CASE("network2: load checks a file's numbers before it allocates the layers its sizes declare") {
  // 100,000 x 100,000 weights would be 40 GB: a loader that built the network
  // (or a weight tensor) before checking the lists fails with bad_alloc or is
  // killed; this one names the short field.
  const std::string path = temp_path("huge_sizes.json");
  write_file(path, R"({"sizes": [100000, 100000], "weights": [[[1.0]]], "biases": [[[0.0]]], "cost": "QuadraticCost"})");
  CHECK_THROWS_WITH_AS(nn::Network::load(path),
                       doctest::Contains("field \"weights[0]\" must be a list of 100000 rows, got 1 rows"), ValueError);
  std::remove(path.c_str());
}

TEST_CASE("network2: one SGD step is network2's update, L2 and L1, cross-entropy and quadratic") {
  nn::Split data = synthetic(5, 3, 2, 3);
  for (nn::Cost cost : {nn::Cost::CrossEntropy, nn::Cost::Quadratic}) {
    for (bool l1 : {false, true}) {
      CAPTURE(nn::cost_class_name(cost));
      CAPTURE(l1);
      nn::Network net({3, 4, 2}, cost, 11);
      Network2Reference ref(net);
      nn::SGDOptions o = quiet();
      o.lmbda = 0.3;
      o.regularization = l1 ? nn::Regularization::L1 : nn::Regularization::L2;
      // One mini-batch of all five examples: the shuffle cannot change the sum.
      net.SGD(data, 1, 5, 0.5, o);
      ref.update_mini_batch(data, {0, 1, 2, 3, 4}, 0.5, 0.3, 5, l1);
      ref.check_against(net);
    }
  }
}

TEST_CASE("network2: an epoch follows the shuffled order, and a short last mini-batch uses its own m") {
  nn::Split data = synthetic(5, 3, 2, 4);
  nn::Network net({3, 4, 2}, nn::Cost::Quadratic, 5);
  Network2Reference ref(net);
  nn::Rng twin = net.rng();  // the permutation SGD will draw
  const std::vector<int64_t> order = twin.permutation(5);
  nn::SGDOptions o = quiet();
  o.lmbda = 0.2;
  nn::SGDResult r = net.SGD(data, 1, 2, 3.0, o);
  for (size_t first = 0; first < 5; first += 2)
    ref.update_mini_batch(data, std::vector<int64_t>(order.begin() + long(first), order.begin() + long(std::min<size_t>(first + 2, 5))),
                          3.0, 0.2, 5);
  ref.check_against(net);
  CHECK(r.epochs_run == 1);
  CHECK(r.epoch_seconds.size() == 1);
  CHECK(r.learning_rate == std::vector<double>{3.0});
  CHECK(r.evaluation_accuracy.empty());
  CHECK(r.training_cost.empty());
}

TEST_CASE("network2: total_cost and accuracy follow network2 (penalty over the evaluated set's size)") {
  nn::Network net({3, 4, 2}, nn::Cost::CrossEntropy, 9);
  nn::Split data = synthetic(7, 3, 2, 6);
  const Values a = net.feedforward(data.x).to_vector();
  double mean_cost = 0, w2 = 0;
  int64_t correct = 0;
  for (int64_t r = 0; r < 7; ++r) {
    for (int64_t j = 0; j < 2; ++j) {
      const double y = j == data.y.iat(r) ? 1.0 : 0.0, v = a[size_t(r * 2 + j)];
      mean_cost -= (y * std::log(v) + (1 - y) * std::log(1 - v)) / 7;
    }
    correct += (a[size_t(r * 2 + 1)] > a[size_t(r * 2)] ? 1 : 0) == data.y.iat(r);
  }
  for (const Var& w : net.weights())
    for (double v : w.get_value().to_vector()) w2 += v * v;
  CHECK(net.total_cost(data, 0.0) == doctest::Approx(mean_cost).epsilon(1e-5));
  CHECK(net.total_cost(data, 2.0) == doctest::Approx(mean_cost + 0.5 * (2.0 / 7) * w2).epsilon(1e-5));
  CHECK(net.accuracy(data) == correct);
}

TEST_CASE("network2: [784,30,10] learns 2,000 MNIST images to >= 85% on 1,000 validation images in 3 epochs") {
  INFO("MNIST is fetched by `make setup` into " << nn::default_mnist_dir());
  nn::MnistData mnist = nn::load_mnist(nn::default_mnist_dir(), 2000);
  nn::Split validation = head(mnist.validation, 1000);
  nn::Network net({784, 30, 10}, nn::Cost::CrossEntropy, 1);
  nn::SGDOptions o = quiet();
  o.evaluation = &validation;
  o.monitor_evaluation_accuracy = true;
  o.monitor_training_cost = true;
  nn::SGDResult r = net.SGD(mnist.training, 3, 10, 0.5, o);
  MESSAGE("validation accuracy per epoch: " << r.evaluation_accuracy[0] << " " << r.evaluation_accuracy[1] << " "
                                            << r.evaluation_accuracy[2] << " / 1000");
  REQUIRE(r.evaluation_accuracy.size() == 3);
  CHECK(r.evaluation_accuracy.back() >= 850);
  CHECK(r.training_cost.size() == 3);
  CHECK(r.training_cost.back() < r.training_cost.front());
  CHECK(net.accuracy(validation) == r.evaluation_accuracy.back());
}

TEST_CASE("network2: no allocation per mini-batch or per epoch once compiled") {
  nn::Split data = synthetic(105, 8, 3, 7);  // 10 full mini-batches and one of 5
  nn::Network net({8, 6, 3}, nn::Cost::Quadratic, 2);
  net.SGD(data, 1, 10, 0.1, quiet());  // compiles and sizes every buffer
  const uint64_t before_one = Buffer::allocations();
  net.SGD(data, 1, 10, 0.1, quiet());
  const uint64_t one_epoch = Buffer::allocations() - before_one;
  const uint64_t before_five = Buffer::allocations();
  net.SGD(data, 5, 10, 0.1, quiet());
  CHECK(Buffer::allocations() - before_five == one_epoch);  // only the per-call set-up
}

TEST_CASE("network2: early stopping and the halving schedule stop on no-improvement-in-n") {
  nn::Split data = synthetic(20, 4, 2, 8);
  SUBCASE("early stopping") {
    nn::Network net({4, 3, 2}, nn::Cost::CrossEntropy, 3);
    nn::SGDOptions o = quiet();
    o.evaluation = &data;
    o.early_stopping = 2;
    // eta = 0: the accuracy never changes, so it stops two epochs after the first.
    nn::SGDResult r = net.SGD(data, 50, 5, 0.0, o);
    CHECK(r.epochs_run == 3);
    CHECK(r.evaluation_accuracy.empty());  // used, but not monitored
  }
  SUBCASE("X9 schedule: halve eta each time, stop once it is 1/128 of the start") {
    nn::Network net({4, 3, 2}, nn::Cost::CrossEntropy, 3);
    nn::SGDOptions o = quiet();
    o.evaluation = &data;
    o.monitor_evaluation_accuracy = true;
    o.schedule_patience = 1;
    const double eta = 1e-12;  // too small to change any prediction
    nn::SGDResult r = net.SGD(data, 50, 5, eta, o);
    REQUIRE(r.epochs_run == 8);
    CHECK(r.evaluation_accuracy.size() == 8);
    for (int e = 1; e < 8; ++e) CHECK(r.learning_rate[size_t(e)] == doctest::Approx(eta / double(1 << (e - 1))));
  }
  SUBCASE("on_epoch can stop the run") {
    nn::Network net({4, 3, 2}, nn::Cost::CrossEntropy, 3);
    nn::SGDOptions o = quiet();
    o.on_epoch = [](int epoch, const nn::SGDResult& r) { return epoch < 1; };
    CHECK(net.SGD(data, 10, 5, 0.1, o).epochs_run == 2);
  }
}

TEST_CASE("network2: bad input to SGD gets an error naming what is wrong") {
  nn::Network net({4, 3, 2}, nn::Cost::CrossEntropy, 3);
  nn::Split good = synthetic(10, 4, 2, 9);
  nn::Split wide = synthetic(10, 5, 2, 9);
  CHECK_THROWS_WITH_AS(net.SGD(wide, 1, 5, 0.1, quiet()), doctest::Contains("expected float32 (n, 4)"), ShapeError);
  nn::Split bad_label = synthetic(10, 4, 2, 9);
  bad_label.y.set(3, 2);
  CHECK_THROWS_WITH_AS(net.SGD(bad_label, 1, 5, 0.1, quiet()), doctest::Contains("label y[3] = 2 is outside 0..1"),
                       ValueError);
  CHECK_THROWS_WITH_AS(net.SGD(good, 1, 0, 0.1, quiet()), doctest::Contains("mini_batch_size"), ValueError);
  CHECK_THROWS_WITH_AS(net.SGD(nn::Split{}, 1, 5, 0.1, quiet()), doctest::Contains("x is empty"), ValueError);
  nn::Split none = synthetic(0, 4, 2, 9);
  CHECK_THROWS_WITH_AS(net.SGD(none, 1, 5, 0.1, quiet()), doctest::Contains("is empty"), ValueError);
  nn::SGDOptions o = quiet();
  o.monitor_evaluation_accuracy = true;
  CHECK_THROWS_WITH_AS(net.SGD(good, 1, 5, 0.1, o), doctest::Contains("options.evaluation"), ValueError);
  CHECK_THROWS_WITH_AS(net.SGD(good, 1, 5, std::nan(""), quiet()), doctest::Contains("eta"), ValueError);
  CHECK_THROWS_WITH_AS(net.feedforward(Tensor::zeros(DType::Float32, {2, 3})), doctest::Contains("(n, 4)"), ShapeError);
  CHECK_THROWS_WITH_AS(nn::Network({784}), doctest::Contains("at least two"), ValueError);
}
