// Random streams. Each draw owns a state: a shared int64 tensor [seed, counter].
// A sample is a pure function of (seed, counter, element index) through a
// counter-based hash (splitmix64 mixing), so no generator object is stored, the
// same seed gives the same sequence, and the draw's default update (rng_advance:
// counter + 1) makes each call of a compiled function see new numbers.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "core/dispatch.hpp"
#include "core/op.hpp"
#include "core/parallel.hpp"
#include "core/registry.hpp"
#include "ops/api.hpp"
#include "ops/random_streams_state.hpp"

namespace nabla {

namespace {

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;
constexpr int64_t kSymbolic = -2;  // shape entry read from an input
// Elements per chunk a thread takes, and trials per thread below which a draw
// stays on one thread: a vectorized Bernoulli draw costs ~0.4 ns, so 6.10's
// dropout masks (10,000 elements, ~4 us) ran slower split than whole.
constexpr int64_t kDrawChunk = 4096;
constexpr int64_t kParallelMinDraws = 32768;

inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The key of one draw: every (seed, counter) pair gives an unrelated stream.
inline uint64_t draw_key(uint64_t seed, uint64_t counter) {
  return mix64(mix64(seed + kGolden) ^ (counter * kGolden + 0x632BE59BD9B4E019ull));
}

// Element i of the stream with key `key`: splitmix64's i-th output.
inline uint64_t bits(uint64_t key, uint64_t i) { return mix64(key + (i + 1) * kGolden); }

// Uniform in [0, 1) with 53 random bits.
inline double unit(uint64_t key, uint64_t i) { return double(bits(key, i) >> 11) * 0x1.0p-53; }

// Seed of the k-th stream of a RandomStreams seeded with `seed`.
uint64_t stream_seed(uint64_t seed, uint64_t k) { return mix64(seed * kGolden + mix64(k + 1)); }

enum class Dist : uint8_t { Uniform, Normal, Binomial };

class RandomOp : public Op {
 public:
  RandomOp(Dist dist, std::vector<int64_t> shape, double a, double b, DType dtype)
      : dist_(dist), shape_(std::move(shape)), a_(a), b_(b), dtype_(dtype) {}
  std::string name() const override {
    switch (dist_) {
      case Dist::Uniform: return "random_uniform";
      case Dist::Normal: return "random_normal";
      case Dist::Binomial: return "random_binomial";
    }
    return "";
  }
  std::string params() const override {
    std::string s = "shape=(";
    for (size_t i = 0; i < shape_.size(); ++i)
      s += (i ? "," : "") + (shape_[i] == kSymbolic ? std::string("?") : std::to_string(shape_[i]));
    const char* names[3][2] = {{"low", "high"}, {"mean", "std"}, {"n", "p"}};
    const auto& nm = names[int(dist_)];
    return s + ")," + nm[0] + "=" + num(a_) + "," + nm[1] + "=" + num(b_) + ",dtype=" +
           dtype_name(dtype_);
  }
  bool is_random() const override { return true; }
  // Dims given by inputs are known when their values are (at run time, always).
  Type infer(const InputInfos& in) const override {
    if (in[0].dtype != DType::Int64 || in[0].shape != Shape{2})
      throw TypeError("the random state must be int64 of shape (2,), got " + in[0].str());
    for (size_t i = 1; i < in.size(); ++i)
      if (!is_integer(in[i].dtype) || in[i].rank() != 0)
        throw TypeError("shape input " + std::to_string(i) + " must be an integer scalar, got " +
                        in[i].str());
    Shape s;
    size_t next = 1;
    for (int64_t d : shape_) {
      if (d != kSymbolic) {
        s.push_back(d);
        continue;
      }
      const InputInfo& dim = in[next++];
      if (dim.has_value && dim.value < 0)
        throw ValueError("random shape has a negative dim " + std::to_string(dim.value));
      s.push_back(dim.has_value ? dim.value : -1);
    }
    return Type{dtype_, s};
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    const int64_t* st = in[0]->data<int64_t>();
    const uint64_t key = draw_key(uint64_t(st[0]), uint64_t(st[1]));
    const int64_t n = out.size();
    dispatch(out.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* o = out.data<T>();
      switch (dist_) {
        case Dist::Uniform:
          for (int64_t i = 0; i < n; ++i) {
            T v = T(a_ + (b_ - a_) * unit(key, uint64_t(i)));
            if constexpr (std::is_floating_point<T>::value)
              if (b_ > a_ && double(v) >= b_) v = std::nextafter(T(b_), T(a_));  // keep [low, high)
            o[i] = v;
          }
          break;
        case Dist::Normal:
          // Box-Muller: pair j gives elements 2j and 2j+1.
          for (int64_t i = 0; i < n; i += 2) {
            const double u1 = 1.0 - unit(key, uint64_t(i)), u2 = unit(key, uint64_t(i) + 1);
            const double r = std::sqrt(-2.0 * std::log(u1)), t = 6.283185307179586 * u2;
            o[i] = T(a_ + b_ * r * std::cos(t));
            if (i + 1 < n) o[i + 1] = T(a_ + b_ * r * std::sin(t));
          }
          break;
        case Dist::Binomial: {
          const uint64_t trials = uint64_t(a_);
          const double p = b_;
          // Element i depends on (key, i) only, so chunks of elements can go to any
          // thread: the same draws on any thread count. (6.10's dropout masks,
          // 26,400 draws a step, took 105 us as a scalar loop, 11 us vectorized.)
          const int nt = threads_for(n * int64_t(std::max<uint64_t>(trials, 1)), kParallelMinDraws);
          parallel_chunks(nt, ceil_div(n, kDrawChunk), [&](int64_t chunk) {
            const int64_t i0 = chunk * kDrawChunk, i1 = std::min(n, i0 + kDrawChunk);
            if (trials == 1) {  // Bernoulli, dropout's case: a loop the compiler vectorizes
              for (int64_t i = i0; i < i1; ++i) o[i] = T(unit(key, uint64_t(i)) < p);
              return;
            }
            for (int64_t i = i0; i < i1; ++i) {
              int64_t c = 0;
              for (uint64_t t = 0; t < trials; ++t) c += unit(key, uint64_t(i) * trials + t) < p;
              o[i] = T(c);
            }
          });
          break;
        }
      }
    });
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var&) const override {
    return no_gradient(inputs);
  }

 private:
  static std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
  }
  Dist dist_;
  std::vector<int64_t> shape_;
  double a_, b_;
  DType dtype_;
};

// [seed, counter] -> [seed, counter + 1]: the default update of every state.
class RngAdvanceOp : public Op {
 public:
  std::string name() const override { return "rng_advance"; }
  bool is_random() const override { return true; }
  Type infer(const InputInfos& in) const override {
    if (in[0].dtype != DType::Int64 || in[0].shape != Shape{2})
      throw TypeError("the random state must be int64 of shape (2,), got " + in[0].str());
    return in[0];
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    const int64_t* s = in[0]->data<int64_t>();
    int64_t* o = out.data<int64_t>();
    o[0] = s[0];
    o[1] = int64_t(uint64_t(s[1]) + 1);
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var&) const override {
    return no_gradient(inputs);
  }
};

// [seed, counter], t -> [a seed of its own for step t, counter]: the state a
// random draw inside a scan's step reads, so every step draws other numbers while
// the stream still advances once per call.
class RngForkOp : public Op {
 public:
  std::string name() const override { return "rng_fork"; }
  Type infer(const InputInfos& in) const override {
    if (in[0].dtype != DType::Int64 || in[0].shape != Shape{2})
      throw TypeError("the random state must be int64 of shape (2,), got " + in[0].str());
    if (!is_integer(in[1].dtype) || in[1].rank() != 0)
      throw TypeError("rng_fork's step index must be an integer scalar, got " + in[1].str());
    return in[0];
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    const int64_t* s = in[0]->data<int64_t>();
    int64_t* o = out.data<int64_t>();
    o[0] = int64_t(mix64(uint64_t(s[0]) ^ mix64(uint64_t(in[1]->iat(0)) * kGolden + 0x2545F4914F6CDD1Dull)));
    o[1] = s[1];
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var&) const override {
    return no_gradient(inputs);
  }
};

Tensor state_value(uint64_t seed) {
  Tensor t(DType::Int64, Shape{2});
  t.data<int64_t>()[0] = int64_t(seed);
  t.data<int64_t>()[1] = 0;
  return t;
}

// Splits Dims into the op's shape pattern and the symbolic dim inputs.
std::vector<int64_t> shape_pattern(const Dims& shape, std::vector<Var>& inputs, Loc loc) {
  std::vector<int64_t> pattern;
  for (const Dim& d : shape) {
    if (d.var.defined() && !(d.var.role() == Role::Constant && is_integer(d.var.dtype()) &&
                             d.var.rank() == 0)) {
      pattern.push_back(kSymbolic);
      inputs.push_back(d.var);
      continue;
    }
    const int64_t v = d.var.defined() ? d.var.value_ref().iat(0) : d.value;
    if (v < 0)
      throw ValueError("nabla: random shape " + std::to_string(v) +
                       " is negative\n  in the expression created at " + loc.str());
    pattern.push_back(v);
  }
  return pattern;
}

[[noreturn]] void bad_arg(const std::string& what, Loc loc) {
  throw ValueError("nabla: " + what + "\n  in the expression created at " + loc.str());
}

Var sample(Dist dist, const Var& state, const Dims& shape, double a, double b, DType dtype, Loc loc) {
  std::vector<Var> inputs{state};
  std::vector<int64_t> pattern = shape_pattern(shape, inputs, loc);
  return apply(std::make_shared<RandomOp>(dist, std::move(pattern), a, b, dtype), std::move(inputs), loc);
}

}  // namespace

Var rng_fork(const Var& state, const Var& t, Loc loc) {
  return apply(std::make_shared<RngForkOp>(), {state, t}, loc);
}

bool is_random_state(const Var& v) {
  return v.role() == Role::Shared && v.dtype() == DType::Int64 && v.shape() == Shape{2} &&
         v.impl()->default_update != nullptr;
}

RandomStreams::RandomStreams(uint64_t seed) : seed_(seed) {}

Var RandomStreams::new_state(Loc loc) {
  const uint64_t k = counter_++;
  Var state = shared(state_value(stream_seed(seed_, k)), "rng_state" + std::to_string(k), loc);
  state.set_default_update(apply(std::make_shared<RngAdvanceOp>(), {state}, loc));
  states_.push_back(state);
  return state;
}

Var RandomStreams::uniform(const Dims& shape, double low, double high, DType dtype, Loc loc) {
  if (!is_float(dtype)) throw TypeError(std::string("nabla: uniform needs a float dtype, got ") + dtype_name(dtype));
  if (!(high >= low)) bad_arg("uniform: high (" + std::to_string(high) + ") is below low (" + std::to_string(low) + ")", loc);
  return sample(Dist::Uniform, new_state(loc), shape, low, high, dtype, loc);
}

Var RandomStreams::normal(const Dims& shape, double mean, double std, DType dtype, Loc loc) {
  if (!is_float(dtype)) throw TypeError(std::string("nabla: normal needs a float dtype, got ") + dtype_name(dtype));
  if (!(std >= 0)) bad_arg("normal: std must be >= 0, got " + std::to_string(std), loc);
  return sample(Dist::Normal, new_state(loc), shape, mean, std, dtype, loc);
}

Var RandomStreams::binomial(const Dims& shape, int64_t n, double p, DType dtype, Loc loc) {
  if (n < 0) bad_arg("binomial: n must be >= 0, got " + std::to_string(n), loc);
  if (!(p >= 0 && p <= 1)) bad_arg("binomial: p must be in [0, 1], got " + std::to_string(p), loc);
  return sample(Dist::Binomial, new_state(loc), shape, double(n), p, dtype, loc);
}

uint64_t random_stream_seed(uint64_t seed, uint64_t k) { return stream_seed(seed, k); }

void RandomStreams::seed(uint64_t seed) {
  seed_ = seed;
  for (size_t k = 0; k < states_.size(); ++k) states_[k].set_value(state_value(stream_seed(seed, k)));
}

void register_random_ops() {
  auto make = [](const OpParams& p) -> std::shared_ptr<const Op> {
    const Dist d = p.op() == "random_uniform" ? Dist::Uniform : p.op() == "random_normal" ? Dist::Normal : Dist::Binomial;
    const char* names[3][2] = {{"low", "high"}, {"mean", "std"}, {"n", "p"}};
    std::vector<int64_t> shape;  // '?': a dim read from an input
    for (const std::string& s : p.list("shape")) shape.push_back(s == "?" ? kSymbolic : p.to_integer(s, "a dim"));
    return std::make_shared<RandomOp>(d, std::move(shape), p.real(names[int(d)][0]), p.real(names[int(d)][1]),
                                      p.dtype("dtype"));
  };
  register_op({"random_uniform", "random", "uniform samples in [low, high) (counter-based hash)", make});
  register_op({"random_normal", "random", "normal samples (Box-Muller over the hash)", make});
  register_op({"random_binomial", "random", "successes in n trials of probability p", make});
  register_op({"rng_fork", "random", "[seed, counter], t -> the state of step t of a scan (its own seed)",
               [](const OpParams&) -> std::shared_ptr<const Op> { return std::make_shared<RngForkOp>(); }});
  register_op({"rng_advance", "random", "[seed, counter] -> [seed, counter + 1]: a stream's update",
               [](const OpParams&) -> std::shared_ptr<const Op> { return std::make_shared<RngAdvanceOp>(); }});
}

}  // namespace nabla
