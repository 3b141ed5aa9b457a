// Network3::SGD: network3's training loop. Each mini-batch step is one call of
// train_mb(i); after each epoch the validation (and test) accuracy is the mean
// of the per-mini-batch accuracies, printed in network3's words.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/error.hpp"
#include "nn/network3.hpp"

namespace nabla::nn {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Mean over the mini-batches 0..batches-1 of f(j).
double mean_over_batches(Function& f, int64_t batches) {
  double total = 0;
  Tensor index = Tensor::scalar<int64_t>(0);
  for (int64_t j = 0; j < batches; ++j) {
    index.data<int64_t>()[0] = j;
    total += f({index})[0].item();
  }
  return total / double(batches);
}

void check_arguments(int epochs, int64_t mb, int64_t net_mb, double eta, double lmbda, const SharedSplit& training,
                     const SharedSplit& validation, const SharedSplit& test) {
  if (epochs < 0) throw ValueError("nabla: Network3::SGD: epochs must be >= 0, got " + std::to_string(epochs));
  if (mb != net_mb)
    throw ValueError("nabla: Network3::SGD: mini_batch_size " + std::to_string(mb) +
                     " differs from the network's " + std::to_string(net_mb) +
                     " (the layers were built for that size; network3 needs the two equal)");
  if (!std::isfinite(eta) || eta < 0) throw ValueError("nabla: Network3::SGD: eta must be finite and >= 0");
  if (!std::isfinite(lmbda) || lmbda < 0) throw ValueError("nabla: Network3::SGD: lmbda must be finite and >= 0");
  const std::pair<const SharedSplit*, const char*> sets[] = {
      {&training, "training"}, {&validation, "validation"}, {&test, "test"}};
  for (const auto& [s, name] : sets)
    if (s->size < mb)
      throw ValueError(std::string("nabla: Network3::SGD: the ") + name + " set has " + std::to_string(s->size) +
                       " examples, fewer than one mini-batch of " + std::to_string(mb));
}

}  // namespace

Network3Result Network3::SGD(const Split& training, int epochs, int64_t mini_batch_size, double eta,
                             const Split& validation, const Split& test, double lmbda, const Network3Options& options) {
  return SGD(shared_split(training, "training"), epochs, mini_batch_size, eta, shared_split(validation, "validation"),
             shared_split(test, "test"), lmbda, options);
}

Network3Result Network3::SGD(const SharedSplit& training, int epochs, int64_t mini_batch_size, double eta,
                             const SharedSplit& validation, const SharedSplit& test, double lmbda,
                             const Network3Options& options) {
  check_arguments(epochs, mini_batch_size, mini_batch_size_, eta, lmbda, training, validation, test);
  const bool verbose = options.verbose;
  const int64_t num_training_batches = training.size / mini_batch_size;
  const int64_t num_validation_batches = validation.size / mini_batch_size;
  const int64_t num_test_batches = test.size / mini_batch_size;

  Function train = train_mb(training, eta, lmbda);
  Function validate = mb_accuracy(validation);
  Function testing = mb_accuracy(test);

  Network3Result r;
  Tensor index = Tensor::scalar<int64_t>(0);
  double test_accuracy = std::numeric_limits<double>::quiet_NaN();
  for (int epoch = 0; epoch < epochs; ++epoch) {
    const auto t0 = std::chrono::steady_clock::now();
    double cost_sum = 0;
    for (int64_t b = 0; b < num_training_batches; ++b) {
      const int64_t iteration = num_training_batches * epoch + b;
      if (verbose && iteration % 1000 == 0) std::printf("Training mini-batch number %lld\n", (long long)iteration);
      index.data<int64_t>()[0] = b;
      cost_sum += train({index})[0].item();
    }
    r.epoch_seconds.push_back(seconds_since(t0));
    r.training_cost.push_back(cost_sum / double(num_training_batches));
    const int64_t iteration = num_training_batches * (epoch + 1) - 1;

    const double validation_accuracy = mean_over_batches(validate, num_validation_batches);
    r.validation_accuracy.push_back(validation_accuracy);
    if (verbose) std::printf("Epoch %d: validation accuracy %.2f%%\n", epoch, 100 * validation_accuracy);
    const bool best = validation_accuracy >= r.best_validation_accuracy;
    if (best) {
      if (verbose) std::printf("This is the best validation accuracy to date.\n");
      r.best_validation_accuracy = validation_accuracy;
      r.best_iteration = iteration;
      r.best_epoch = epoch;
    }
    if (best || options.test_every_epoch) test_accuracy = mean_over_batches(testing, num_test_batches);
    r.test_accuracy.push_back(best || options.test_every_epoch ? test_accuracy
                                                               : std::numeric_limits<double>::quiet_NaN());
    if (best) {
      r.test_accuracy_at_best = test_accuracy;
      if (verbose) std::printf("The corresponding test accuracy is %.2f%%\n", 100 * test_accuracy);
    }
    if (verbose) {
      std::printf("(epoch %d: %.2f s training, mean cost %.4f)\n", epoch, r.epoch_seconds.back(),
                  r.training_cost.back());
      std::fflush(stdout);
    }
    r.epochs_run = epoch + 1;
    if (options.on_epoch && !options.on_epoch(epoch, r)) break;
  }
  if (verbose) {
    std::printf("Finished training network.\n");
    std::printf("Best validation accuracy of %.2f%% obtained at iteration %lld\n", 100 * r.best_validation_accuracy,
                (long long)r.best_iteration);
    std::printf("Corresponding test accuracy of %.2f%%\n", 100 * r.test_accuracy_at_best);
    std::fflush(stdout);
  }
  return r;
}

}  // namespace nabla::nn
