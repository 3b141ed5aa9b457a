// Network::SGD: network2's training, driven by optim::Trainer. The network
// states its objective (mean cost, parameters, the penalty's gradient in closed
// form) and network2's monitoring and no-improvement rules as a callback; the
// trainer owns the epoch loop, the shuffled mini-batches and the steps.
#include <cmath>
#include <cstdio>

#include <filesystem>
#include <sstream>

#include "core/error.hpp"
#include "nn/book/network2_internal.hpp"
#include "ops/api.hpp"
#include "optim/checkpoint.hpp"

namespace nabla::nn {

namespace {

enum Penalty { kNoPenalty = 0, kL2 = 1, kL1 = 2 };

// The step's objective. grad() differentiates the mean per-example cost; the
// penalty's gradient is added in closed form, (lmbda/n) w for L2 and
// (lmbda/n) sign(w) for L1 (the derivatives of (lmbda/2n) sum w^2 and
// (lmbda/n) sum |w|), so plain SGD runs network2's own line
//   w <- (1 - eta lmbda/n) w - eta dC0/dw.
// Differentiating the penalty through the graph instead gives the same numbers
// but several extra passes over every weight matrix and hides the update from
// the gemm_update rewrite: an epoch of [784,100,10] at lmbda 5 took 0.52 s that
// way, 0.26 s this way (0.24 s without a penalty).
optim::Objective network2_objective(const std::vector<FullyConnected>& layers, Cost cost, const Var& lmbda_over_n,
                                    Penalty penalty) {
  const int64_t n_in = layers.front().n_in(), n_out = layers.back().n_out();
  optim::Objective o;
  o.x = input(DType::Float32, Shape{-1, n_in}, "x");
  o.y = cost == Cost::LogLikelihood ? input(DType::Int32, Shape{-1}, "y") : input(DType::Float32, Shape{-1, n_out}, "y");
  o.cost = cost_expr(cost, network_output(layers, o.x), o.y);
  for (const FullyConnected& layer : layers) {
    o.params.push_back(layer.W);
    o.weight_decay.push_back(penalty == kL2 ? lmbda_over_n : Var());
    o.extra_grads.push_back(penalty == kL1 ? lmbda_over_n * sign(layer.W) : Var());
    o.params.push_back(layer.b);
    o.weight_decay.push_back(Var());
    o.extra_grads.push_back(Var());
  }
  return o;
}

void check_options(int epochs, int64_t mini_batch_size, double eta, const SGDOptions& o) {
  if (epochs < 0) throw ValueError("nabla: Network::SGD: epochs must be >= 0, got " + std::to_string(epochs));
  if (mini_batch_size <= 0)
    throw ValueError("nabla: Network::SGD: mini_batch_size must be positive, got " + std::to_string(mini_batch_size));
  if (!std::isfinite(eta) || eta < 0)
    throw ValueError("nabla: Network::SGD: eta must be a finite number >= 0, got " + std::to_string(eta));
  if (!std::isfinite(o.lmbda))
    throw ValueError("nabla: Network::SGD: lmbda must be finite, got " + std::to_string(o.lmbda));
  if (o.early_stopping < 0 || o.schedule_patience < 0)
    throw ValueError("nabla: Network::SGD: early_stopping and schedule_patience must be >= 0 (0 = off)");
  const char* needs_evaluation = o.monitor_evaluation_accuracy ? "monitor_evaluation_accuracy"
                                 : o.monitor_evaluation_cost   ? "monitor_evaluation_cost"
                                 : o.early_stopping            ? "early_stopping"
                                 : o.schedule_patience         ? "schedule_patience"
                                                               : nullptr;
  if (needs_evaluation && !o.evaluation)
    throw ValueError(std::string("nabla: Network::SGD: options.") + needs_evaluation +
                     " needs evaluation data (set options.evaluation to the validation or test split)");
}

// network2's monitoring after an epoch: the flagged lists, in its order and wording.
void monitor(Network& net, const Split& training, const SGDOptions& o, SGDResult& r) {
  if (o.monitor_training_cost) {
    r.training_cost.push_back(net.total_cost(training, o.lmbda, o.regularization));
    if (o.verbose) std::printf("Cost on training data: %.12g\n", r.training_cost.back());
  }
  if (o.monitor_training_accuracy) {
    r.training_accuracy.push_back(net.accuracy(training));
    if (o.verbose)
      std::printf("Accuracy on training data: %lld / %lld\n", (long long)r.training_accuracy.back(),
                  (long long)training.size());
  }
  if (o.monitor_evaluation_cost) {
    r.evaluation_cost.push_back(net.total_cost(*o.evaluation, o.lmbda, o.regularization));
    if (o.verbose) std::printf("Cost on evaluation data: %.12g\n", r.evaluation_cost.back());
  }
  if (o.monitor_evaluation_accuracy) {
    r.evaluation_accuracy.push_back(net.accuracy(*o.evaluation));
    if (o.verbose)
      std::printf("Accuracy on evaluation data: %lld / %lld\n", (long long)r.evaluation_accuracy.back(),
                  (long long)o.evaluation->size());
  }
}

// The book's no-improvement-in-n rules on evaluation accuracy: early stopping
// (X8) and halving eta until it has fallen to 1/128 of its start (X9).
class NoImprovementRules {
 public:
  NoImprovementRules(const SGDOptions& o, double eta0) : o_(o), eta0_(eta0), eta_(eta0) {}
  bool active() const { return o_.early_stopping > 0 || o_.schedule_patience > 0; }
  double eta() const { return eta_; }

  // Feeds one epoch's accuracy; returns true when training should stop. Sets
  // `eta_changed` when the schedule halved eta.
  bool update(int64_t accuracy, bool& eta_changed) {
    eta_changed = false;
    if (accuracy > best_) best_ = accuracy, since_best_ = 0;
    else ++since_best_;
    bool stop = false;
    if (o_.early_stopping > 0 && since_best_ >= o_.early_stopping) {
      stop = true;
      if (o_.verbose)
        std::printf("Early stopping: no improvement in %d epochs (best %lld / %lld)\n", o_.early_stopping,
                    (long long)best_, (long long)o_.evaluation->size());
    }
    if (o_.schedule_patience > 0 && since_best_ >= o_.schedule_patience) {
      eta_ /= 2;
      since_best_ = 0;
      eta_changed = true;
      const bool done = eta_ <= eta0_ / 128;
      stop = stop || done;
      if (o_.verbose)
        std::printf("No improvement in %d epochs: eta halved to %g%s\n", o_.schedule_patience, eta_,
                    done ? " (1/128 of the start: stopping)" : "");
    }
    return stop;
  }

  void save(optim::CheckpointWriter& w) const {
    w.f64(eta_);
    w.i64(best_);
    w.i64(since_best_);
  }
  struct State {
    double eta;
    int64_t best, since_best;
  };
  static State load(optim::CheckpointReader& r) {
    State s;
    s.eta = r.f64("rules.eta");
    s.best = r.i64("rules.best");
    s.since_best = r.i64("rules.since_best");
    return s;
  }
  void restore(const State& s) { eta_ = s.eta, best_ = s.best, since_best_ = int(s.since_best); }

 private:
  const SGDOptions& o_;
  double eta0_, eta_;
  int64_t best_ = -1;
  int since_best_ = 0;
};

void save_result(optim::CheckpointWriter& w, const SGDResult& r) {
  w.doubles(r.evaluation_cost);
  w.ints(r.evaluation_accuracy);
  w.doubles(r.training_cost);
  w.ints(r.training_accuracy);
  w.doubles(r.epoch_seconds);
  w.doubles(r.learning_rate);
  w.i64(r.epochs_run);
}

SGDResult load_result(optim::CheckpointReader& r) {
  SGDResult s;
  s.evaluation_cost = r.doubles("result.evaluation_cost");
  s.evaluation_accuracy = r.ints("result.evaluation_accuracy");
  s.training_cost = r.doubles("result.training_cost");
  s.training_accuracy = r.ints("result.training_accuracy");
  s.epoch_seconds = r.doubles("result.epoch_seconds");
  s.learning_rate = r.doubles("result.learning_rate");
  s.epochs_run = int(r.i64("result.epochs_run"));
  return s;
}

// The settings a resumed run must share with the saved one (beyond the
// trainer's own checks of the network, data size and mini-batch size).
std::string settings_key(double eta, const SGDOptions& o) {
  std::ostringstream k;
  k.precision(17);
  k << "eta " << eta << ", lmbda " << o.lmbda << (o.regularization == Regularization::L1 ? " (L1)" : " (L2)")
    << ", early_stopping " << o.early_stopping << ", schedule_patience " << o.schedule_patience;
  return k.str();
}

// Clears the trainer's checkpoint hooks (they point at SGD's locals) on any exit.
struct CheckpointScope {
  optim::Trainer& trainer;
  ~CheckpointScope() { trainer.set_checkpoint({}); }
};

}  // namespace

SGDResult Network::SGD(const Split& training, int epochs, int64_t mini_batch_size, double eta,
                       const SGDOptions& options) {
  const SGDOptions& o = options;
  check_options(epochs, mini_batch_size, eta, o);
  const int64_t n_in = sizes_.front(), n_out = sizes_.back();
  detail::check_split(training, n_in, n_out, "SGD training data");
  if (o.evaluation) detail::check_split(*o.evaluation, n_in, n_out, "SGD evaluation data");

  const int64_t n = training.size();
  const int64_t m = std::min(mini_batch_size, n);
  const Penalty penalty = o.lmbda == 0 ? kNoPenalty : o.regularization == Regularization::L2 ? kL2 : kL1;
  Compiled& c = *compiled_;
  const std::shared_ptr<optim::Optimizer> optimizer =
      o.optimizer ? o.optimizer : std::static_pointer_cast<optim::Optimizer>(c.sgd);
  c.lmbda_over_n.set_value(Tensor::scalar<float>(float(o.lmbda / double(n))));

  // The training set in shared variables: the images as they are, the targets
  // as the cost wants them (int32 labels, or one-hot rows).
  const bool labels = cost_ == Cost::LogLikelihood;
  const optim::SharedData data =
      optim::share_data(training.x, labels ? training.y : one_hot(training.y, n_out), "training");
  Compiled::TrainKey key{m, n % m, int(penalty), optimizer.get()};
  auto it = c.trainers.find(key);
  if (it == c.trainers.end()) {
    c.optimizers_seen[optimizer.get()] = optimizer;
    optim::TrainerOptions t;
    t.mini_batch_size = m;
    t.shuffle = true;      // network2 shuffles every epoch
    t.train_tail = true;   // and trains the last n % m examples as a smaller batch
    t.step_costs = false;  // it reports costs only when monitoring them
    t.name = "network2 SGD";
    it = c.trainers.emplace(key, std::make_shared<optim::Trainer>(network2_objective(layers_, cost_, c.lmbda_over_n,
                                                                                     penalty),
                                                                  optimizer, data, t))
             .first;
  } else {
    it->second->set_training_data(data);
  }
  optim::Trainer& trainer = *it->second;
  trainer.set_permutation([this](int64_t count) { return rng_.permutation(count); });

  SGDResult result;
  NoImprovementRules rules(o, eta);
  optimizer->set_learning_rate(eta);
  // network2's monitoring and rules after each epoch, in its order and wording.
  auto after_epoch = [&](optim::Trainer&, const optim::EpochLog& log) {
    const int epoch = result.epochs_run;
    result.epoch_seconds.push_back(log.seconds);
    result.learning_rate.push_back(rules.eta());
    result.epochs_run = epoch + 1;
    if (o.verbose) std::printf("Epoch %d training complete (%.3f s)\n", epoch, result.epoch_seconds.back());
    monitor(*this, training, o, result);
    bool stop = false;
    if (rules.active()) {
      const int64_t acc = o.monitor_evaluation_accuracy ? result.evaluation_accuracy.back() : accuracy(*o.evaluation);
      bool eta_changed;
      stop = rules.update(acc, eta_changed);
      if (eta_changed) optimizer->set_learning_rate(rules.eta());
    }
    if (o.verbose) {
      std::printf("\n");
      std::fflush(stdout);
    }
    if (o.on_epoch && !o.on_epoch(epoch, result)) stop = true;
    return !stop;
  };
  if (o.checkpoint.empty()) {
    if (o.resume) throw ValueError("nabla: Network::SGD: options.resume needs options.checkpoint (the file to resume from)");
    trainer.fit(epochs, after_epoch);
    return result;
  }
  // Resumable: network2's own state (its shuffling generator, the rules, the
  // result so far) travels in the trainer's checkpoint.
  const std::string settings = settings_key(eta, o);
  optim::Trainer::ClientState client;
  client.save = [&](optim::CheckpointWriter& w) {
    w.str(settings);
    std::ostringstream engine;
    engine << rng_.engine();
    w.str(engine.str());
    rules.save(w);
    save_result(w, result);
  };
  client.load = [&](optim::CheckpointReader& r) {
    const std::string saved = r.str("settings");
    if (saved != settings) r.fail("saved with " + saved + ", but this run has " + settings);
    std::mt19937_64 engine;
    std::istringstream in(r.str("network rng"));
    in >> engine;
    if (!in) r.fail("the network's generator state does not parse");
    const NoImprovementRules::State saved_rules = NoImprovementRules::load(r);
    SGDResult saved_result = load_result(r);
    rng_.engine() = engine;
    rules.restore(saved_rules);
    result = std::move(saved_result);
  };
  CheckpointScope scope{trainer};
  trainer.set_checkpoint(o.checkpoint, client);
  if (o.resume && std::filesystem::exists(o.checkpoint)) {
    trainer.load_checkpoint(o.checkpoint);
    if (trainer.stopped()) return result;  // the saved run had already stopped early
  }
  trainer.fit(std::max(0, epochs - result.epochs_run), after_epoch);
  return result;
}

}  // namespace nabla::nn
