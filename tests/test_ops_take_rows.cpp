// take_rows / inc_rows: row gather by an integer vector and its scatter-add gradient.
#include <doctest/doctest.h>

#include <string>

#include "op_table.hpp"
#include "ops/take_rows.hpp"

using namespace nabla;

namespace {

// x[idx] with plain loops (idx may repeat and be negative).
Tensor ref_take_rows(const Tensor& x, const Tensor& idx) {
  const int64_t rows = x.shape()[0], width = x.size() / rows;
  Shape s = x.shape();
  s[0] = idx.size();
  Tensor out = Tensor::zeros(x.dtype(), s);
  for (int64_t k = 0; k < idx.size(); ++k) {
    int64_t r = idx.iat(k) < 0 ? idx.iat(k) + rows : idx.iat(k);
    for (int64_t j = 0; j < width; ++j) out.set(k * width + j, x.at(r * width + j));
  }
  return out;
}

Tensor ref_inc_rows(const Tensor& x, const Tensor& idx, const Tensor& y) {
  const int64_t rows = x.shape()[0], width = x.size() / rows;
  Tensor out = x.copy();
  for (int64_t k = 0; k < idx.size(); ++k) {
    int64_t r = idx.iat(k) < 0 ? idx.iat(k) + rows : idx.iat(k);
    for (int64_t j = 0; j < width; ++j) out.set(r * width + j, out.at(r * width + j) + y.at(k * width + j));
  }
  return out;
}

const bool row_take = add_op_row({"take_rows", {sample({5, 3}), ints({4, 0, 4, -1}, {4})},
                                  [](const std::vector<Var>& v) { return take_rows(v[0], v[1]); }, {0}, 2,
                                  [](const std::vector<Tensor>& t) { return ref_take_rows(t[0], t[1]); }});
const bool row_take_3d = add_op_row({"take_rows", {sample({4, 2, 3}), ints({3, 1}, {2}, DType::Int32)},
                                     [](const std::vector<Var>& v) { return take_rows(v[0], v[1]); }, {0}, 2,
                                     [](const std::vector<Tensor>& t) { return ref_take_rows(t[0], t[1]); }});
const bool row_inc = add_op_row({"inc_rows", {sample({5, 3}), ints({1, 3, 1}, {3}), sample({3, 3}, -1, 1, 2)},
                                 [](const std::vector<Var>& v) { return inc_rows(v[0], v[1], v[2]); }, {0, 2}, 2,
                                 [](const std::vector<Tensor>& t) { return ref_inc_rows(t[0], t[1], t[2]); }});

}  // namespace

TEST_CASE("take_rows: a shuffled mini-batch from shared data through givens") {
  Tensor data = sample({6, 2}).astype(DType::Float32);
  Var shared_x = shared(data, "data");
  Var perm = shared(ints({5, 2, 0, 4, 1, 3}, {6}, DType::Int64), "perm");
  Var i = lscalar("i");
  Var x = matrix("x");
  Function f = function({i}, {sum(x, {1})}, {}, {{x, take_rows(shared_x, slice(perm, i * 2, (i + 1) * 2))}});
  auto out = f({Tensor::scalar<int64_t>(1)});  // rows perm[2:4] = 0, 4
  CHECK(out[0].at(0) == doctest::Approx(data.at(0) + data.at(1)));
  CHECK(out[0].at(1) == doctest::Approx(data.at(8) + data.at(9)));
}

TEST_CASE("take_rows: an index out of range names the index and the row count") {
  Var x = matrix("x");
  Var idx = lvector("idx");
  Function f = function({x, idx}, {take_rows(x, idx)});
  std::string msg;
  try {
    f({Tensor::zeros(DType::Float32, {3, 2}), ints({0, 7}, {2})});
  } catch (const std::exception& e) {
    msg = e.what();
  }
  CHECK(msg.find("index 7") != std::string::npos);
  CHECK(msg.find("3 rows") != std::string::npos);
  CHECK_THROWS_AS(take_rows(x, matrix("m")), TypeError);
}
