// Network::SGD: network2's training loop. Every mini-batch step is one call of
// a compiled function whose updates carry the whole parameter change; the loop
// around it only copies the shuffled rows into tensors it allocated once.
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/error.hpp"
#include "core/grad.hpp"
#include "nn/network2_internal.hpp"
#include "ops/api.hpp"

namespace nabla::nn {

namespace {

enum Penalty { kNoPenalty = 0, kL2 = 1, kL1 = 2 };

// One mini-batch step. grad() differentiates the mean per-example cost; the
// penalty's gradient is added in closed form, (lmbda/n) w for L2 and
// (lmbda/n) sign(w) for L1 (the derivatives of (lmbda/2n) sum w^2 and
// (lmbda/n) sum |w|), and the default update is network2's own line
//   w <- (1 - eta lmbda/n) w - eta dC0/dw.
// Differentiating the penalty through the graph instead gives the same numbers
// but several extra passes over every weight matrix and hides the update from
// the gemm_update rewrite: an epoch of [784,100,10] at lmbda 5 took 0.52 s that
// way, 0.26 s this way (0.24 s without a penalty). A known batch size lets
// every shape fold at compile time; -1 leaves it open.
Function compile_train_step(const std::vector<FullyConnected>& layers, Cost cost, const Var& eta,
                            const Var& lmbda_over_n, int64_t batch, Penalty penalty, optim::Optimizer* optimizer) {
  const int64_t n_in = layers.front().n_in(), n_out = layers.back().n_out();
  Var x = input(DType::Float32, Shape{batch, n_in}, "x");
  Var y = cost == Cost::LogLikelihood ? input(DType::Int32, Shape{batch}, "y")
                                      : input(DType::Float32, Shape{batch, n_out}, "y");
  std::vector<Var> params;
  std::vector<bool> is_weight;
  for (const FullyConnected& layer : layers) {
    params.push_back(layer.W), is_weight.push_back(true);
    params.push_back(layer.b), is_weight.push_back(false);
  }
  const std::vector<Var> grads = grad(cost_expr(cost, network_output(layers, x), y), params);
  Updates updates;
  if (optimizer) {
    std::vector<Var> total = grads;
    for (size_t k = 0; k < params.size(); ++k) {
      if (!is_weight[k] || penalty == kNoPenalty) continue;
      total[k] = total[k] + lmbda_over_n * (penalty == kL2 ? params[k] : sign(params[k]));
    }
    return function({x, y}, {}, optimizer->updates(params, total));
  }
  for (size_t k = 0; k < params.size(); ++k) {
    const Var& p = params[k];
    Var kept = p;  // what remains of p before the gradient step
    if (is_weight[k] && penalty == kL2) kept = p * (1.0 - eta * lmbda_over_n);
    if (is_weight[k] && penalty == kL1) kept = p - (eta * lmbda_over_n) * sign(p);
    updates.push_back({p, kept - eta * grads[k]});
  }
  return function({x, y}, {}, updates);
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

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
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

 private:
  const SGDOptions& o_;
  double eta0_, eta_;
  int64_t best_ = -1;
  int since_best_ = 0;
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
  const int64_t full_batches = n / m, tail = n % m;
  const Penalty penalty = o.lmbda == 0 ? kNoPenalty : o.regularization == Regularization::L2 ? kL2 : kL1;
  optim::Optimizer* optimizer = o.optimizer.get();

  Compiled& c = *compiled_;
  c.lmbda_over_n.set_value(Tensor::scalar<float>(float(o.lmbda / double(n))));
  auto set_eta = [&](double value) {
    if (optimizer) optimizer->set_learning_rate(value);
    else c.eta.set_value(Tensor::scalar<float>(float(value)));
  };
  // An optimizer's state (velocities, moments) belongs to one compiled function,
  // so with an optimizer one function serves every batch size.
  auto step_for = [&](int64_t rows) -> Function& {
    const int64_t batch = optimizer ? -1 : rows;
    Compiled::TrainKey key{batch, int(penalty), optimizer};
    auto it = c.train.find(key);
    if (it == c.train.end()) {
      if (optimizer) c.optimizers_seen[optimizer] = o.optimizer;
      it = c.train.emplace(key, compile_train_step(layers_, cost_, c.eta, c.lmbda_over_n, batch, penalty, optimizer))
               .first;
    }
    return it->second;
  };
  Function* full_step = full_batches > 0 ? &step_for(m) : nullptr;
  Function* tail_step = tail > 0 ? &step_for(tail) : nullptr;

  // Mini-batch tensors, allocated once; the gathers below write into them.
  const bool labels = cost_ == Cost::LogLikelihood;
  std::vector<Tensor> full_args(2), tail_args(2);
  auto gather = [&](const int64_t* rows, int64_t count, std::vector<Tensor>& args) {
    detail::gather_rows(training.x, rows, count, args[0]);
    if (labels) detail::gather_labels(training.y, rows, 0, count, args[1]);
    else detail::gather_one_hot(training.y, rows, 0, count, n_out, args[1]);
  };

  SGDResult result;
  NoImprovementRules rules(o, eta);
  set_eta(eta);
  for (int epoch = 0; epoch < epochs; ++epoch) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<int64_t> order = rng_.permutation(n);
    for (int64_t b = 0; b < full_batches; ++b) {
      gather(order.data() + b * m, m, full_args);
      const int64_t next = (b + 1) * m;
      if (next < n) detail::prefetch_rows(training.x, order.data() + next, std::min(m, n - next));
      (*full_step)(full_args);
    }
    if (tail_step) {
      gather(order.data() + full_batches * m, tail, tail_args);
      (*tail_step)(tail_args);
    }
    result.epoch_seconds.push_back(seconds_since(t0));
    result.learning_rate.push_back(rules.eta());
    result.epochs_run = epoch + 1;

    if (o.verbose) std::printf("Epoch %d training complete (%.3f s)\n", epoch, result.epoch_seconds.back());
    monitor(*this, training, o, result);
    bool stop = false;
    if (rules.active()) {
      const int64_t acc = o.monitor_evaluation_accuracy ? result.evaluation_accuracy.back() : accuracy(*o.evaluation);
      bool eta_changed;
      stop = rules.update(acc, eta_changed);
      if (eta_changed) set_eta(rules.eta());
    }
    if (o.verbose) {
      std::printf("\n");
      std::fflush(stdout);
    }
    if (o.on_epoch && !o.on_epoch(epoch, result)) stop = true;
    if (stop) break;
  }
  return result;
}

}  // namespace nabla::nn
