#include "optim/checkpoint_summary.hpp"

#include <cstdio>


namespace nabla::optim {

CheckpointSummary summarize_checkpoint(const std::string& path) {
  CheckpointReader r = read_checkpoint(path);
  const TrainerCheckpointHead head = read_trainer_head(r);
  CheckpointSummary s;
  s.kind = "nabla.optim.Trainer";
  s.training_size = head.training_size;
  s.mini_batch_size = head.mini_batch_size;
  for (const StoredTensor& t : head.variables) s.variables.push_back({t.name, t.dtype, t.shape, fnv1a64(t.bytes)});
  s.steps_done = head.steps_done;
  s.epochs_done = int64_t(r.u64("epoch count"));
  return s;  // the epoch logs and the client's part follow; the summary stops here
}

std::string CheckpointSummary::text() const {
  std::string out = kind + ": " + std::to_string(training_size) + " examples, mini-batch " +
                    std::to_string(mini_batch_size) + ", " + std::to_string(epochs_done) + " epochs, " +
                    std::to_string(steps_done) + " steps\n";
  for (const Variable& v : variables) {
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(v.fnv1a));
    out += "  " + v.name + " " + dtype_name(v.dtype) + " " + v.shape.str() + " fnv1a " + hash + "\n";
  }
  return out;
}

}  // namespace nabla::optim
