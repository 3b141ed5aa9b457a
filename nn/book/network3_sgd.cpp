// Network3::SGD: network3's training, driven by optim::Trainer (stored order,
// slices by index, plain SGD); validation and test accuracy are evaluated in
// mini-batches after each epoch and printed in network3's words.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include <filesystem>
#include <sstream>

#include "core/error.hpp"
#include "optim/data_parallel.hpp"
#include "nn/book/network3.hpp"
#include "optim/checkpoint.hpp"

namespace nabla::nn {

namespace {
// This rank's rows of a mini-batch of m (m in one process): what the graph is built for.
int64_t rank_batch(int64_t m) { return optim::detail::shard_of(m, "Network3's mini-batch").rows; }
}  // namespace

namespace {

void check_arguments(int epochs, int64_t mb, int64_t net_mb, double eta, double lmbda,
                     const optim::SharedData& training, const optim::SharedData& validation,
                     const optim::SharedData& test) {
  if (epochs < 0) throw ValueError("nabla: Network3::SGD: epochs must be >= 0, got " + std::to_string(epochs));
  if (mb != net_mb)
    throw ValueError("nabla: Network3::SGD: mini_batch_size " + std::to_string(mb) +
                     " differs from the network's " + std::to_string(net_mb) +
                     " (the layers were built for that size; network3 needs the two equal)");
  if (!std::isfinite(eta) || eta < 0) throw ValueError("nabla: Network3::SGD: eta must be finite and >= 0");
  if (!std::isfinite(lmbda) || lmbda < 0) throw ValueError("nabla: Network3::SGD: lmbda must be finite and >= 0");
  const std::pair<const optim::SharedData*, const char*> sets[] = {
      {&training, "training"}, {&validation, "validation"}, {&test, "test"}};
  for (const auto& [s, name] : sets)
    if (s->size < mb)
      throw ValueError(std::string("nabla: Network3::SGD: the ") + name + " set has " + std::to_string(s->size) +
                       " examples, fewer than one mini-batch of " + std::to_string(mb));
}

void save_result(optim::CheckpointWriter& w, const Network3Result& r, double test_accuracy) {
  w.doubles(r.validation_accuracy);
  w.doubles(r.test_accuracy);
  w.doubles(r.training_cost);
  w.doubles(r.epoch_seconds);
  w.f64(r.best_validation_accuracy);
  w.i64(r.best_iteration);
  w.i64(r.best_epoch);
  w.f64(r.test_accuracy_at_best);
  w.i64(r.epochs_run);
  w.f64(test_accuracy);
}

Network3Result load_result(optim::CheckpointReader& r, double& test_accuracy) {
  Network3Result s;
  s.validation_accuracy = r.doubles("result.validation_accuracy");
  s.test_accuracy = r.doubles("result.test_accuracy");
  s.training_cost = r.doubles("result.training_cost");
  s.epoch_seconds = r.doubles("result.epoch_seconds");
  s.best_validation_accuracy = r.f64("result.best_validation_accuracy");
  s.best_iteration = r.i64("result.best_iteration");
  s.best_epoch = int(r.i64("result.best_epoch"));
  s.test_accuracy_at_best = r.f64("result.test_accuracy_at_best");
  s.epochs_run = int(r.i64("result.epochs_run"));
  test_accuracy = r.f64("result.last_test_accuracy");
  return s;
}

}  // namespace

Network3Result Network3::SGD(const Split& training, int epochs, int64_t mini_batch_size, double eta,
                             const Split& validation, const Split& test, double lmbda, const Network3Options& options) {
  return SGD(share_split(training, "training"), epochs, mini_batch_size, eta, share_split(validation, "validation"),
             share_split(test, "test"), lmbda, options);
}

Network3Result Network3::SGD(const optim::SharedData& training, int epochs, int64_t mini_batch_size, double eta,
                             const optim::SharedData& validation, const optim::SharedData& test, double lmbda,
                             const Network3Options& options) {
  check_arguments(epochs, mini_batch_size, mini_batch_size_, eta, lmbda, training, validation, test);
  const bool verbose = options.verbose;
  const int64_t num_training_batches = training.size / mini_batch_size;

  optim::TrainerOptions t;
  t.mini_batch_size = mini_batch_size;
  t.shuffle = false;     // network3 trains in stored order
  t.train_tail = false;  // and drops the last n % m examples
  t.name = "network3 SGD";
  // network3.py's "Training mini-batch number" lines on a terminal only: a log
  // file (nohup, CI) gets the one summary per epoch.
  if (verbose && isatty(STDOUT_FILENO))
    t.every_n_steps = {1000, [](int64_t iteration) {
                         std::printf("Training mini-batch number %lld\n", (long long)iteration);
                       }};
  optim::Trainer trainer(objective(lmbda, training), std::make_shared<optim::SGD>(eta), training, t);
  const Var correct = sum(cast(eq(y, y_out), floatX));
  using Reduce = optim::Evaluator::Reduce;
  trainer.add_monitor("validation accuracy", [e = std::make_shared<optim::Evaluator>(
                                                  x, y, correct, validation, rank_batch(mini_batch_size), Reduce::Sum, true)] {
    return (*e)();
  });
  optim::Evaluator test_accuracy_of(x, y, correct, test, rank_batch(mini_batch_size), Reduce::Sum, true);

  Network3Result r;
  double test_accuracy = std::numeric_limits<double>::quiet_NaN();
  int to_run = epochs;
  if (!options.checkpoint.empty()) {
    // network3's own state beside the trainer's: the result so far and the
    // test accuracy it carries between epochs; eta and lmbda must match.
    std::ostringstream key;
    key.precision(17);
    key << "eta " << eta << ", lmbda " << lmbda;
    const std::string settings = key.str();
    optim::Trainer::ClientState client;
    client.save = [&r, &test_accuracy, settings](optim::CheckpointWriter& w) {
      w.str(settings);
      save_result(w, r, test_accuracy);
    };
    client.load = [&r, &test_accuracy, settings](optim::CheckpointReader& reader) {
      const std::string saved = reader.str("settings");
      if (saved != settings) reader.fail("saved with " + saved + ", but this run has " + settings);
      double last_test = 0;
      Network3Result saved_result = load_result(reader, last_test);
      r = std::move(saved_result);
      test_accuracy = last_test;
    };
    trainer.set_checkpoint(options.checkpoint, client);
    if (options.resume && std::filesystem::exists(options.checkpoint)) {
      trainer.load_checkpoint(options.checkpoint);
      to_run = trainer.stopped() ? 0 : std::max(0, epochs - r.epochs_run);
    }
  } else if (options.resume) {
    throw ValueError("nabla: Network3::SGD: options.resume needs options.checkpoint (the file to resume from)");
  }
  trainer.fit(to_run, [&](optim::Trainer&, const optim::EpochLog& log) {
    const int epoch = log.epoch;
    r.epoch_seconds.push_back(log.seconds);
    r.training_cost.push_back(log.training_cost);
    const int64_t iteration = num_training_batches * (epoch + 1) - 1;
    const double validation_accuracy = log.metric("validation accuracy");
    r.validation_accuracy.push_back(validation_accuracy);
    if (verbose) std::printf("Epoch %d: validation accuracy %.2f%%\n", epoch, 100 * validation_accuracy);
    const bool best = validation_accuracy >= r.best_validation_accuracy;
    if (best) {
      if (verbose) std::printf("This is the best validation accuracy to date.\n");
      r.best_validation_accuracy = validation_accuracy;
      r.best_iteration = iteration;
      r.best_epoch = epoch;
    }
    if (best || options.test_every_epoch) test_accuracy = test_accuracy_of();
    r.test_accuracy.push_back(best || options.test_every_epoch ? test_accuracy
                                                               : std::numeric_limits<double>::quiet_NaN());
    if (best) {
      r.test_accuracy_at_best = test_accuracy;
      if (verbose) std::printf("The corresponding test accuracy is %.2f%%\n", 100 * test_accuracy);
    }
    if (verbose) {
      std::printf("(epoch %d: %.2f s training, mean cost %.4f)\n", epoch, log.seconds, log.training_cost);
      std::fflush(stdout);
    }
    r.epochs_run = epoch + 1;
    return !options.on_epoch || options.on_epoch(epoch, r);
  });
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
