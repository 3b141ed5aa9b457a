// Trainer: compiling the step from an Objective and an Optimizer, and the epoch
// loop (slices or gathered shuffled rows), monitors and callbacks.
#include "optim/trainer.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/distributed.hpp"
#include "core/error.hpp"
#include "core/grad.hpp"
#include "ops/api.hpp"
#include "optim/data_parallel.hpp"
#include "optim/row_gather.hpp"
#include "optim/training.hpp"

namespace nabla::optim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// x[i*m + offset : i*m + offset + rows] and the same rows of y, for the batch
// index i (rows = m, offset 0: the whole batch; else one rank's share of it).
Givens slice_givens(const Var& x, const Var& y, const SharedData& data, const Var& i, int64_t m, int64_t offset = 0,
                    int64_t rows = -1) {
  Var mm = constant(double(m), DType::Int64);
  Var start = offset ? i * mm + constant(double(offset), DType::Int64) : i * mm;
  Var stop = rows < 0 ? (i + constant(1.0, DType::Int64)) * mm : start + constant(double(rows), DType::Int64);
  Givens g{{x, slice(data.x, start, stop)}};
  if (y.defined()) g.push_back({y, slice(data.y, start, stop)});
  return g;
}

// A step input shaped like `data`'s rows with `rows` of them.
Var batch_input(const Var& data, int64_t rows, const std::string& name) {
  Shape s = data.value_ref().shape();
  s[0] = rows;
  return input(data.dtype(), s, name);
}

std::vector<int64_t> fisher_yates(int64_t n, std::mt19937_64& engine) {
  std::vector<int64_t> p(size_t(n > 0 ? n : 0));
  for (int64_t i = 0; i < n; ++i) p[size_t(i)] = i;
  for (int64_t i = n - 1; i > 0; --i) std::swap(p[size_t(i)], p[size_t(int64_t(engine() % uint64_t(i + 1)))]);
  return p;
}

}  // namespace

SharedData share_data(const Tensor& x, const Tensor& y, const std::string& name) {
  if (!x.defined() || x.rank() < 1) throw ValueError("nabla: share_data(" + name + "): x must hold one row per example");
  if (!y.defined() || y.rank() < 1 || y.shape()[0] != x.shape()[0])
    throw ValueError("nabla: share_data(" + name + "): x has " + std::to_string(x.shape()[0]) + " rows but y has " +
                     (y.defined() && y.rank() ? std::to_string(y.shape()[0]) : std::string("none")));
  SharedData d;
  d.x = shared_borrow(x, name + ".x");  // the images once in memory, not twice
  d.y = shared(is_integer(y.dtype()) && y.dtype() != DType::Int32 ? y.astype(DType::Int32) : y, name + ".y");
  d.size = x.shape()[0];
  return d;
}

// ---- EpochLog / TrainResult ---------------------------------------------------------------

double EpochLog::metric(const std::string& name) const {
  std::string known;
  for (const auto& [n, v] : metrics) {
    if (n == name) return v;
    known += (known.empty() ? "" : ", ") + n;
  }
  throw ValueError("nabla: no metric '" + name + "' in the epoch log (monitored: " + (known.empty() ? "none" : known) +
                   ")");
}

std::vector<double> TrainResult::series(const std::string& metric) const {
  std::vector<double> out;
  for (const EpochLog& e : epochs) out.push_back(e.metric(metric));
  return out;
}

// ---- Evaluator ------------------------------------------------------------------------

Evaluator::Evaluator(const Var& x, const Var& y, const Var& value, const SharedData& data, int64_t batch,
                     Reduce reduce, bool drop_tail)
    : batch_(batch), size_(data.size), reduce_(reduce), index_(Tensor::scalar<int64_t>(0)) {
  if (batch <= 0) throw ValueError("nabla: Evaluator: batch must be positive, got " + std::to_string(batch));
  if (!value.defined() || value.rank() != 0) throw ValueError("nabla: Evaluator: the value must be a scalar expression");
  batches_ = drop_tail ? data.size / batch : (data.size + batch - 1) / batch;
  examples_ = drop_tail ? batches_ * batch : data.size;
  if (batches_ == 0)
    throw ValueError("nabla: Evaluator: the data set (" + std::to_string(data.size) +
                     " examples) is smaller than one batch of " + std::to_string(batch));
  Var i = lscalar("batch_index");
  f_ = function({i}, {value}, {}, slice_givens(x, y, data, i, batch));
}

double Evaluator::operator()() {
  double total = 0;
  int64_t* index = index_.data<int64_t>();
  // Under MPI each rank evaluates every N-th batch and the totals are summed.
  const int64_t ranks = distributed::size();
  for (int64_t j = distributed::rank(); j < batches_; j += ranks) {
    index[0] = j;
    const double v = f_({index_})[0].item();
    const int64_t rows = std::min(batch_, size_ - j * batch_);  // the last batch may be short (slices clip)
    total += reduce_ == Reduce::Mean ? v * double(rows) : v;
  }
  distributed::allreduce(&total, 1);
  return total / double(examples_);
}

// ---- Trainer --------------------------------------------------------------------------

Trainer::Trainer(Objective objective, std::shared_ptr<Optimizer> optimizer, const SharedData& training,
                 TrainerOptions options)
    : objective_(std::move(objective)), optimizer_(std::move(optimizer)), data_(training), options_(std::move(options)),
      shuffle_engine_(options_.seed) {
  const Objective& o = objective_;
  if (!optimizer_) throw ValueError("nabla: Trainer needs an optimizer (optim::SGD, Adam, ...)");
  if (!o.x.defined()) throw ValueError("nabla: Trainer: the objective's input x is undefined");
  if (!o.cost.defined() || o.cost.rank() != 0) throw ValueError("nabla: Trainer: the cost must be a scalar expression");
  if (o.params.empty()) throw ValueError("nabla: Trainer: nothing to train (no params)");
  if (o.extra_grads.size() > o.params.size() || o.weight_decay.size() > o.params.size())
    throw ValueError("nabla: Trainer: more extra gradient or weight-decay terms than params");
  if (options_.mini_batch_size <= 0)
    throw ValueError("nabla: Trainer: mini_batch_size must be positive, got " + std::to_string(options_.mini_batch_size));
  check_data(data_);
  // Under MPI: the ranks' mean gradient (optim/data_parallel.hpp); the closed-form
  // terms the optimizer adds are the same on every rank.
  const std::vector<Var> grads = detail::average_over_ranks(grad(o.cost, o.params));
  // One set of update expressions (one optimizer state) shared by the full and
  // the tail step, so momentum or Adam moments carry across both.
  updates_ = optimizer_->updates(o.params, grads, o.extra_grads, o.weight_decay);
  compile();
  detail::start_ranks_together(state_variables());
}

void Trainer::check_data(const SharedData& d) const {
  if (!d.x.defined() || d.size <= 0) throw ValueError("nabla: Trainer: the training set is empty");
  if (objective_.y.defined() && !d.y.defined())
    throw ValueError("nabla: Trainer: the cost reads y but the training set has no y");
  if (d.size < options_.mini_batch_size && !options_.train_tail)
    throw ValueError("nabla: Trainer: the training set (" + std::to_string(d.size) +
                     " examples) is smaller than one mini-batch of " + std::to_string(options_.mini_batch_size));
}

void Trainer::compile() {
  const Objective& o = objective_;
  const int64_t n = data_.size, m = std::min(options_.mini_batch_size, n);
  std::vector<Var> outs;
  if (options_.step_costs) outs.push_back(detail::global_mean(o.cost));
  tail_rows_ = options_.train_tail ? n % m : 0;
  has_tail_step_ = false;
  // This rank's rows of each mini-batch and of the tail (all of them in one process).
  share_ = detail::shard_of(m, "the mini-batch");
  tail_share_ = tail_rows_ > 0 ? detail::shard_of(tail_rows_, "the last mini-batch (n % m)") : detail::Shard{};
  if (!options_.shuffle) {
    Var i = lscalar("batch_index");
    full_step_ = function({i}, outs, updates_, slice_givens(o.x, o.y, data_, i, m, share_.offset, share_.rows));
    // The tail is batch index n / m: the slices clip to its n % m rows.
    if (tail_rows_ > 0) {
      if (distributed::active()) {
        Var it = lscalar("batch_index");
        tail_step_ = function({it}, outs, updates_,
                              slice_givens(o.x, o.y, data_, it, m, tail_share_.offset, tail_share_.rows));
      } else {
        tail_step_ = full_step_;
      }
      has_tail_step_ = true;
    }
    return;
  }
  // Shuffled: the step's inputs are the gathered rows, with a static batch size so shapes fold.
  auto compile_rows = [&](int64_t rows) {
    Var xb = batch_input(data_.x, rows, "x_batch");
    Givens g{{o.x, xb}};
    std::vector<Var> inputs{xb};
    if (o.y.defined()) {
      Var yb = batch_input(data_.y, rows, "y_batch");
      g.push_back({o.y, yb});
      inputs.push_back(yb);
    }
    return function(inputs, outs, updates_, g);
  };
  full_step_ = compile_rows(share_.rows);
  if (tail_rows_ > 0) {
    tail_step_ = compile_rows(tail_share_.rows);
    has_tail_step_ = true;
  }
  full_args_.assign(o.y.defined() ? 2 : 1, Tensor());
  tail_args_.assign(full_args_.size(), Tensor());
}

void Trainer::set_training_data(const SharedData& training) {
  check_data(training);
  const Shape old_x = data_.x.value_ref().shape(), new_x = training.x.value_ref().shape();
  bool same_rows = options_.shuffle && old_x.rank() == new_x.rank() && training.x.dtype() == data_.x.dtype() &&
                   (!objective_.y.defined() || (training.y.dtype() == data_.y.dtype() &&
                                                training.y.value_ref().rank() == data_.y.value_ref().rank()));
  for (int d = 1; same_rows && d < old_x.rank(); ++d) same_rows = old_x[d] == new_x[d];
  const int64_t m = std::min(options_.mini_batch_size, training.size);
  const bool same_batches = m == std::min(options_.mini_batch_size, data_.size) &&
                            (options_.train_tail ? training.size % m : 0) == tail_rows_;
  data_ = training;
  if (!(same_rows && same_batches)) compile();  // slices bake the data into the step
}

int64_t Trainer::steps_per_epoch() const {
  const int64_t m = std::min(options_.mini_batch_size, data_.size);
  return data_.size / m + (has_tail_step_ ? 1 : 0);
}

void Trainer::add_monitor(const std::string& name, Monitor monitor) {
  if (!monitor) throw ValueError("nabla: Trainer::add_monitor('" + name + "'): the monitor is empty");
  monitors_.push_back({name, std::move(monitor)});
}

void Trainer::add_accuracy_monitor(const std::string& name, const Var& output, const SharedData& data, int64_t batch,
                                   bool drop_tail) {
  if (!objective_.y.defined()) throw ValueError("nabla: Trainer: an accuracy monitor needs the objective's labels y");
  Var correct = sum(cast(eq(argmax(output, 1), objective_.y), DType::Float32));
  auto eval = std::make_shared<Evaluator>(objective_.x, objective_.y, correct, data, batch, Evaluator::Reduce::Sum,
                                          drop_tail);
  add_monitor(name, [eval] { return (*eval)(); });
}

void Trainer::add_callback(Callback callback) {
  if (!callback) throw ValueError("nabla: Trainer::add_callback: the callback is empty");
  callbacks_.push_back(std::move(callback));
}

double Trainer::train_epoch() {
  const int64_t n = data_.size, m = std::min(options_.mini_batch_size, n);
  const int64_t full = n / m;
  const bool costs = options_.step_costs;
  Progress progress(options_.name + " mini-batches", steps_per_epoch(), 5.0, m);
  const bool show_progress = options_.progress && distributed::rank() == 0;
  const int64_t every = options_.every_n_steps.call ? options_.every_n_steps.n : 0;
  auto before_step = [&] {
    if (every > 0 && steps_done_ % every == 0) options_.every_n_steps.call(steps_done_);
    ++steps_done_;
  };
  double total = 0;
  if (!options_.shuffle) {
    Tensor index = Tensor::scalar<int64_t>(0);
    int64_t* i = index.data<int64_t>();
    const std::vector<Tensor> args{index};
    for (int64_t b = 0; b < full; ++b) {
      i[0] = b;
      before_step();
      const auto& out = full_step_(args);
      if (costs) total += out[0].item();
      if (show_progress) progress.tick(b + 1);
    }
    if (has_tail_step_) {
      i[0] = full;
      before_step();
      const auto& out = tail_step_(args);
      if (costs) total += out[0].item() * double(tail_rows_) / double(m);
    }
  } else {
    std::vector<int64_t> order = options_.permutation ? options_.permutation(n) : fisher_yates(n, shuffle_engine_);
    if (int64_t(order.size()) != n)
      throw ValueError("nabla: Trainer: the permutation has " + std::to_string(order.size()) + " entries for " +
                       std::to_string(n) + " examples");
    // Every rank must cut the same global mini-batches: rank 0's order, even
    // when the ranks were seeded differently (n int64s once per epoch).
    if (distributed::active()) detail::broadcast_order(order);
    const Tensor& xs = data_.x.value_ref();
    const Tensor* ys = objective_.y.defined() ? &data_.y.value_ref() : nullptr;
    for (int64_t b = 0; b < full; ++b) {
      const int64_t* rows = order.data() + b * m + share_.offset;
      detail::gather_rows(xs, rows, share_.rows, full_args_[0]);
      if (ys) detail::gather_rows(*ys, rows, share_.rows, full_args_[1]);
      const int64_t next = (b + 1) * m;
      if (next + share_.offset < n)
        detail::prefetch_rows(xs, order.data() + next + share_.offset, std::min(share_.rows, n - next - share_.offset));
      before_step();
      const auto& out = full_step_(full_args_);
      if (costs) total += out[0].item();
      if (show_progress) progress.tick(b + 1);
    }
    if (has_tail_step_) {
      const int64_t* rows = order.data() + full * m + tail_share_.offset;
      detail::gather_rows(xs, rows, tail_share_.rows, tail_args_[0]);
      if (ys) detail::gather_rows(*ys, rows, tail_share_.rows, tail_args_[1]);
      before_step();
      const auto& out = tail_step_(tail_args_);
      if (costs) total += out[0].item() * double(tail_rows_) / double(m);
    }
  }
  if (show_progress) progress.finish();
  // The mean per example: full batches weigh m, the tail its own rows.
  const double weight = double(full) + (has_tail_step_ ? double(tail_rows_) / double(m) : 0.0);
  return costs ? total / weight : kNaN;
}

const TrainResult& Trainer::fit(int epochs, const Callback& also) {
  if (epochs < 0) throw ValueError("nabla: Trainer::fit: epochs must be >= 0, got " + std::to_string(epochs));
  for (int k = 0; k < epochs; ++k) {
    EpochLog log;
    log.epoch = result_.epochs_run();
    log.learning_rate = optimizer_->learning_rate();
    const auto t0 = std::chrono::steady_clock::now();
    log.training_cost = train_epoch();
    log.seconds = seconds_since(t0);
    for (auto& [name, monitor] : monitors_) log.metrics.push_back({name, monitor()});
    if (options_.verbose && distributed::rank() == 0) {
      std::printf("Epoch %d: cost %.6g", log.epoch, log.training_cost);
      for (const auto& [name, v] : log.metrics) std::printf(", %s %.6g", name.c_str(), v);
      std::printf(" (%.3f s)\n", log.seconds);
      std::fflush(stdout);
    }
    result_.epochs.push_back(log);
    bool go_on = true;
    for (Callback& cb : callbacks_) go_on = cb(*this, result_.epochs.back()) && go_on;
    if (also) go_on = also(*this, result_.epochs.back()) && go_on;
    stopped_ = !go_on;
    if (!checkpoint_path_.empty()) save_checkpoint(checkpoint_path_);
    if (!go_on) break;
  }
  return result_;
}

}  // namespace nabla::optim
