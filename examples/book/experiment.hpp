// The nabla-book program: every experiment of the book registers itself here
// under its BOOK.md ID ("1.1", "3.6", "X7") and runs from one small source file.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nabla.hpp"

namespace book {

using json = nlohmann::json;

// Command-line settings shared by every experiment; -1 / empty = the book's default.
struct Context {
  int epochs = -1;
  int64_t train_size = -1;
  uint64_t seed = 12345678;  // the book's scripts seed with 12345678
  int threads = 1;
  std::string data_dir;      // MNIST directory; empty = nabla::nn::default_mnist_dir()
  bool quiet = false;
  // --checkpoint DIR: each training run writes DIR/<experiment>-<run>.ckpt after
  // every epoch; --resume continues the runs from those files.
  std::string checkpoint_dir;
  bool resume = false;
  std::string experiment_id;  // set by the driver: names the checkpoint files
  // --members 4,5: an ensemble (6.11) trains only these members (1-based) into its
  // checkpoints, so several processes can train one ensemble side by side; the
  // vote runs once a run covers all members. Empty = all members.
  std::vector<int> members;
};

// The checkpoint file for one run of the current experiment ("" when off).
std::string checkpoint_file(const Context& ctx, const std::string& run_label);

// Held while a run trains into its checkpoint: a second process training the
// same run (say, two `--members` lists that overlap) gets a clear error instead
// of both writing the file. flock() locks go away when the process dies.
class CheckpointLock {
 public:
  explicit CheckpointLock(const std::string& checkpoint);  // "" = no checkpoint, no lock
  ~CheckpointLock();
  CheckpointLock(const CheckpointLock&) = delete;
  CheckpointLock& operator=(const CheckpointLock&) = delete;

 private:
  int fd_ = -1;
};

// One training run's record, as written to the JSON file.
struct Run {
  std::string label;
  json settings;  // what this run used (merged over the experiment's settings)
  nabla::nn::SGDResult result;
  int64_t evaluation_size = 0;
  int64_t training_size = 0;
};

// What an experiment returns: its runs and its headline number.
struct Report {
  json settings;
  std::vector<Run> runs;
  double accuracy = -1;       // final accuracy of the headline run (fraction), -1 if none
  double best_accuracy = -1;  // best epoch's accuracy
  int best_epoch = -1;
  std::string summary;        // one line printed at the end, e.g. "test accuracy 95.1% (book 95.42%)"
  json extra;                 // optional experiment-specific data (curves, norms), written as "extra"
};

struct Experiment {
  std::string id;
  std::string title;
  std::string book;  // the book's reported result
  std::string defaults;  // one line: the settings it runs with
  std::function<Report(const Context&)> run;
  int ensemble_members = 0;  // > 0: an ensemble of this many nets (accepts --members)
};

// Called from each experiment file through a static initializer.
bool register_experiment(Experiment e);
const std::vector<Experiment>& experiments();

}  // namespace book
