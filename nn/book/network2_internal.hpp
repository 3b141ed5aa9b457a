// Internal to nn/book/network2*.cpp: the compiled functions a Network keeps, and the
// checks and row copies its entry points share.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "core/function.hpp"
#include "nn/book/network2.hpp"
#include "optim/optimizers.hpp"
#include "optim/trainer.hpp"

namespace nabla::nn {

struct Network::Compiled {
  // Evaluation, for any number of rows: x -> a, x -> argmax(a), (x, y) -> mean
  // cost, () -> (sum w^2, sum |w|).
  std::optional<Function> forward, predict, mean_cost, norms;

  // Trainers, one per (mini-batch size, tail size, penalty kind, optimizer):
  // their steps have static batch shapes. eta and lmbda/n are shared scalars,
  // so schedules and new data of the same shape need no recompile.
  using TrainKey = std::tuple<int64_t, int64_t, int, const optim::Optimizer*>;
  std::map<TrainKey, std::shared_ptr<optim::Trainer>> trainers;
  std::map<const optim::Optimizer*, std::shared_ptr<optim::Optimizer>> optimizers_seen;  // keeps keys unique
  std::shared_ptr<optim::SGD> sgd;  // network2's own update rule (the default)
  Var lmbda_over_n;                 // float32 scalar: lambda / training-set size
};

// act(... act(x W0^T + b0) ...): the network's output expression for input x.
Var network_output(const std::vector<FullyConnected>& layers, const Var& x);

namespace detail {

// Throws ValueError unless data.x is float32 (n, n_in) with n > 0 and data.y
// holds n integer labels in [0, n_classes). `what` names the data set.
void check_split(const Split& data, int64_t n_in, int64_t n_classes, const std::string& what);

// The labels of a block of rows, rows[r] for r < count, or first + r when rows
// is null. Each writes into dst, (re)allocating it only when its shape is not
// already the one needed.
void gather_one_hot(const Tensor& labels, const int64_t* rows, int64_t first, int64_t count, int64_t classes,
                    Tensor& dst);  // float32 (count, classes)
void gather_labels(const Tensor& labels, const int64_t* rows, int64_t first, int64_t count,
                   Tensor& dst);  // int32 (count,)

}  // namespace detail

}  // namespace nabla::nn
