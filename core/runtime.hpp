// Internal: pieces shared by eval() and the compiled program: running one node
// with errors that name the op, the shapes and the user's line, input checks,
// and one-time runtime setup (threads).
#pragma once
#include <string>

#include "core/var.hpp"

namespace nabla {

// Sets OpenBLAS to one thread and OpenMP to NABLA_NUM_THREADS (default 1: at the
// book's mini-batch sizes a second thread costs more than it gives, ANCHORS.md).
void ensure_runtime_initialized();

// Computes v's node on `in` into a fresh tensor (allocates; eval and folding only).
Tensor run_op(const Var& v, const Tensor* const* in, int n_in);

// Rethrows an exception from running v's op with the op, input shapes and the
// line that created v.
[[noreturn]] void rethrow_with_context(const Var& v, const Tensor* const* in, int n_in,
                                       const std::exception& e);

// Checks a value given for an Input var: dtype, rank and known dims.
void check_input_value(const Var& v, const Tensor& value, const char* where);

}  // namespace nabla
