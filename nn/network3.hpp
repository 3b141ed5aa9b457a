// network3.py (the book's chapter 6) on the graph: ConvPoolLayer,
// FullyConnectedLayer and SoftmaxLayer wired by set_inpt into an evaluation path
// (`output`) and a training path with dropout (`output_dropout`), and a Network3
// whose SGD keeps the data in shared variables and takes mini-batch i through
// givens, x[i*m:(i+1)*m], as network3 does.
//
// network3's semantics, kept on purpose:
//   - no shuffling between epochs; mini-batches in stored order; a tail of fewer
//     than m examples is dropped (num_batches = size / m);
//   - cost = -mean log softmax(z)[i, y_i] on the dropout path
//            + 0.5 * lmbda * sum over all layers' w of w^2 / num_training_batches
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
// seeded per network instead of numpy's global generator.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/function.hpp"
#include "nn/activation.hpp"
#include "nn/datasets.hpp"
#include "nn/init.hpp"
#include "ops/api.hpp"

namespace nabla::nn {

// How layers draw their first values (biases N(0,1) in both; softmax starts at zero in both).
enum class Network3Init {
  Network3,   // network3.py: w ~ N(0, sqrt(1/n_out)), the book's acknowledged slip (n_out of a conv
              // layer = n_filters * fh * fw / (ph * pw))
  Corrected,  // w ~ N(0, sqrt(1/n_in)), n_in = the fan-in (n_in, or channels * fh * fw for conv)
};
const char* network3_init_name(Network3Init init);             // "network3" | "corrected"
Network3Init network3_init_from_name(const std::string& name);  // throws ValueError listing both

// A layer of network3. After set_inpt, `output` is the evaluation path and
// `output_dropout` the training path (the same expression when p_dropout = 0).
class Layer3 {
 public:
  virtual ~Layer3() = default;
  // network3's set_inpt(inpt, inpt_dropout, mini_batch_size); dropout masks come from `srng`.
  virtual void set_inpt(const Var& inpt, const Var& inpt_dropout, int64_t mini_batch_size, RandomStreams& srng) = 0;
  // Draws w and b (w first, as network3's constructors do).
  virtual void initialize(Rng& rng, Network3Init init) = 0;
  virtual std::string describe() const = 0;  // "ConvPoolLayer(filter (20,1,5,5), image (10,1,28,28), pool (2,2), sigmoid)"
  // mean(y == y_out) over the mini-batch; throws ValueError for a layer without y_out (conv).
  Var accuracy(const Var& y) const;
  std::vector<Var> params() const { return {w, b}; }

  Var w, b;  // shared float32 parameters
  // Set by set_inpt:
  Var inpt, inpt_dropout;       // the input as this layer reshapes it; inpt_dropout after the mask
  Var output, output_dropout;
  Var y_out;                    // argmax of output over axis 1 (FC and softmax; int64)
};

class ConvPoolLayer : public Layer3 {
 public:
  // filter_shape = (n_filters, n_in_maps, fh, fw); image_shape = (mini_batch, n_in_maps, H, W);
  // output = act(max_pool(conv2d(inpt, w)) + b), pooling before bias and activation.
  // Theano's conv2d flips the kernel; flip = false makes it a cross-correlation.
  ConvPoolLayer(std::array<int64_t, 4> filter_shape, std::array<int64_t, 4> image_shape,
                std::array<int64_t, 2> poolsize = {2, 2}, Activation activation = Activation::Sigmoid,
                bool flip = true);
  void set_inpt(const Var& inpt, const Var& inpt_dropout, int64_t mini_batch_size, RandomStreams& srng) override;
  void initialize(Rng& rng, Network3Init init) override;
  std::string describe() const override;
  // (n_filters, pooled H, pooled W) flattened: what the next layer's n_in must be.
  int64_t n_out() const;

  std::array<int64_t, 4> filter_shape, image_shape;
  std::array<int64_t, 2> poolsize;
  Activation activation;
  bool flip;
};

class FullyConnectedLayer : public Layer3 {
 public:
  // w is (n_in, n_out) as in network3 (output = act((1-p) inpt.w + b)).
  FullyConnectedLayer(int64_t n_in, int64_t n_out, Activation activation = Activation::Sigmoid,
                      double p_dropout = 0.0);
  void set_inpt(const Var& inpt, const Var& inpt_dropout, int64_t mini_batch_size, RandomStreams& srng) override;
  void initialize(Rng& rng, Network3Init init) override;
  std::string describe() const override;

  int64_t n_in, n_out;
  Activation activation;
  double p_dropout;
};

class SoftmaxLayer : public Layer3 {
 public:
  SoftmaxLayer(int64_t n_in, int64_t n_out, double p_dropout = 0.0);
  void set_inpt(const Var& inpt, const Var& inpt_dropout, int64_t mini_batch_size, RandomStreams& srng) override;
  void initialize(Rng& rng, Network3Init init) override;  // zeros, as network3
  std::string describe() const override;
  // network3's log-likelihood on the dropout path: -mean(log(output_dropout)[arange(n), y]);
  // function() compiles it to the stable softmax_xent op.
  Var cost(const Var& y) const;

  int64_t n_in, n_out;
  double p_dropout;
};

// network3's load_data_shared for one split: the images and labels as shared
// variables (float32 (n, pixels), int32 (n,)), so compiled functions slice them.
struct SharedSplit {
  Var x, y;
  int64_t size = 0;
};
SharedSplit shared_split(const Split& data, const std::string& name = "data");

struct Network3Options {
  bool verbose = true;            // network3's printing, plus seconds per epoch
  bool test_every_epoch = true;   // network3 evaluates the test set only at a new best validation
                                  // accuracy; every epoch gives the curve too (same figure at the best)
  // After each epoch with (epoch, result so far); return false to stop.
  std::function<bool(int, const struct Network3Result&)> on_epoch;
};

struct Network3Result {
  std::vector<double> validation_accuracy;  // per epoch, fraction (mean of mini-batch accuracies)
  std::vector<double> test_accuracy;        // per epoch; NaN where not evaluated
  std::vector<double> training_cost;        // per epoch: mean of train_mb's returned costs
  std::vector<double> epoch_seconds;        // the mini-batch steps only (evaluation excluded)
  double best_validation_accuracy = 0.0;
  int64_t best_iteration = -1;              // network3's iteration count (mini-batches since start)
  int best_epoch = -1;
  double test_accuracy_at_best = -1.0;      // the figure the book reports
  int epochs_run = 0;
};

class Network3 {
 public:
  // Wires layers[0].set_inpt(x, x), then each layer on the previous one's
  // output / output_dropout, and initializes every layer in order from `seed`.
  // The last layer must be a SoftmaxLayer. Layers are shared with the caller.
  Network3(std::vector<std::shared_ptr<Layer3>> layers, int64_t mini_batch_size, uint64_t seed = 12345678,
           Network3Init init = Network3Init::Network3);

  // network3.SGD. mini_batch_size must equal the constructor's (network3 uses
  // both numbers and silently misbehaves when they differ). Prints as network3.
  Network3Result SGD(const Split& training, int epochs, int64_t mini_batch_size, double eta, const Split& validation,
                     const Split& test, double lmbda = 0.0, const Network3Options& options = {});
  // The same over data already in shared variables (no copy of the data sets).
  Network3Result SGD(const SharedSplit& training, int epochs, int64_t mini_batch_size, double eta,
                     const SharedSplit& validation, const SharedSplit& test, double lmbda = 0.0,
                     const Network3Options& options = {});

  // The regularized training cost for a training set of num_training_batches mini-batches.
  Var cost(double lmbda, int64_t num_training_batches) const;
  // network3's compiled functions of the mini-batch index i (an int64 scalar tensor):
  Function train_mb(const SharedSplit& training, double eta, double lmbda);  // i -> cost, updates params
  Function mb_accuracy(const SharedSplit& data);                            // i -> accuracy (float32)
  Function mb_predictions(const SharedSplit& data);                         // i -> y_out (int64, m)

  // Mean of mini-batch accuracies over the first (n / m) * m examples, as network3.
  double accuracy(const Split& data);
  // The predicted digit of each of the first (n / m) * m examples.
  std::vector<int32_t> predictions(const Split& data);

  // Draws every layer's initial values again (the same seed gives the same values).
  void initialize(uint64_t seed, Network3Init init);

  const std::vector<std::shared_ptr<Layer3>>& layers() const { return layers_; }
  std::vector<Var> params() const;
  int64_t mini_batch_size() const { return mini_batch_size_; }
  RandomStreams& srng() { return srng_; }
  std::string describe() const;  // one line per layer

  Var x;  // float32 matrix: the input rows
  Var y;  // int32 vector: the labels
  Var output, output_dropout;

 private:
  std::vector<std::shared_ptr<Layer3>> layers_;
  int64_t mini_batch_size_;
  RandomStreams srng_;
};

}  // namespace nabla::nn
