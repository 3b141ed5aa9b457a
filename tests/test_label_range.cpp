// Class labels out of range: softmax_xent and log_likelihood_cost refuse a
// label -1 or >= the number of classes with an IndexError naming the op, the
// label and its position; take2d (numpy indexing) wraps -1 but refuses the end.
#include <doctest/doctest.h>

#include <string>

#include "core/run_errors.hpp"
#include "nabla.hpp"

using namespace nabla;

namespace {
Tensor labels(std::vector<int32_t> v) {
  Tensor t(DType::Int32, Shape{int64_t(v.size())});
  for (size_t i = 0; i < v.size(); ++i) t.data<int32_t>()[i] = v[i];
  return t;
}
std::string message_of(Function& f, const Tensor& z, const Tensor& y) {
  try {
    f({z, y});
  } catch (const IndexError& e) {
    return e.what();
  }
  return "no IndexError";
}
}  // namespace

TEST_CASE("labels: softmax_xent and log_likelihood_cost refuse -1 and k, naming op, label and position") {
  Var z = matrix("z");
  Var y = input(DType::Int32, Shape{-1}, "y");
  const Tensor zv = Tensor::full(DType::Float32, {4, 3}, 0.5);
  for (Mode mode : {Mode::FastRun, Mode::FastCompile}) {
    Function xent = function({z, y}, {mean(softmax_xent(z, y))}, {}, {}, mode);
    Function ll = function({z, y}, {nn::log_likelihood_cost(softmax(z), y)}, {}, {}, mode);
    for (int32_t bad : {-1, 3}) {
      const std::string m1 = message_of(xent, zv, labels({0, 1, bad, 2}));
      CHECK(m1.find("softmax_xent") != std::string::npos);
      CHECK(m1.find("label " + std::to_string(bad) + " at position 2") != std::string::npos);
      CHECK(m1.find("test_label_range.cpp") != std::string::npos);
      const std::string m2 = message_of(ll, zv, labels({bad, 1, 1, 2}));
      CHECK(m2.find("log_likelihood_cost") != std::string::npos);
      CHECK(m2.find("label " + std::to_string(bad) + " at position 0") != std::string::npos);
    }
    CHECK(ll({zv, labels({0, 1, 2, 2})})[0].item() == doctest::Approx(std::log(3.0)));
  }
}

TEST_CASE("labels: take2d wraps -1 as numpy does and refuses an index past the end") {
  Var x = matrix("x");
  Var c = input(DType::Int32, Shape{-1}, "c");
  Function f = function({x, c}, {sum(take2d(x, arange(Dim(shape_i(c, 0))), c))});
  Tensor xv(DType::Float32, {2, 3});
  for (int i = 0; i < 6; ++i) xv.data<float>()[i] = float(i);
  CHECK(f({xv, labels({-1, 0})})[0].item() == doctest::Approx(2.0 + 3.0));
  CHECK_THROWS_AS(f({xv, labels({3, 0})}), IndexError);
}
