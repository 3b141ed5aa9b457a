// The op table: one or more rows per registered op. tests/test_op_table.cpp runs
// every row (value against a reference written with plain loops, finite-
// difference gradients of first and second order in float64, and the same
// through a compiled function) and fails if a registered op has no row.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "nabla.hpp"

struct OpRow {
  std::string op;  // the registered op this row covers, or "api:NAME" for a composition
  std::vector<nabla::Tensor> inputs;  // sample values; float inputs as Float64
  std::function<nabla::Var(const std::vector<nabla::Var>&)> build;
  std::vector<int> wrt;  // inputs to gradient-check
  int order = 2;         // 0: value only, 1: first order, 2: first and second order
  std::function<nabla::Tensor(const std::vector<nabla::Tensor>&)> reference;
};

bool add_op_row(OpRow row);
const std::vector<OpRow>& op_rows();

// Deterministic sample data for rows: values in [lo, hi), float64.
nabla::Tensor sample(const nabla::Shape& shape, double lo = -1.0, double hi = 1.0, unsigned seed = 1);
// Integer tensor from values.
nabla::Tensor ints(const std::vector<int64_t>& values, const nabla::Shape& shape,
                   nabla::DType dtype = nabla::DType::Int64);
