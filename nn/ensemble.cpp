#include "nn/ensemble.hpp"

#include <map>

#include "core/error.hpp"

namespace nabla::nn {

std::vector<int32_t> plurality_vote(const std::vector<std::vector<int32_t>>& predictions) {
  if (predictions.empty()) throw ValueError("nabla: plurality_vote needs at least one net's predictions");
  const size_t n = predictions.front().size();
  for (size_t k = 1; k < predictions.size(); ++k)
    if (predictions[k].size() != n)
      throw ValueError("nabla: plurality_vote: net " + std::to_string(k) + " has " +
                       std::to_string(predictions[k].size()) + " predictions, net 0 has " + std::to_string(n));
  std::vector<int32_t> out(n);
  std::map<int32_t, int> votes;
  for (size_t i = 0; i < n; ++i) {
    votes.clear();
    for (const auto& net : predictions) ++votes[net[i]];
    // Walk the nets in order and keep the first label that beats the current
    // best strictly: a later label with only as many votes never replaces it.
    int32_t best = predictions.front()[i];
    for (const auto& net : predictions)
      if (votes[net[i]] > votes[best]) best = net[i];
    out[i] = best;
  }
  return out;
}

std::vector<int64_t> wrong_indices(const std::vector<int32_t>& predicted, const std::vector<int32_t>& labels) {
  if (predicted.size() > labels.size())
    throw ValueError("nabla: wrong_indices: " + std::to_string(predicted.size()) + " predictions but only " +
                     std::to_string(labels.size()) + " labels");
  std::vector<int64_t> wrong;
  for (size_t i = 0; i < predicted.size(); ++i)
    if (predicted[i] != labels[i]) wrong.push_back(int64_t(i));
  return wrong;
}

}  // namespace nabla::nn
