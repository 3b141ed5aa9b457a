// The head of a trainer checkpoint, read without a trainer: what load_checkpoint
// and summarize_checkpoint both check first (and what tests/fuzz feeds bytes to).
#include "optim/checkpoint_summary.hpp"

namespace nabla::optim {

TrainerCheckpointHead read_trainer_head(CheckpointReader& r) {
  TrainerCheckpointHead h;
  const std::string kind = r.str("kind");
  if (kind != kTrainerCheckpointKind) r.fail("not a trainer checkpoint (kind '" + kind + "')");
  h.training_size = r.i64("training set size");
  h.mini_batch_size = r.i64("mini-batch size");
  const uint64_t count = r.u64("variable count");
  for (uint64_t k = 0; k < count; ++k) h.variables.push_back(r.tensor("variable"));
  h.steps_done = r.i64("steps done");
  h.stopped = r.u64("stopped") != 0;
  h.shuffle_engine = r.str("shuffle engine");
  return h;
}

}  // namespace nabla::optim
