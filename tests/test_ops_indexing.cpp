// Indexing ops: subtensor (constant and symbolic bounds), inc_subtensor, take2d, inc_take2d.
#include <doctest/doctest.h>

#include <string>

#include "alloc_counter.hpp"
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

// x[r0:r1:rs, c] for a matrix, by hand (positive steps only, bounds already in range).
Tensor rows_col(const Tensor& x, int64_t r0, int64_t r1, int64_t rs, int64_t c) {
  const int64_t cols = x.shape()[1];
  std::vector<double> v;
  for (int64_t r = r0; rs > 0 ? r < r1 : r > r1; r += rs) v.push_back(x.at(r * cols + c));
  return Tensor::from<double>(v, {int64_t(v.size())});
}

const bool row_subtensor = add_op_row(
    {"subtensor", {sample({5, 4})},
     [](const std::vector<Var>& v) { return subtensor(v[0], {Index::slice(1, 4), Index::at(2)}); },
     {0}, 2, [](const std::vector<Tensor>& t) { return rows_col(t[0], 1, 4, 1, 2); }});

const bool row_subtensor_symbolic = add_op_row(
    {"subtensor", {sample({6, 3}), ints({-1}, {}), ints({0}, {}, DType::Int32)},
     [](const std::vector<Var>& v) {
       // The outer reshape gives the result a static shape (the harness projects
       // outputs onto a constant of their static shape).
       return reshape(subtensor(v[0], {Index::slice(Bound(v[1]), Bound(v[2]), -2)}), {3, 3});
     },
     {0}, 2,
     [](const std::vector<Tensor>& t) {
       Tensor out(DType::Float64, {3, 3});
       int64_t k = 0;
       for (int64_t r : {5, 3, 1})
         for (int64_t c = 0; c < 3; ++c) out.set(k++, t[0].at(r * 3 + c));
       return out;
     }});

const bool row_subtensor_3d = add_op_row(
    {"subtensor", {sample({3, 4, 2})},
     [](const std::vector<Var>& v) {
       return subtensor(v[0], {Index::at(-1), Index::slice(Bound(), Bound(), 2)});
     },
     {0}, 2,
     [](const std::vector<Tensor>& t) {
       Tensor out(DType::Float64, {2, 2});
       for (int64_t j = 0; j < 2; ++j)
         for (int64_t k = 0; k < 2; ++k) out.set(j * 2 + k, t[0].at(2 * 8 + (2 * j) * 2 + k));
       return out;
     }});

const bool row_api_slice = add_op_row(
    {"api:slice", {sample({5, 2}), ints({1}, {})},
     [](const std::vector<Var>& v) { return reshape(slice(v[0], v[1] * 2.0, (v[1] + 1.0) * 2.0), {2, 2}); },
     {0}, 2,
     [](const std::vector<Tensor>& t) {
       Tensor out(DType::Float64, {2, 2});
       for (int64_t i = 0; i < 4; ++i) out.set(i, t[0].at(4 + i));
       return out;
     }});

const bool row_inc_subtensor = add_op_row(
    {"inc_subtensor", {sample({4, 3}), sample({3}, -1, 1, 2)},
     [](const std::vector<Var>& v) { return inc_subtensor(v[0], v[1], {Index::slice(1, 3)}); },
     {0, 1}, 2,
     [](const std::vector<Tensor>& t) {
       Tensor out = t[0].copy();
       for (int64_t r = 1; r < 3; ++r)
         for (int64_t c = 0; c < 3; ++c) out.set(r * 3 + c, t[0].at(r * 3 + c) + t[1].at(c));
       return out;
     }});

const bool row_inc_subtensor_index = add_op_row(
    {"inc_subtensor", {sample({3, 4}), sample({2}, -1, 1, 2), ints({2}, {})},
     [](const std::vector<Var>& v) {
       return inc_subtensor(v[0], v[1], {Index::at(Bound(v[2])), Index::slice(Bound(), Bound(), 2)});
     },
     {0, 1}, 2,
     [](const std::vector<Tensor>& t) {
       Tensor out = t[0].copy();
       out.set(8, t[0].at(8) + t[1].at(0));
       out.set(10, t[0].at(10) + t[1].at(1));
       return out;
     }});

const bool row_take2d = add_op_row(
    {"take2d", {sample({4, 3}), ints({0, 1, 3, 1}, {4}), ints({2, 0, 1, -1}, {4}, DType::Int32)},
     [](const std::vector<Var>& v) { return take2d(v[0], v[1], v[2]); }, {0}, 2,
     [](const std::vector<Tensor>& t) {
       const int64_t r[] = {0, 1, 3, 1}, c[] = {2, 0, 1, 2};
       Tensor out(DType::Float64, {4});
       for (int k = 0; k < 4; ++k) out.set(k, t[0].at(r[k] * 3 + c[k]));
       return out;
     }});

const bool row_inc_take2d = add_op_row(
    {"inc_take2d",
     {sample({3, 3}), ints({0, 2, 0, 1}, {4}), ints({1, 2, 1, 0}, {4}), sample({4}, -1, 1, 4)},
     [](const std::vector<Var>& v) { return inc_take2d(v[0], v[1], v[2], v[3]); }, {0, 3}, 2,
     [](const std::vector<Tensor>& t) {
       const int64_t r[] = {0, 2, 0, 1}, c[] = {1, 2, 1, 0};
       Tensor out = t[0].copy();
       for (int k = 0; k < 4; ++k) out.set(r[k] * 3 + c[k], out.at(r[k] * 3 + c[k]) + t[3].at(k));
       return out;
     }});

}  // namespace

TEST_CASE("indexing: static shapes follow numpy, symbolic bounds give unknown dims") {
  Var x = input(DType::Float32, {10, 4}, "x");
  CHECK(subtensor(x, {Index::slice(2, 5)}).shape() == Shape{3, 4});
  CHECK(subtensor(x, {Index::slice(-3)}).shape() == Shape{3, 4});
  CHECK(subtensor(x, {Index::slice(-100, 100)}).shape() == Shape{10, 4});
  CHECK(subtensor(x, {Index::slice(7, 2)}).shape() == Shape{0, 4});
  CHECK(subtensor(x, {Index::slice({}, {}, -3)}).shape() == Shape{4, 4});
  CHECK(subtensor(x, {Index::all(), Index::at(-1)}).shape() == Shape{10});
  CHECK(subtensor(x, {Index::at(0), Index::at(3)}).shape() == Shape{});
  Var i = lscalar("i");
  CHECK(slice(x, i * 2.0, (i + 1.0) * 2.0).shape() == Shape{-1, 4});
  CHECK(subtensor(x, {Index::at(i)}).shape() == Shape{4});
}

TEST_CASE("indexing: symbolic slice bounds (the mini-batch idiom)") {
  Tensor data(DType::Float32, {100, 3});
  for (int64_t k = 0; k < data.size(); ++k) data.set(k, double(k));
  Var d = shared(data, "data");
  Var i = lscalar("i");
  Var batch = slice(d, i * 10.0, (i + 1.0) * 10.0);
  for (int64_t b : {0, 4, 9}) {
    Tensor out = eval(batch, {{i, Tensor::scalar<int64_t>(b)}});
    REQUIRE(out.shape() == Shape{10, 3});
    CHECK(out.at(0) == double(b * 30));
    CHECK(out.at(29) == double(b * 30 + 29));
  }
  // Past the end: clipped like numpy.
  Tensor tail = eval(batch, {{i, Tensor::scalar<int64_t>(10)}});
  CHECK(tail.shape() == Shape{0, 3});
  Var j = iscalar("j");
  Tensor neg = eval(subtensor(d, {Index::slice(Bound(j)), Index::at(1)}), {{j, Tensor::scalar<int32_t>(-2)}});
  CHECK(neg.values<double>() == std::vector<double>{295, 298});
}

TEST_CASE("indexing: a compiled mini-batch slice does not allocate per call") {
  Tensor data(DType::Float32, {100, 3});
  for (int64_t k = 0; k < data.size(); ++k) data.set(k, double(k));
  Var d = shared(data, "data");
  Var i = lscalar("i");
  Function f = function({i}, {slice(d, i * 10.0, (i + 1.0) * 10.0)});
  std::vector<Tensor> args{Tensor::scalar<int64_t>(0)};
  f(args);
  f(args);
  const uint64_t heap = heap_allocations(), buffers = Buffer::allocations();
  for (int64_t b = 1; b < 10; ++b) {
    args[0].data<int64_t>()[0] = b;
    const Tensor& out = f(args)[0];
    CHECK(out.data<float>()[0] == float(b * 30));
  }
  CHECK(heap_allocations() == heap);
  CHECK(Buffer::allocations() == buffers);
}

TEST_CASE("indexing: x[arange(n), y] picks one entry per row") {
  Var x = matrix("x", DType::Float64);
  Var y = ivector("y");
  Var picked = take2d(x, arange(Dim(shape_i(y, 0))), y);
  Tensor xv = sample({3, 4});
  Tensor yv = ints({1, 0, 3}, {3}, DType::Int32);
  Tensor out = eval(picked, {{x, xv}, {y, yv}});
  CHECK(out.values<double>() == std::vector<double>{xv.at(1), xv.at(4), xv.at(11)});
  // Its gradient is one-hot.
  Tensor g = eval(grad(sum(picked), x), {{x, xv}, {y, yv}});
  CHECK(g.values<double>() == std::vector<double>{0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1});
  // int dtypes work too
  Var xi = input(DType::Int64, {2, 2}, "xi");
  Tensor ti = eval(take2d(xi, arange(Dim(2)), arange(Dim(1), Dim(-1), Dim(-1))),
                   {{xi, ints({1, 2, 3, 4}, {2, 2})}});
  CHECK(ti.values<int64_t>() == std::vector<int64_t>{2, 3});
}

TEST_CASE("indexing: out-of-range indices name the index and the size") {
  Var x = input(DType::Float32, {3, 4}, "x");
  std::string e = error_of([&] { subtensor(x, {Index::at(5)}); });
  CHECK(contains(e, "index 5"));
  CHECK(contains(e, "size 3"));
  CHECK(contains(e, "test_ops_indexing.cpp"));
  e = error_of([&] { subtensor(x, {Index::all(), Index::at(-5)}); });
  CHECK(contains(e, "index -5"));
  CHECK(contains(e, "size 4"));
  CHECK_THROWS_AS(subtensor(x, {Index::at(0), Index::at(0), Index::at(0)}), ValueError);
  CHECK_THROWS_AS(subtensor(x, {Index::slice(0, 3, 0)}), ValueError);

  Var i = lscalar("i");
  Tensor xv = Tensor::zeros(DType::Float32, {3, 4});
  e = error_of([&] { eval(subtensor(x, {Index::at(i)}), {{x, xv}, {i, Tensor::scalar<int64_t>(3)}}); });
  CHECK(contains(e, "index 3"));
  CHECK(contains(e, "size 3"));
  CHECK_THROWS_AS(eval(subtensor(x, {Index::at(i)}), {{x, xv}, {i, Tensor::scalar<int64_t>(-4)}}),
                  ValueError);

  Var r = lvector("r");
  Var c = lvector("c");
  e = error_of([&] {
    eval(take2d(x, r, c), {{x, xv}, {r, ints({0, 7}, {2})}, {c, ints({0, 0}, {2})}});
  });
  CHECK(contains(e, "row index 7"));
  CHECK(contains(e, "size 3"));
  e = error_of([&] {
    eval(take2d(x, r, c), {{x, xv}, {r, ints({0, 1}, {2})}, {c, ints({0, 4}, {2})}});
  });
  CHECK(contains(e, "column index 4"));
  CHECK(contains(e, "size 4"));
  e = error_of([&] {
    eval(take2d(x, r, c), {{x, xv}, {r, ints({0, 1}, {2})}, {c, ints({0}, {1})}});
  });
  CHECK(contains(e, "(2,)"));
  CHECK(contains(e, "(1,)"));
}

TEST_CASE("indexing: inc_subtensor broadcasting and errors") {
  Var x = input(DType::Float64, {3, 4}, "x");
  Var y = input(DType::Float64, {3, 1}, "y");
  Tensor xv = Tensor::zeros(DType::Float64, {3, 4});
  Tensor yv = Tensor::from<double>({1, 2, 3}, {3, 1});
  Tensor out = eval(inc_subtensor(x, y, {Index::all(), Index::slice(1, 3)}), {{x, xv}, {y, yv}});
  CHECK(out.values<double>() == std::vector<double>{0, 1, 1, 0, 0, 2, 2, 0, 0, 3, 3, 0});
  // A float scalar into an int tensor is cast to the tensor's dtype.
  Var xi = input(DType::Int32, {2, 2}, "xi");
  Tensor oi = eval(inc_subtensor(xi, constant(5.0, DType::Float64), {Index::at(1)}),
                   {{xi, ints({1, 1, 1, 1}, {2, 2}, DType::Int32)}});
  CHECK(oi.dtype() == DType::Int32);
  CHECK(oi.values<int>() == std::vector<int>{1, 1, 6, 6});
  std::string e = error_of([&] { inc_subtensor(x, input(DType::Float64, {3}), {Index::slice(0, 2)}); });
  CHECK(contains(e, "(3,)"));
  CHECK(contains(e, "(2,4)"));
  CHECK(contains(e, "(3,4)"));
}
