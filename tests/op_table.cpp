#include "op_table.hpp"

#include <random>

std::vector<OpRow>& mutable_rows() {
  static std::vector<OpRow> rows;
  return rows;
}

bool add_op_row(OpRow row) {
  mutable_rows().push_back(std::move(row));
  return true;
}

const std::vector<OpRow>& op_rows() { return mutable_rows(); }

nabla::Tensor sample(const nabla::Shape& shape, double lo, double hi, unsigned seed) {
  std::mt19937 gen(seed * 7919u + unsigned(shape.numel()));
  std::uniform_real_distribution<double> dist(lo, hi);
  nabla::Tensor t(nabla::DType::Float64, shape);
  for (int64_t i = 0; i < t.size(); ++i) t.data<double>()[i] = dist(gen);
  return t;
}

nabla::Tensor ints(const std::vector<int64_t>& values, const nabla::Shape& shape, nabla::DType dtype) {
  return nabla::Tensor::from<int64_t>(values, shape).astype(dtype);
}
