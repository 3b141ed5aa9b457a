// Trainer checkpoints: what a resumed run needs to continue bit for bit.
// Variables are stored with their names, dtypes and shapes and matched in
// order, so another network is refused naming the variable and both shapes.
// Everything is read and checked before anything is assigned.
#include <cstring>
#include <sstream>
#include <unordered_set>

#include "core/error.hpp"
#include "optim/checkpoint.hpp"
#include "optim/checkpoint_summary.hpp"
#include "optim/trainer.hpp"
#include "core/distributed.hpp"

namespace nabla::optim {

namespace {
std::string shape_and_dtype(DType d, const Shape& s) { return s.str() + " " + dtype_name(d); }
}  // namespace

void Trainer::set_checkpoint(std::string path, ClientState client) {
  checkpoint_path_ = std::move(path);
  checkpoint_client_ = std::move(client);
}

std::vector<Var> Trainer::state_variables() const {
  std::vector<Var> vars;
  std::unordered_set<const VarImpl*> seen;
  auto add = [&](const Var& v) {
    if (seen.insert(v.impl()).second) vars.push_back(v);
  };
  for (const Var& v : full_step_.update_targets()) add(v);
  if (has_tail_step_)
    for (const Var& v : tail_step_.update_targets()) add(v);
  add(optimizer_->learning_rate_var());  // schedules change it between epochs
  return vars;
}

void Trainer::save_checkpoint(const std::string& path) const {
  if (distributed::rank() != 0) return;  // the ranks hold the same state; rank 0 writes it
  CheckpointWriter w;
  w.str(kTrainerCheckpointKind);
  w.i64(data_.size);
  w.i64(options_.mini_batch_size);
  const std::vector<Var> vars = state_variables();
  w.u64(vars.size());
  for (const Var& v : vars) w.tensor(v.name(), v.value_ref());
  w.i64(steps_done_);
  w.u64(stopped_ ? 1 : 0);
  std::ostringstream engine;
  engine << shuffle_engine_;
  w.str(engine.str());
  w.u64(result_.epochs.size());
  for (const EpochLog& e : result_.epochs) {
    w.i64(e.epoch);
    w.f64(e.training_cost);
    w.f64(e.seconds);
    w.f64(e.learning_rate);
    w.u64(e.metrics.size());
    for (const auto& [name, value] : e.metrics) {
      w.str(name);
      w.f64(value);
    }
  }
  if (checkpoint_client_.save) checkpoint_client_.save(w);
  write_checkpoint(path, w.payload());
}

void Trainer::load_checkpoint(const std::string& path) {
  CheckpointReader r = read_checkpoint(path);
  TrainerCheckpointHead head = read_trainer_head(r);
  const int64_t size = head.training_size, m = head.mini_batch_size;
  if (size != data_.size)
    r.fail("the training set has " + std::to_string(size) + " examples in the file but " +
           std::to_string(data_.size) + " here");
  if (m != options_.mini_batch_size)
    r.fail("the mini-batch size is " + std::to_string(m) + " in the file but " +
           std::to_string(options_.mini_batch_size) + " here");
  const std::vector<Var> vars = state_variables();
  if (head.variables.size() != vars.size())
    r.fail("holds " + std::to_string(head.variables.size()) + " variables but the trainer updates " +
           std::to_string(vars.size()) + " (another network or optimizer?)");
  std::vector<StoredTensor>& values = head.variables;
  for (size_t k = 0; k < vars.size(); ++k) {
    const StoredTensor& t = values[k];
    const std::string who = "variable #" + std::to_string(k) + " '" + vars[k].name() + "'";
    if (t.name != vars[k].name()) r.fail(who + " is named '" + t.name + "' in the file");
    const Tensor& now = vars[k].value_ref();
    if (t.dtype != now.dtype() || !(t.shape == now.shape()))
      r.fail(who + " has shape " + shape_and_dtype(t.dtype, t.shape) + " in the file but " +
             shape_and_dtype(now.dtype(), now.shape()) + " in the network");
  }
  const int64_t steps = head.steps_done;
  const bool stopped = head.stopped;
  std::mt19937_64 engine;
  {
    std::istringstream in(head.shuffle_engine);
    in >> engine;
    if (!in) r.fail("the shuffle engine's state does not parse");
  }
  TrainResult result;
  const uint64_t epochs = r.u64("epoch count");
  for (uint64_t k = 0; k < epochs; ++k) {
    EpochLog e;
    e.epoch = int(r.i64("epoch"));
    e.training_cost = r.f64("training cost");
    e.seconds = r.f64("seconds");
    e.learning_rate = r.f64("learning rate");
    const uint64_t metrics = r.u64("metric count");
    for (uint64_t j = 0; j < metrics; ++j) {
      std::string name = r.str("metric name");
      e.metrics.push_back({name, r.f64("metric value")});
    }
    result.epochs.push_back(std::move(e));
  }
  // The client checks and restores its part; only then the trainer's own.
  if (checkpoint_client_.load) checkpoint_client_.load(r);
  if (!r.at_end()) r.fail("has unread bytes after the last field (saved by another client?)");
  for (size_t k = 0; k < vars.size(); ++k) {
    Tensor t(values[k].dtype, values[k].shape);
    std::memcpy(t.raw(), values[k].bytes.data(), values[k].bytes.size());
    Var(vars[k]).set_value(t);
  }
  steps_done_ = steps;
  stopped_ = stopped;
  shuffle_engine_ = engine;
  result_ = std::move(result);
  // Under mpirun every rank read the file rank 0 wrote: split the random
  // streams per rank again (the parameters are rank 0's already).
  detail::start_ranks_together(vars);
}

}  // namespace nabla::optim
