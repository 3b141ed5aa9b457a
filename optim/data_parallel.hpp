// Data-parallel training over the MPI ranks (core/distributed): what the
// trainer does differently when there is more than one process. Each rank
// takes its own contiguous share of every global mini-batch (m/N rows at
// offset rank * m/N), the gradients are averaged over ranks inside the
// compiled step (allreduce "mean", bucketed into one call), and the step's
// cost is the global batch's. Costs are means over their mini-batch, so the
// mean over equal shards is the full batch's gradient; terms that do not
// depend on the batch (L2 with lmbda/n, n the whole training set every rank
// holds) are the same on every rank and survive the mean unchanged. Hence N
// ranks take the same step as one process on the same global mini-batch.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/var.hpp"

namespace nabla::optim::detail {

struct Shard {
  int64_t offset = 0;  // this rank's first row within the global batch
  int64_t rows = 0;    // this rank's rows
};
// This rank's share of a global batch of `m` rows. ValueError naming m and the
// number of ranks when it does not divide (`what` says which batch).
Shard shard_of(int64_t m, const std::string& what);

// Each gradient averaged over the ranks; the gradients unchanged in one process.
std::vector<Var> average_over_ranks(const std::vector<Var>& grads);
// The cost as the ranks' mean (the global mini-batch's mean cost).
Var global_mean(const Var& cost);

// Rank 0's epoch order on every rank (in place).
void broadcast_order(std::vector<int64_t>& order);

// Makes the training state start identical on every rank: rank 0's values of
// every state variable are broadcast, except random stream states, which are
// split per rank instead (rank r > 0 reseeds from its state and r), so dropout
// masks differ between ranks yet repeat from run to run. No-op in one process.
void start_ranks_together(const std::vector<Var>& state);

}  // namespace nabla::optim::detail
