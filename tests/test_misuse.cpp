// Generated misuse from C++, tried as a new user would: every case must throw a
// nabla error of the expected kind whose message names what was wrong. Each case
// runs in a forked child, so a crash is counted as a failure, not fatal.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <vector>

#include "nabla.hpp"

using namespace nabla;

namespace {

enum class Kind { Shape, Type, Value, Memory, Any };

struct MisuseCase {
  std::string family, name;
  std::function<void()> run;
  Kind kind;
  std::vector<std::string> fragments;  // the message must contain each
};

bool kind_matches(Kind k, const std::exception& e) {
  switch (k) {
    case Kind::Shape: return dynamic_cast<const ShapeError*>(&e) != nullptr;
    case Kind::Type: return dynamic_cast<const TypeError*>(&e) != nullptr;
    case Kind::Value: return dynamic_cast<const ValueError*>(&e) != nullptr;
    case Kind::Memory: return dynamic_cast<const MemoryError*>(&e) != nullptr;
    case Kind::Any: return dynamic_cast<const Error*>(&e) != nullptr;
  }
  return false;
}

// 0: the right error with every fragment; 1: wrong kind or message; 2: no error.
int run_case(const MisuseCase& c) {
  try {
    c.run();
  } catch (const std::exception& e) {
    if (!kind_matches(c.kind, e)) return 1;
    const std::string msg = e.what();
    for (const std::string& f : c.fragments)
      if (msg.find(f) == std::string::npos) return 1;
    return 0;
  }
  return 2;
}

Var fixed(const Shape& s, DType t = DType::Float32) { return shared(Tensor::zeros(t, s)); }
Tensor zeros(const Shape& s, DType t = DType::Float32) { return Tensor::zeros(t, s); }

std::vector<MisuseCase> make_cases() {
  std::vector<MisuseCase> cases;
  auto add = [&](std::string family, std::string name, std::function<void()> run, Kind kind,
                 std::vector<std::string> fragments) {
    cases.push_back({std::move(family), std::move(name), std::move(run), kind, std::move(fragments)});
  };
  using Binary = Var (*)(const Var&, const Var&, Loc);
  const std::vector<std::pair<const char*, Binary>> binaries = {
      {"add", nabla::add}, {"sub", nabla::sub}, {"mul", nabla::mul}, {"div", nabla::div}, {"maximum", nabla::maximum}, {"lt", nabla::lt}, {"eq", nabla::eq}};
  const std::vector<std::pair<Shape, Shape>> clashes = {{{2, 3}, {4}}, {{2, 3}, {3, 2}}, {{5}, {4}}};
  for (const auto& [name, op] : binaries)
    for (const auto& [a, b] : clashes) {
      add("elementwise (build)", std::string(name) + a.str() + b.str(), [op = op, a = a, b = b] { op(fixed(a), fixed(b), Loc::current()); },
          Kind::Shape, {a.str(), b.str(), "test_misuse.cpp"});
      add("elementwise (run)", std::string(name) + a.str() + b.str(),
          [op = op, a = a, b = b] {
            Var x = input(DType::Float32, Shape(std::vector<int64_t>(size_t(a.rank()), -1)), "x");
            Var y = input(DType::Float32, Shape(std::vector<int64_t>(size_t(b.rank()), -1)), "y");
            Function f = function({x, y}, {op(x, y, Loc::current())});
            f({zeros(a), zeros(b)});
          },
          Kind::Shape, {a.str(), b.str()});
    }
  for (int axis : {2, -3, 7})
    for (bool keep : {false, true}) {
      add("reduction", "sum axis " + std::to_string(axis), [=] { sum(fixed({2, 3}), Axes(axis), keep); }, Kind::Shape,
          {std::to_string(axis)});
      add("reduction", "max axis " + std::to_string(axis), [=] { max(fixed({2, 3}), Axes(axis), keep); }, Kind::Shape,
          {std::to_string(axis)});
    }
  add("shape", "reshape (2,3) to (4,2)", [] { reshape(fixed({2, 3}), {4, 2}); }, Kind::Shape, {"(2,3)"});
  add("shape", "reshape with -2", [] { reshape(fixed({2, 3}), {-2, 3}); }, Kind::Shape, {"-2"});
  add("shape", "reshape with two -1", [] { reshape(fixed({2, 3}), {-1, -1}); }, Kind::Shape, {"-1"});
  add("shape", "dimshuffle out of range", [] { dimshuffle(fixed({2, 3}), {0, 5}); }, Kind::Shape, {"5"});
  add("shape", "dimshuffle drops a real axis", [] { dimshuffle(fixed({2, 3}), {1}); }, Kind::Shape, {"drops axis 0"});
  add("shape", "concatenate axis 2 of matrices", [] { concatenate({fixed({2, 3}), fixed({2, 3})}, 2); }, Kind::Shape,
      {"axis 2"});
  add("indexing", "row 5 of 2", [] { subtensor(fixed({2, 3}), {Index::at(5)}); }, Kind::Value, {"5"});
  add("indexing", "take2d out of range",
      [] {
        Var r = ivector("r"), c = ivector("c");
        Function f = function({r, c}, {take2d(fixed({2, 3}), r, c)});
        f({Tensor::from<int32_t>({0, 7}, {2}), Tensor::from<int32_t>({0, 1}, {2})});
      },
      Kind::Value, {"7"});
  add("blas", "dot (2,3)(2,3)", [] { dot(fixed({2, 3}), fixed({2, 3})); }, Kind::Shape, {"(2,3)"});
  add("blas", "matmul of a vector", [] { matmul(fixed({3}), fixed({3, 2})); }, Kind::Shape, {"(3,)"});
  add("conv", "channels differ", [] { conv2d(fixed({1, 2, 5, 5}), fixed({3, 1, 3, 3})); }, Kind::Shape, {"channels"});
  add("conv", "filters larger than the image", [] { conv2d(fixed({1, 1, 3, 3}), fixed({1, 1, 5, 5})); },
      Kind::Shape, {"larger"});
  add("conv", "pool window of 0", [] { pool_2d(fixed({1, 1, 4, 4}), {0, 2}); }, Kind::Any, {"0"});
  add("conv", "average pool of open shapes", [] { avg_pool_2d(tensor4("t"), {2, 2}); }, Kind::Value, {"static"});
  // compiled functions: arguments
  add("call", "too few arguments", [] { function({matrix("x")}, {})({}); }, Kind::Value, {"expects 1"});
  add("call", "too many arguments", [] { function({matrix("x")}, {})({zeros({1, 1}), zeros({1, 1})}); }, Kind::Value,
      {"expects 1"});
  add("call", "float64 into float32", [] { function({matrix("x")}, {})({zeros({1, 1}, DType::Float64)}); },
      Kind::Type, {"'x'", "float64"});
  add("call", "wrong rank", [] { function({matrix("x")}, {})({zeros({3})}); }, Kind::Shape, {"'x'", "rank"});
  add("call", "an empty tensor", [] { function({matrix("x")}, {})({Tensor()}); }, Kind::Value, {"'x'", "empty"});
  add("call", "a static dim that differs",
      [] { function({input(DType::Float32, {2, 3}, "x")}, {})({zeros({2, 4})}); }, Kind::Shape, {"'x'", "(2,4)"});
  // compiled functions: construction
  add("function", "a shared variable as an input", [] { function({fixed({2})}, {}); }, Kind::Type, {"shared"});
  add("function", "an input listed twice",
      [] {
        Var x = matrix("x");
        function({x, x}, {});
      },
      Kind::Value, {"twice"});
  add("function", "a missing input", [] { function({}, {matrix("x") * 2.0}); }, Kind::Value, {"'x'"});
  add("function", "update of an input",
      [] {
        Var x = matrix("x");
        function({x}, {}, {{x, x * 2.0}});
      },
      Kind::Type, {"shared"});
  add("function", "update changing the shape",
      [] {
        Var w = shared(zeros({2, 3}), "w");
        function({}, {}, {{w, sum(w, Axes(0))}});
      },
      Kind::Shape, {"'w'"});
  add("function", "update changing the dtype",
      [] {
        Var w = shared(zeros({2, 3}), "w");
        function({}, {}, {{w, cast(w, DType::Float64)}});
      },
      Kind::Type, {"'w'"});
  add("function", "one variable updated twice",
      [] {
        Var w = shared(zeros({2}), "w");
        function({}, {}, {{w, w + 1.0}, {w, w * 2.0}});
      },
      Kind::Value, {"twice"});
  add("function", "givens changing the dtype",
      [] {
        Var x = vector("x");
        function({}, {sum(x)}, {}, {{x, shared(zeros({3}, DType::Float64))}});
      },
      Kind::Type, {"dtype"});
  add("function", "givens replacing a declared input",
      [] {
        Var x = vector("x");
        function({x}, {x * 2.0}, {}, {{x, shared(zeros({3}))}});
      },
      Kind::Value, {"givens"});
  // sizes and numbers
  add("sizes", "2^64 elements", [] { Tensor::zeros(DType::Float32, {int64_t(1) << 32, int64_t(1) << 32}); },
      Kind::Memory, {"64 bits"});
  add("sizes", "10^12 elements", [] { Tensor(DType::Float32, {1000000, 1000000}); }, Kind::Memory, {"allocate"});
  add("sizes", "a compiled 10^12-element output",
      [] {
        Var n = lscalar("n");
        function({n}, {full({Dim(n), Dim(n)}, 1.0)})({Tensor::scalar<int64_t>(1000000)});
      },
      Kind::Memory, {"full", "test_misuse.cpp"});
  add("numbers", "NanGuard names log",
      [] {
        Var x = vector("x");
        function({x}, {log(x) * 2.0}, {}, {}, Mode::NanGuard)({Tensor::from<float>({-1.0f}, {1})});
      },
      Kind::Value, {"log"});
  return cases;
}

}  // namespace

TEST_CASE("misuse from C++: every case throws a clear nabla error, and none crashes") {
  const std::vector<MisuseCase> cases = make_cases();
  CHECK(cases.size() >= 50);
  int crashes = 0, failures = 0;
  for (const MisuseCase& c : cases) {
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) _exit(run_case(c));
    int status = 0;
    waitpid(pid, &status, 0);
    const bool crashed = !WIFEXITED(status);
    const int code = crashed ? -1 : WEXITSTATUS(status);
    crashes += crashed;
    failures += code != 0;
    INFO("[" << c.family << "] " << c.name << (crashed ? ": crashed" : code == 2 ? ": no error" : ": wrong error"));
    CHECK(code == 0);
  }
  MESSAGE("C++ misuse cases: " << cases.size() << ", crashes: " << crashes << ", failures: " << failures);
}
