// network2 JSON model files (nn/book/network2_file.cpp): every byte string is
// read into checked weights or refused naming the file and the field.
#include "fuzz_common.hpp"
#include "nn/book/network2_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = nabla_fuzz::write_file("net.json", data, size);
  nabla_fuzz::refused_or_read([&] {
    const nabla::nn::Network2File f = nabla::nn::read_network2_file(path);
    // What Network::load relies on: one weight matrix and bias per layer, shaped by sizes.
    if (f.weights.size() != f.sizes.size() - 1 || f.biases.size() != f.weights.size()) __builtin_trap();
    for (size_t l = 0; l < f.weights.size(); ++l)
      if (f.weights[l].shape() != nabla::Shape{f.sizes[l + 1], f.sizes[l]}) __builtin_trap();
  });
  return 0;
}
