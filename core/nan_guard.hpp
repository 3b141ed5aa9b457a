// Internal: Mode::NanGuard's checks. A NaN or Inf is blamed where it first
// appears: on the input or shared variable it arrived through (checked before
// the first step), otherwise on the first step whose output has one while its
// inputs had none. Messages give the first bad element (index and value),
// each input's range (min, max, NaN and Inf counts) and the user's line,
// naming the forward expression when the step belongs to a gradient.
#pragma once
#include <string>

#include "core/tensor.hpp"
#include "core/var.hpp"

namespace nabla {

// Throws ValueError when `value` (a function argument or shared value) holds NaN/Inf.
void nan_guard_leaf(const Var& v, const Tensor& value, const std::string& what);
// Throws ValueError when the output of step `v` holds NaN/Inf.
void nan_guard_step(const Var& v, const std::string& signature, const Tensor* const* in, int n_in,
                    const Tensor& out);

}  // namespace nabla
