// Internal: the elementwise kernels over contiguous arrays, shared by the
// unary/binary ops and the fused elementwise loop (ops/fused_elementwise.cpp),
// so a fused chain runs exactly the arithmetic of the unfused ops. No xtensor.
#pragma once
#include <cstdint>

#include "ops/elementwise_ops.hpp"

namespace nabla {

template <class T> using UnaryKernel = void (*)(const T* x, T* y, int64_t n);
template <class T> using BinaryKernel = void (*)(const T* a, const T* b, T* o, int64_t n);

// y[i] = f(x[i]) for float and double (elementwise_unary.cpp). y may be x.
template <class T> UnaryKernel<T> unary_kernel(UnaryFn fn);
// o[i] = a[i] op b[i] for float and double, comparisons as 0 or 1 in T
// (elementwise_binary.cpp). o may be a or b.
template <class T> BinaryKernel<T> binary_kernel(BinaryFn fn);

// The unary table row: what the op computes, documented once.
struct UnaryRow {
  UnaryFn fn;
  const char* name;  // the op name and the api / Python function name
  const char* doc;
  bool float_only;   // false: also integers and bools (neg, abs, sign)
  UnaryKernel<float> f32;
  UnaryKernel<double> f64;
  // Gradient w.r.t. x given the output and the output's gradient; null: none.
  Var (*grad)(const Var& x, const Var& out, const Var& g);
};
const UnaryRow& unary_row(UnaryFn fn);
// Every row, in UnaryFn order (the Python module defines its functions from it).
const UnaryRow* unary_rows_begin();
const UnaryRow* unary_rows_end();

}  // namespace nabla
