// Dense copy of a strided view, shared by the shape ops (dimshuffle) and the
// indexing ops (subtensor). Defined in ops/shape.cpp.
#pragma once
#include <cstddef>

#include "core/shape.hpp"

namespace nabla::detail {

// Copies the view of `src` with element strides `s` (in elements of `elsize`
// bytes) into the contiguous `dst` of shape `d`.
void strided_copy_bytes(void* dst, const void* src, size_t elsize, const Shape& d, const Shape& s);

}  // namespace nabla::detail
