// The one training loop. A Trainer owns the epoch loop over a data set held in
// shared variables: each mini-batch step is one call of a compiled function
// that applies an optimizer's symbolic updates. Mini-batches come either as
// slices x[i*m:(i+1)*m] through givens (stored order, network3's way) or, when
// shuffling, as the rows of a fresh permutation gathered into the step's input
// tensors (network2's way; the next batch's rows are prefetched while this
// step runs). After each epoch it runs the monitors (any metric on any split,
// evaluated in batches by an Evaluator) and the callbacks (early stopping,
// schedules, printing); a callback returning false stops training.
//
// Under mpirun the same Trainer trains data-parallel (optim/data_parallel.hpp):
// each rank steps on its m/N rows of every mini-batch with gradients averaged
// in the step, monitors are evaluated sharded and summed, and only rank 0
// prints and writes checkpoints.
//
// The per-step path allocates nothing and makes no virtual or std::function
// call besides the compiled function itself; monitors and callbacks run once
// per epoch.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/function.hpp"
#include "optim/data_parallel.hpp"
#include "optim/optimizers.hpp"

namespace nabla::optim {

class CheckpointWriter;
class CheckpointReader;

// A data set in shared variables: x holds one example per row (any rank), y one
// label (int32) or one target row per example.
struct SharedData {
  Var x, y;
  int64_t size = 0;
};
// x and y as a data set in shared variables; integer labels become int32. The
// images are borrowed (shared_borrow), not copied: x must not be written while
// the data set is in use.
SharedData share_data(const Tensor& x, const Tensor& y, const std::string& name = "data");

// What the trainer minimizes.
struct Objective {
  Var x, y;                 // the inputs the cost reads; each step replaces them with a mini-batch
  Var cost;                 // scalar: the mini-batch's mean cost
  std::vector<Var> params;  // shared variables to train
  // Optional closed-form terms added to grad(cost, params)[k] (undefined: none),
  // e.g. weight decay (lmbda/n) * w. Cheaper than differentiating a penalty
  // through the graph, and plain SGD keeps the update a single GEMM.
  std::vector<Var> extra_grads;
  // Optional weight decay per param: a scalar d adds d * param to its gradient
  // (L2 with d = lmbda / n).
  std::vector<Var> weight_decay;
};

struct TrainerOptions {
  int64_t mini_batch_size = 10;
  // A new random order every epoch (rows gathered); otherwise stored order (slices).
  bool shuffle = false;
  // The order for an epoch when shuffling: a permutation of 0..n-1. Default:
  // Fisher-Yates from a mt19937_64 seeded with `seed`.
  std::function<std::vector<int64_t>(int64_t n)> permutation;
  uint64_t seed = 12345678;
  // Train the last n % m examples as a smaller mini-batch (network2) or drop
  // them (network3, whose layers are built for exactly m rows).
  bool train_tail = true;
  // Each step returns its cost, so an epoch reports its mean training cost. Off,
  // the step computes only the gradients.
  bool step_costs = true;
  // Print one line per epoch (cost, monitors, seconds) to stdout.
  bool verbose = false;
  // "label: done/total" progress on stderr for long epochs (see optim::Progress).
  bool progress = true;
  std::string name = "training";
  // Called before every n-th step counted over all epochs (step 0 first), e.g.
  // network3's "Training mini-batch number" lines. n = 0: never; the check is
  // one integer test per step.
  struct EveryNSteps {
    int64_t n = 0;
    std::function<void(int64_t step)> call;
  } every_n_steps;
};

// One epoch's record.
struct EpochLog {
  int epoch = 0;
  double training_cost = 0;  // mean of the steps' costs (NaN with step_costs off)
  double seconds = 0;        // the training steps only (monitors excluded)
  double learning_rate = 0;  // the optimizer's, during this epoch
  std::vector<std::pair<std::string, double>> metrics;  // the monitors, in the order added
  double metric(const std::string& name) const;         // throws naming the known ones
};

struct TrainResult {
  std::vector<EpochLog> epochs;
  int epochs_run() const { return int(epochs.size()); }
  std::vector<double> series(const std::string& metric) const;  // that metric per epoch
};

// Mean over a data set of a metric, in batches of `batch` rows: per batch the
// compiled function of the batch index returns `value`, either a SUM over the
// batch's examples (e.g. the number classified right) or a MEAN over them (a
// cost); the evaluator adds them up and divides by the examples covered.
// drop_tail: ignore the last n % batch examples (for graphs built for exactly
// `batch` rows).
class Evaluator {
 public:
  enum class Reduce { Sum, Mean };
  Evaluator(const Var& x, const Var& y, const Var& value, const SharedData& data, int64_t batch,
            Reduce reduce = Reduce::Sum, bool drop_tail = false);
  double operator()();
  int64_t examples() const { return examples_; }  // how many the mean covers

 private:
  Function f_;
  int64_t batch_, batches_, examples_, size_;
  Reduce reduce_;
  Tensor index_;
};

class Trainer {
 public:
  using Monitor = std::function<double()>;
  // Called after each epoch's monitors; return false to stop.
  using Callback = std::function<bool(Trainer&, const EpochLog&)>;

  Trainer(Objective objective, std::shared_ptr<Optimizer> optimizer, const SharedData& training,
          TrainerOptions options = {});

  // Adds a metric computed after every epoch (shown in EpochLog::metrics).
  void add_monitor(const std::string& name, Monitor monitor);
  // The accuracy of `output` (argmax over axis 1 against integer labels y) on
  // `data`, as a fraction, evaluated in batches.
  void add_accuracy_monitor(const std::string& name, const Var& output, const SharedData& data,
                            int64_t batch = 1000, bool drop_tail = false);
  void add_callback(Callback callback);

  // `epochs` passes with monitors and callbacks after each (then `also`, for
  // this call only); stops early when one says so. Results accumulate across calls.
  const TrainResult& fit(int epochs, const Callback& also = {});
  // One pass over the mini-batches alone; returns the mean cost (NaN with step_costs off).
  double train_epoch();
  // Swaps the training set for another of the same row shape without recompiling
  // when shuffling (gathered rows); with slices the step is compiled again.
  void set_training_data(const SharedData& training);

  // Replaces options().permutation (e.g. to draw from a generator the caller owns).
  void set_permutation(std::function<std::vector<int64_t>(int64_t n)> permutation) {
    options_.permutation = std::move(permutation);
  }

  // ---- Resumable training (optim/trainer_checkpoint.cpp) ----
  // State a client keeps outside the trainer (its own generator, stopping
  // rules, results so far), saved after the trainer's. `load` must check
  // everything it reads before changing anything.
  struct ClientState {
    std::function<void(CheckpointWriter&)> save;
    std::function<void(CheckpointReader&)> load;
  };
  // After every epoch of fit() (monitors and callbacks done), writes a
  // checkpoint to `path` atomically; an empty path turns that off.
  void set_checkpoint(std::string path, ClientState client = {});
  // Everything the steps change (every update target of the compiled steps:
  // params, optimizer state, random streams), the learning rate, the epoch
  // logs, the step count, the shuffle engine, then the client's state.
  void save_checkpoint(const std::string& path) const;
  // Restores a save_checkpoint of the same network (the variables are matched
  // in order by name, dtype and shape) and training set; throws ValueError
  // naming the file and the first mismatch, changing nothing.
  void load_checkpoint(const std::string& path);
  // A callback stopped fit() after the last epoch (kept in checkpoints).
  bool stopped() const { return stopped_; }
  // The shared variables a checkpoint holds, in file order.
  std::vector<Var> state_variables() const;

  Optimizer& optimizer() { return *optimizer_; }
  const TrainerOptions& options() const { return options_; }
  const TrainResult& result() const { return result_; }
  int64_t steps_per_epoch() const;
  // The compiled step for full mini-batches (inputs: the batch index with
  // slices, (x rows, y rows) when shuffling).
  Function& step() { return full_step_; }

 private:
  void compile();
  void check_data(const SharedData& d) const;

  Objective objective_;
  std::shared_ptr<Optimizer> optimizer_;
  SharedData data_;
  TrainerOptions options_;
  Updates updates_;
  Function full_step_, tail_step_;
  bool has_tail_step_ = false;
  int64_t tail_rows_ = 0;
  detail::Shard share_, tail_share_;  // this rank's rows of a mini-batch and of the tail
  std::vector<Tensor> full_args_, tail_args_;  // gathered mini-batches, allocated once
  std::mt19937_64 shuffle_engine_;
  std::vector<std::pair<std::string, Monitor>> monitors_;
  std::vector<Callback> callbacks_;
  TrainResult result_;
  int64_t steps_done_ = 0;  // over all epochs (every_n_steps)
  bool stopped_ = false;
  std::string checkpoint_path_;
  ClientState checkpoint_client_;
};

}  // namespace nabla::optim
