// Ensembles by plurality vote (the book's conv.py `ensemble`, experiment 6.11).
#pragma once
#include <cstdint>
#include <vector>

namespace nabla::nn {

// predictions[k][i] is net k's label for example i (all nets the same length).
// Returns, per example, the label with the most votes. Tie-break: among the
// labels tied for most votes, the one voted by the earliest net in the list.
// That is what conv.py's Counter(votes).most_common(1) returns on Python 3.7+
// (a stable sort over insertion order); the book leaves ties unspecified.
std::vector<int32_t> plurality_vote(const std::vector<std::vector<int32_t>>& predictions);

// Indices where predicted != labels (the ensemble's errors, F6.1).
std::vector<int64_t> wrong_indices(const std::vector<int32_t>& predicted, const std::vector<int32_t>& labels);

}  // namespace nabla::nn
