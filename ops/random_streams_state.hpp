// The seed a RandomStreams(seed) gives its k-th draw's state ([stream seed, 0]):
// what a RandomStreams rebuilt from a pickle reseeds its restored states with.
#pragma once
#include <cstdint>

namespace nabla {

uint64_t random_stream_seed(uint64_t seed, uint64_t k);

}  // namespace nabla
