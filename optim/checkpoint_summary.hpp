// What a trainer checkpoint holds, without a network to load it into: the
// training set and mini-batch sizes, the steps and epochs done, and each
// variable's name, dtype, shape and a hash of its bytes. Two runs whose
// summaries agree have bit-identical parameters and optimizer state.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "optim/checkpoint.hpp"

namespace nabla::optim {

// The trainer's fields at the start of its checkpoints, in file order (written
// by Trainer::save_checkpoint); the epoch logs and the client's state follow.
struct TrainerCheckpointHead {
  int64_t training_size = 0, mini_batch_size = 0;
  std::vector<StoredTensor> variables;
  int64_t steps_done = 0;
  bool stopped = false;
  std::string shuffle_engine;  // std::mt19937_64's text form
};
// The "kind" string every trainer checkpoint starts with.
constexpr const char* kTrainerCheckpointKind = "nabla.optim.Trainer";

// Reads them from `r` (optim/trainer_checkpoint_head.cpp);
// fails naming the file unless it is a trainer checkpoint.
TrainerCheckpointHead read_trainer_head(CheckpointReader& r);

struct CheckpointSummary {
  struct Variable {
    std::string name;
    DType dtype = DType::Float32;
    Shape shape;
    uint64_t fnv1a = 0;  // of the value's bytes
  };
  std::string kind;
  int64_t training_size = 0, mini_batch_size = 0, steps_done = 0;
  int64_t epochs_done = 0;
  std::vector<Variable> variables;
  std::string text() const;  // one header line, then one line per variable
};

// Reads and verifies `path` (as load_checkpoint does); throws ValueError naming
// the file when it is not a trainer checkpoint or is damaged.
CheckpointSummary summarize_checkpoint(const std::string& path);

}  // namespace nabla::optim
