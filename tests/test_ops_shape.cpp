// Shape ops: shape_i, reshape, dimshuffle, concatenate, arange (+ transpose, flatten).
#include <doctest/doctest.h>

#include <string>

#include "op_table.hpp"

using namespace nabla;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "<no error>";
}

// out = x.transpose(p0, p1, p2) for a rank-3 x, with plain loops.
Tensor permute3(const Tensor& x, int p0, int p1, int p2) {
  const Shape& s = x.shape();
  Shape os{s[p0], s[p1], s[p2]};
  Tensor out(DType::Float64, os);
  int64_t idx[3];
  for (idx[0] = 0; idx[0] < s[0]; ++idx[0])
    for (idx[1] = 0; idx[1] < s[1]; ++idx[1])
      for (idx[2] = 0; idx[2] < s[2]; ++idx[2]) {
        int64_t src = (idx[0] * s[1] + idx[1]) * s[2] + idx[2];
        int64_t dst = (idx[p0] * os[1] + idx[p1]) * os[2] + idx[p2];
        out.set(dst, x.at(src));
      }
  return out;
}

Tensor reshaped(const Tensor& t, const Shape& s) {
  Tensor out(t.dtype(), s);
  for (int64_t i = 0; i < t.size(); ++i) out.set(i, t.at(i));
  return out;
}

const bool row_shape_i = add_op_row({"shape_i", {sample({3, 4})},
                                     [](const std::vector<Var>& v) { return shape_i(v[0], 1); },
                                     {}, 0,
                                     [](const std::vector<Tensor>&) { return Tensor::scalar<int64_t>(4); }});

const bool row_shape_i_neg = add_op_row({"shape_i", {sample({3, 4, 2})},
                                         [](const std::vector<Var>& v) { return shape_i(v[0], -3); },
                                         {}, 0,
                                         [](const std::vector<Tensor>&) { return Tensor::scalar<int64_t>(3); }});

const bool row_reshape = add_op_row({"reshape", {sample({2, 6})},
                                     [](const std::vector<Var>& v) { return reshape(v[0], {3, -1}); },
                                     {0}, 2,
                                     [](const std::vector<Tensor>& t) { return reshaped(t[0], {3, 4}); }});

const bool row_reshape_symbolic = add_op_row(
    {"reshape", {sample({2, 6}), ints({4}, {})},
     // reshaped again to a static shape: the harness projects onto a constant of the static shape
     [](const std::vector<Var>& v) { return reshape(reshape(v[0], {Dim(v[1]), -1, 1}), {4, 3, 1}); },
     {0}, 2,
     [](const std::vector<Tensor>& t) { return reshaped(t[0], {4, 3, 1}); }});

const bool row_dimshuffle = add_op_row(
    {"dimshuffle", {sample({2, 3})},
     [](const std::vector<Var>& v) { return dimshuffle(v[0], {1, bcast, 0}); }, {0}, 2,
     [](const std::vector<Tensor>& t) {
       Tensor out(DType::Float64, {3, 1, 2});
       for (int i = 0; i < 2; ++i)
         for (int j = 0; j < 3; ++j) out.set(j * 2 + i, t[0].at(i * 3 + j));
       return out;
     }});

const bool row_dimshuffle_drop = add_op_row(
    {"dimshuffle", {sample({2, 1, 3})},
     [](const std::vector<Var>& v) { return dimshuffle(v[0], {2, 0}); }, {0}, 2,
     [](const std::vector<Tensor>& t) {
       Tensor out(DType::Float64, {3, 2});
       for (int i = 0; i < 2; ++i)
         for (int j = 0; j < 3; ++j) out.set(j * 2 + i, t[0].at(i * 3 + j));
       return out;
     }});

const bool row_dimshuffle_3d = add_op_row(
    {"dimshuffle", {sample({2, 3, 4})},
     [](const std::vector<Var>& v) { return dimshuffle(v[0], {1, 2, 0}); }, {0}, 2,
     [](const std::vector<Tensor>& t) { return permute3(t[0], 1, 2, 0); }});

const bool row_transpose = add_op_row(
    {"api:transpose", {sample({2, 3, 4})},
     [](const std::vector<Var>& v) { return transpose(v[0]); }, {0}, 2,
     [](const std::vector<Tensor>& t) { return permute3(t[0], 2, 1, 0); }});

const bool row_flatten = add_op_row(
    {"api:flatten", {sample({2, 3, 4})},
     [](const std::vector<Var>& v) { return flatten(v[0], 2); }, {0}, 2,
     [](const std::vector<Tensor>& t) { return reshaped(t[0], {2, 12}); }});

const bool row_concatenate = add_op_row(
    {"concatenate", {sample({2, 3}), sample({2, 2}, -1, 1, 2)},
     [](const std::vector<Var>& v) { return concatenate({v[0], v[1]}, 1); }, {0, 1}, 2,
     [](const std::vector<Tensor>& t) {
       Tensor out(DType::Float64, {2, 5});
       for (int i = 0; i < 2; ++i) {
         for (int j = 0; j < 3; ++j) out.set(i * 5 + j, t[0].at(i * 3 + j));
         for (int j = 0; j < 2; ++j) out.set(i * 5 + 3 + j, t[1].at(i * 2 + j));
       }
       return out;
     }});

const bool row_concatenate_3 = add_op_row(
    {"concatenate", {sample({1, 2}), sample({3, 2}, -1, 1, 2), sample({2, 2}, -1, 1, 3)},
     [](const std::vector<Var>& v) { return concatenate({v[0], v[1], v[2]}, 0); }, {0, 1, 2}, 2,
     [](const std::vector<Tensor>& t) {
       Tensor out(DType::Float64, {6, 2});
       int64_t k = 0;
       for (const Tensor& x : t)
         for (int64_t i = 0; i < x.size(); ++i) out.set(k++, x.at(i));
       return out;
     }});

const bool row_arange = add_op_row(
    {"arange", {ints({2}, {}), ints({9}, {}, DType::Int32)},
     [](const std::vector<Var>& v) { return arange(Dim(v[0]), Dim(v[1]), Dim(3)); }, {}, 0,
     [](const std::vector<Tensor>&) { return Tensor::from<int64_t>({2, 5, 8}, {3}); }});

const bool row_arange_const = add_op_row(
    {"arange", {},
     [](const std::vector<Var>&) { return arange(Dim(5), Dim(-2), Dim(-2)); }, {}, 0,
     [](const std::vector<Tensor>&) { return Tensor::from<int64_t>({5, 3, 1, -1}, {4}); }});

}  // namespace

TEST_CASE("shape: static types of the results") {
  Var x = input(DType::Float32, {2, 6}, "x");
  CHECK(reshape(x, {3, -1}).shape() == Shape{3, 4});
  CHECK(reshape(x, {lscalar("n"), 3}).shape() == Shape{-1, 3});
  CHECK(dimshuffle(x, {bcast, 1, 0}).shape() == Shape{1, 6, 2});
  CHECK(transpose(x).shape() == Shape{6, 2});
  CHECK(flatten(x).shape() == Shape{12});
  CHECK(flatten(matrix("m")).shape() == Shape{-1});
  CHECK(concatenate({x, x}, -1).shape() == Shape{2, 12});
  CHECK(concatenate({x, matrix("m")}, 0).shape() == Shape{-1, 6});
  CHECK(arange(Dim(10)).shape() == Shape{10});
  CHECK(arange(Dim(lscalar("n"))).shape() == Shape{-1});
  CHECK(shape_i(x, 1).dtype() == DType::Int64);
}

TEST_CASE("shape: errors name the shapes") {
  Var x = input(DType::Float32, {2, 3}, "x");
  std::string e = error_of([&] { reshape(x, {4, 2}); });
  CHECK(contains(e, "(2,3)"));
  CHECK(contains(e, "(4,2)"));
  CHECK(contains(e, "test_ops_shape.cpp"));
  CHECK_THROWS_AS(reshape(x, {-1, -1}), ShapeError);
  e = error_of([&] { dimshuffle(x, {1}); });
  CHECK(contains(e, "(2,3)"));
  CHECK(contains(e, "drops axis 0"));
  CHECK_THROWS_AS(dimshuffle(x, {0, 2}), ShapeError);
  CHECK_THROWS_AS(dimshuffle(x, {0, 0}), ShapeError);
  e = error_of([&] { concatenate({x, input(DType::Float32, {3, 3})}, 1); });
  CHECK(contains(e, "(2,3)"));
  CHECK(contains(e, "(3,3)"));
  CHECK_THROWS_AS(shape_i(x, 2), ShapeError);

  // Unknown dims are checked at run time, with the shapes in the message.
  Var m = matrix("m");
  Var n = lscalar("n");
  e = error_of([&] { eval(reshape(m, {n, 5}), {{m, Tensor::zeros(DType::Float32, {2, 3})},
                                                {n, Tensor::scalar<int64_t>(2)}}); });
  CHECK(contains(e, "(2,3)"));
  CHECK(contains(e, "(2,5)"));
  Var m2 = matrix("m2");
  e = error_of([&] { eval(concatenate({m, m2}, 0), {{m, Tensor::zeros(DType::Float32, {2, 3})},
                                                     {m2, Tensor::zeros(DType::Float32, {2, 4})}}); });
  CHECK(contains(e, "(2,3)"));
  CHECK(contains(e, "(2,4)"));
}

TEST_CASE("shape: unknown shapes at build time") {
  Var x = tensor3("x", DType::Float64);
  Var y = matrix("y", DType::Float64);
  Tensor xv = sample({2, 3, 4});
  Tensor yv = sample({5, 4}, -1, 1, 7);
  // flatten through shape_i dims
  Tensor f = eval(flatten(x, 2), {{x, xv}});
  CHECK(f.shape() == Shape{2, 12});
  CHECK(f.at(23) == xv.at(23));
  // concatenate's gradient slices with offsets from shape_i
  Var x2 = matrix("x2", DType::Float64);
  Var cc = concatenate({y, x2 * 2.0, y}, 0);
  auto g = grad(sum(cc * cc), {y, x2});
  Tensor x2v = sample({3, 4}, -1, 1, 8);
  Tensor gy = eval(g[0], {{y, yv}, {x2, x2v}});
  Tensor gx = eval(g[1], {{y, yv}, {x2, x2v}});
  CHECK(gy.shape() == Shape{5, 4});
  CHECK(gx.shape() == Shape{3, 4});
  for (int64_t i = 0; i < gy.size(); ++i) CHECK(gy.at(i) == doctest::Approx(4 * yv.at(i)));
  for (int64_t i = 0; i < gx.size(); ++i) CHECK(gx.at(i) == doctest::Approx(8 * x2v.at(i)));
  // reshape gradient back to an unknown shape
  Tensor gr = eval(grad(sum(reshape(y, {-1}) * 3.0), y), {{y, yv}});
  CHECK(gr.shape() == Shape{5, 4});
  CHECK(gr.at(7) == 3.0);
}

TEST_CASE("shape: integer and bool dtypes") {
  Var a = input(DType::Int32, {2, 3}, "a");
  Tensor av = ints({1, 2, 3, 4, 5, 6}, {2, 3}, DType::Int32);
  Tensor t = eval(transpose(a), {{a, av}});
  CHECK(t.dtype() == DType::Int32);
  CHECK(t.values<int>() == std::vector<int>{1, 4, 2, 5, 3, 6});
  Var b = input(DType::Int64, {1, 3}, "b");
  Tensor c = eval(concatenate({a, b}, 0), {{a, av}, {b, ints({7, 8, 9}, {1, 3})}});
  CHECK(c.dtype() == DType::Int64);  // promoted
  CHECK(c.values<int64_t>() == std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9});
  Var p = input(DType::Bool, {2, 2}, "p");
  Tensor pv = Tensor::from<bool>({true, false, false, false}, {2, 2});
  CHECK(eval(transpose(p), {{p, pv}}).values<int>() == std::vector<int>{1, 0, 0, 0});
  CHECK(eval(reshape(p, {4}), {{p, pv}}).values<int>() == std::vector<int>{1, 0, 0, 0});
}

TEST_CASE("shape: arange with symbolic bounds and reversed steps") {
  Var n = lscalar("n");
  Var s = iscalar("s");
  Var r = arange(Dim(n), Dim(0), Dim(s));
  Tensor out = eval(r, {{n, Tensor::scalar<int64_t>(7)}, {s, Tensor::scalar<int32_t>(-3)}});
  CHECK(out.values<int64_t>() == std::vector<int64_t>{7, 4, 1});
  out = eval(arange(Dim(n)), {{n, Tensor::scalar<int64_t>(0)}});
  CHECK(out.shape() == Shape{0});
  CHECK_THROWS_AS(arange(Dim(1), Dim(5), Dim(0)), ValueError);
  CHECK_THROWS_AS(eval(r, {{n, Tensor::scalar<int64_t>(7)}, {s, Tensor::scalar<int32_t>(0)}}), ValueError);
  CHECK_THROWS_AS(arange(Dim(vector("v"))), TypeError);
}
