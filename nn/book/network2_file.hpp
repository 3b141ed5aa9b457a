// Reading network2.py's JSON model files into plain values, checked field by
// field before any network is built (Network::load builds from them). Kept
// apart from the network so the parser can be fuzzed on its own
// (tests/fuzz/fuzz_network2_json.cpp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace nabla::nn {

struct Network2File {
  std::vector<int64_t> sizes;
  std::string cost;                 // as written, e.g. "CrossEntropyCost"
  std::string activation;           // "" when the file has none (sigmoid)
  std::vector<Tensor> weights;      // (n_out, n_in) float32 per layer
  std::vector<Tensor> biases;       // (n_out,) float32 per layer
};

// Parses the file at `path`; throws ValueError naming the file and the field.
// Nothing is allocated for a layer before the file is seen to hold all of its
// numbers, so a header promising huge layers costs nothing.
Network2File read_network2_file(const std::string& path);

// The error Network::load raises: names the file and, if given, the field.
[[noreturn]] void bad_network2_file(const std::string& path, const std::string& field, const std::string& what);

}  // namespace nabla::nn
