// network3.py (the book's chapter 6) as a client of the layer library and the
// trainer: the layers (nn::ConvPool, nn::FullyConnected, nn::Softmax, or any
// nn::Layer) are wired into an evaluation path (`output`) and a training path
// with dropout (`output_dropout`), and optim::Trainer runs network3's SGD over
// data held in shared variables, mini-batch i through givens, x[i*m:(i+1)*m].
//
// network3's semantics, kept on purpose:
//   - no shuffling between epochs; mini-batches in stored order; a tail of fewer
//     than m examples is dropped (num_batches = size / m);
//   - cost = -mean log softmax(z)[i, y_i] on the dropout path
//            + 0.5 * lmbda * sum over all layers' weights of w^2 / num_training_batches
//     (conv filters and softmax weights included, biases not);
//   - plain SGD: param <- param - eta * grad;
//   - dropout masks the layer's INPUTS during training (one Bernoulli draw per
//     example and unit, no rescaling) and scales w by (1 - p) at evaluation;
//     conv layers have no dropout;
//   - accuracy on a set = the mean of the per-mini-batch accuracies;
//   - the figure reported is the test accuracy at the epoch of the best
//     validation accuracy (ties move the best forward, `>=`).
// Where nabla differs: one seeded RandomStreams per network gives every dropout
// layer its own stream (network3 seeds each layer's stream with the same number,
// so equal-shaped layers draw identical masks); initial values come from nn::Rng
// seeded per network instead of numpy's global generator; weights are stored
// output-major like every nabla layer (a dense W is (n_out, n_in)).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/function.hpp"
#include "nn/datasets.hpp"
#include "nn/init.hpp"
#include "nn/layers.hpp"
#include "ops/api.hpp"
#include "optim/trainer.hpp"

namespace nabla::nn {

// A split's images and labels as shared variables (float32 (n, pixels), int32
// (n,)), as network3's load_data_shared, so compiled functions slice them.
optim::SharedData share_split(const Split& data, const std::string& name = "data");

struct Network3Options {
  bool verbose = true;            // network3's printing, plus seconds per epoch
  bool test_every_epoch = true;   // network3 evaluates the test set only at a new best validation
                                  // accuracy; every epoch gives the curve too (same figure at the best)
  // After each epoch with (epoch, result so far); return false to stop.
  std::function<bool(int, const struct Network3Result&)> on_epoch;
  // Resumable training, as network2's SGDOptions: a checkpoint after every
  // epoch (empty: off); resume continues from it when the file exists.
  std::string checkpoint;
  bool resume = false;
};

struct Network3Result {
  std::vector<double> validation_accuracy;  // per epoch, fraction (mean of mini-batch accuracies)
  std::vector<double> test_accuracy;        // per epoch; NaN where not evaluated
  std::vector<double> training_cost;        // per epoch: mean of the mini-batch steps' costs
  std::vector<double> epoch_seconds;        // the mini-batch steps only (evaluation excluded)
  double best_validation_accuracy = 0.0;
  int64_t best_iteration = -1;              // network3's iteration count (mini-batches since start)
  int best_epoch = -1;
  double test_accuracy_at_best = -1.0;      // the figure the book reports
  int epochs_run = 0;
};

class Network3 {
 public:
  // Applies the layers in order on (x, x) with the mini-batch size fixed, and
  // initializes every layer in order from `seed` with `init` (Init::Network3 is
  // network3.py's scale, Init::Default the 1/sqrt(fan-in) correction). The last
  // layer must be a nn::Softmax. Layers are shared with the caller.
  Network3(std::vector<LayerPtr> layers, int64_t mini_batch_size, uint64_t seed = 12345678,
           Init init = Init::Network3);

  // network3.SGD. mini_batch_size must equal the constructor's (network3 uses
  // both numbers and silently misbehaves when they differ). Prints as network3.
  Network3Result SGD(const Split& training, int epochs, int64_t mini_batch_size, double eta, const Split& validation,
                     const Split& test, double lmbda = 0.0, const Network3Options& options = {});
  // The same over data already in shared variables (no copy of the data sets).
  Network3Result SGD(const optim::SharedData& training, int epochs, int64_t mini_batch_size, double eta,
                     const optim::SharedData& validation, const optim::SharedData& test, double lmbda = 0.0,
                     const Network3Options& options = {});

  // The regularized training cost for a training set of num_training_batches mini-batches.
  Var cost(double lmbda, int64_t num_training_batches) const;
  // What the trainer minimizes over `training`.
  optim::Objective objective(double lmbda, const optim::SharedData& training) const;
  // network3's compiled functions of the mini-batch index i (an int64 scalar tensor):
  Function train_mb(const optim::SharedData& training, double eta, double lmbda);  // i -> cost, updates params
  Function mb_accuracy(const optim::SharedData& data);                            // i -> accuracy (float32)
  Function mb_predictions(const optim::SharedData& data);                         // i -> y_out (int64, m)

  // Mean of mini-batch accuracies over the first (n / m) * m examples, as network3.
  double accuracy(const Split& data);
  // The predicted digit of each of the first (n / m) * m examples.
  std::vector<int32_t> predictions(const Split& data);

  // Draws every layer's initial values again (the same seed gives the same values).
  void initialize(uint64_t seed, Init init);

  const std::vector<LayerPtr>& layers() const { return layers_; }
  std::vector<Var> params() const { return params_of(layers_); }
  int64_t mini_batch_size() const { return mini_batch_size_; }
  RandomStreams& srng() { return srng_; }
  std::string describe() const;  // one line per layer

  Var x;  // float32 matrix: the input rows
  Var y;  // int32 vector: the labels
  Var output, output_dropout;
  Var y_out;  // argmax of output over axis 1 (int64)

 private:
  std::vector<LayerPtr> layers_;
  int64_t mini_batch_size_;
  RandomStreams srng_;
};

}  // namespace nabla::nn
