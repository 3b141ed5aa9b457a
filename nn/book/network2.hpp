// network2.py's Network, built on the graph: a stack of fully connected layers,
// trained by mini-batch SGD through one compiled function per mini-batch.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/function.hpp"
#include "nn/activation.hpp"
#include "nn/costs.hpp"
#include "nn/datasets.hpp"
#include "nn/init.hpp"
#include "nn/layers.hpp"

namespace nabla::optim {
class Optimizer;
}

namespace nabla::nn {

enum class Regularization { L2, L1 };

struct SGDOptions {
  double lmbda = 0.0;
  Regularization regularization = Regularization::L2;
  const Split* evaluation = nullptr;  // validation or test data (integer labels)
  bool monitor_evaluation_cost = false;
  bool monitor_evaluation_accuracy = false;
  bool monitor_training_cost = false;
  bool monitor_training_accuracy = false;
  // Beyond network2 (the book's exercises):
  std::shared_ptr<optim::Optimizer> optimizer;  // default: plain SGD with eta
  int early_stopping = 0;     // X8: stop after n epochs without a better evaluation accuracy (0 = off)
  int schedule_patience = 0;  // X9: halve eta after n epochs without improvement; stop at eta0/128 (0 = off)
  bool verbose = true;        // print network2's per-epoch lines (+ seconds) to stdout
  // Called after each epoch with (epoch, result so far); return false to stop.
  std::function<bool(int, const struct SGDResult&)> on_epoch;
  // Resumable training: after every epoch, write the whole training state
  // (parameters, optimizer state, the shuffling generator, the rules and the
  // result so far) to this file, atomically (empty: off).
  std::string checkpoint;
  // Continue from `checkpoint` when it exists: the epochs it holds count toward
  // `epochs`, and the result is the uninterrupted run's. A run the file says
  // already stopped early returns its result without training.
  bool resume = false;
};

struct SGDResult {
  // network2's four lists (accuracies are counts), empty when not monitored.
  std::vector<double> evaluation_cost;
  std::vector<int64_t> evaluation_accuracy;
  std::vector<double> training_cost;
  std::vector<int64_t> training_accuracy;
  std::vector<double> epoch_seconds;  // training time per epoch, monitoring excluded
  std::vector<double> learning_rate;  // eta used in each epoch
  int epochs_run = 0;
};

class Network {
 public:
  // sizes = {784, 30, 10}. Hidden and output layers use `activation`
  // (the book: sigmoid), except that Cost::LogLikelihood gets a softmax output
  // layer; weights per network2's default_weight_initializer. A copy of a
  // Network shares its parameters (shared variables) with the original.
  explicit Network(std::vector<int64_t> sizes, Cost cost = Cost::CrossEntropy, uint64_t seed = 12345678,
                   Activation activation = Activation::Sigmoid);

  void default_weight_initializer();  // W ~ N(0, 1/sqrt(n_in)), b ~ N(0, 1)
  void large_weight_initializer();    // W, b ~ N(0, 1)

  // network2.SGD: each epoch shuffles the training data, runs the mini-batches
  // (update w <- (1 - eta*lmbda/n) w - (eta/m) sum dC/dw for L2), then monitors.
  SGDResult SGD(const Split& training, int epochs, int64_t mini_batch_size, double eta,
                const SGDOptions& options = {});

  Tensor feedforward(const Tensor& x);             // (n, sizes[0]) -> (n, sizes.back()); (sizes[0],) -> (sizes.back(),)
  int64_t accuracy(const Split& data);             // count of argmax matches
  // network2.total_cost: mean cost + 0.5 * (lmbda / len(data)) * sum ||w||^2 (the
  // penalty divides by the size of the set evaluated); with L1, (lmbda / len(data)) * sum |w|.
  double total_cost(const Split& data, double lmbda, Regularization regularization = Regularization::L2);

  // network2.py's JSON: {"sizes", "weights" (n_out x n_in lists), "biases" (n_out x 1), "cost"}.
  void save(const std::string& path) const;
  static Network load(const std::string& path);  // errors name the file and the bad field

  const std::vector<int64_t>& sizes() const { return sizes_; }
  Cost cost() const { return cost_; }
  std::vector<FullyConnected>& layers() { return layers_; }
  std::vector<Var> params() const;
  std::vector<Var> weights() const;
  Rng& rng() { return rng_; }

 private:
  std::vector<int64_t> sizes_;
  Cost cost_;
  Activation activation_;
  Rng rng_;
  std::vector<FullyConnected> layers_;
  // Compiled on first use, reused while shapes allow.
  struct Compiled;
  std::shared_ptr<Compiled> compiled_;
};

// One-hot rows (n, classes) float32 from integer labels.
Tensor one_hot(const Tensor& labels, int64_t classes);

}  // namespace nabla::nn
