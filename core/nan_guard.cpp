#include "core/nan_guard.hpp"

#include <cmath>
#include <cstdio>

#include "core/dispatch.hpp"
#include "core/error.hpp"
#include "core/grad_origin.hpp"

namespace nabla {

namespace {

struct Scan {
  int64_t first_bad = -1;
  double bad_value = 0, min = 0, max = 0;
  int64_t nans = 0, infs = 0, finite = 0;
};

Scan scan(const Tensor& t) {
  Scan s;
  if (!is_float(t.dtype())) {
    for (int64_t i = 0; i < t.size(); ++i) {
      const double v = double(t.iat(i));
      s.min = s.finite ? std::min(s.min, v) : v;
      s.max = s.finite ? std::max(s.max, v) : v;
      ++s.finite;
    }
    return s;
  }
  dispatch_float(t.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* p = t.data<T>();
    for (int64_t i = 0; i < t.size(); ++i) {
      const double v = double(p[i]);
      if (std::isfinite(v)) {
        s.min = s.finite ? std::min(s.min, v) : v;
        s.max = s.finite ? std::max(s.max, v) : v;
        ++s.finite;
        continue;
      }
      std::isnan(v) ? ++s.nans : ++s.infs;
      if (s.first_bad < 0) {
        s.first_bad = i;
        s.bad_value = v;
      }
    }
  });
  return s;
}

std::string number(double v) {
  if (std::isnan(v)) return "nan";  // whatever its sign bit
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// "[1, 2]" for flat index 5 of shape (2, 3).
std::string multi_index(int64_t flat, const Shape& shape) {
  std::string s;
  for (int d = shape.rank() - 1; d >= 0; --d) {
    const int64_t n = shape[d] > 0 ? shape[d] : 1;
    s = std::to_string(flat % n) + (s.empty() ? "" : ", ") + s;
    flat /= n;
  }
  return "[" + s + "]";
}

std::string first_bad(const Scan& s, const Tensor& t) {
  return (std::isnan(s.bad_value) ? "NaN" : "Inf") + std::string(" first at index ") +
         multi_index(s.first_bad, t.shape()) + " (value " + number(s.bad_value) + "; " + std::to_string(s.nans) +
         " NaN and " + std::to_string(s.infs) + " Inf of " + std::to_string(t.size()) + " values)";
}

std::string range(const Tensor& t) {
  const Scan s = scan(t);
  std::string r = std::string(dtype_name(t.dtype())) + t.shape().str();
  if (s.finite) r += " in [" + number(s.min) + ", " + number(s.max) + "]";
  return r + ", " + std::to_string(s.nans) + " NaN, " + std::to_string(s.infs) + " Inf";
}

}  // namespace

void nan_guard_leaf(const Var& v, const Tensor& value, const std::string& what) {
  if (!is_float(value.dtype())) return;
  const Scan s = scan(value);
  if (s.first_bad < 0) return;
  throw ValueError("nabla: NanGuard: " + what + " " + v.label() + " arrived holding " + first_bad(s, value) +
                   ", before any op ran\n  it was created at " + v.loc().str());
}

void nan_guard_step(const Var& v, const std::string& signature, const Tensor* const* in, int n_in,
                    const Tensor& out) {
  if (!is_float(out.dtype())) return;
  const Scan s = scan(out);
  if (s.first_bad < 0) return;
  std::string inputs;
  for (int k = 0; k < n_in; ++k) inputs += "\n    input " + std::to_string(k) + ": " + range(*in[k]);
  const std::string origin = gradient_origin(v);
  throw ValueError("nabla: NanGuard: " + signature + " " + v.label() + " produced " + first_bad(s, out) +
                   " from inputs" + inputs + "\n  in " + (origin.empty() ? "the expression" : origin) +
                   (origin.empty() ? " created at " + v.loc().str() : ""));
}

}  // namespace nabla
