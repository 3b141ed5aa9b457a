// The trainer's data-parallel pieces: shards, averaged gradients, a common start.
#include "optim/data_parallel.hpp"

#include "core/distributed.hpp"
#include "core/error.hpp"
#include "ops/api.hpp"
#include "ops/random_streams_state.hpp"

namespace nabla::optim::detail {

Shard shard_of(int64_t m, const std::string& what) {
  const int64_t n = distributed::size();
  if (m % n != 0)
    throw ValueError("nabla: data-parallel training: " + what + " of " + std::to_string(m) + " examples does not divide over " +
                     std::to_string(n) + " MPI ranks (each rank trains m/N of every mini-batch); choose a size "
                     "that is a multiple of " + std::to_string(n) + " or a number of ranks that divides " +
                     std::to_string(m));
  return Shard{distributed::rank() * (m / n), m / n};
}

std::vector<Var> average_over_ranks(const std::vector<Var>& grads) {
  if (!distributed::active()) return grads;
  std::vector<Var> out;
  for (const Var& g : grads) out.push_back(g.defined() ? allreduce(g, "mean") : g);
  return out;
}

Var global_mean(const Var& cost) { return distributed::active() ? allreduce(cost, "mean") : cost; }

void broadcast_order(std::vector<int64_t>& order) {
  Tensor t = Tensor::from<int64_t>(order, Shape{int64_t(order.size())});
  distributed::broadcast(t, 0);
  const int64_t* p = t.data<int64_t>();
  order.assign(p, p + t.size());
}

void start_ranks_together(const std::vector<Var>& state) {
  if (!distributed::active()) return;
  for (Var v : state) {
    Tensor t = v.value_ref().copy();
    if (is_random_state(v)) {
      // Rank 0 keeps its stream, so rank 0 of N draws what one process would.
      const int64_t r = distributed::rank();
      if (r > 0) {
        int64_t* s = t.data<int64_t>();
        s[0] = int64_t(random_stream_seed(uint64_t(s[0]), uint64_t(r)));
        s[1] = 0;
      }
    } else {
      distributed::broadcast(t, 0);
    }
    v.set_value(t);
  }
}

}  // namespace nabla::optim::detail
