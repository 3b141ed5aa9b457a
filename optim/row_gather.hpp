// Copying chosen rows of a data set into a mini-batch tensor, and prefetching
// the next batch's rows. Internal to optim/ (the trainer's shuffled batches).
#pragma once
#include <cstdint>

#include "core/tensor.hpp"

namespace nabla::optim::detail {

// dst = src[rows[0..count)] along axis 0, any dtype and row shape. dst is
// (re)allocated only when its shape or dtype is not already the one needed, so
// a loop that keeps dst never allocates.
void gather_rows(const Tensor& src, const int64_t* rows, int64_t count, Tensor& dst);

// Asks the CPU to start loading rows[0..count) of src into cache. Shuffled rows
// come from all over a large data set; issued one step ahead, the loads overlap
// the step's arithmetic instead of stalling the next gather.
void prefetch_rows(const Tensor& src, const int64_t* rows, int64_t count);

}  // namespace nabla::optim::detail
