// Internal: call a generic lambda with the C++ type of a DType, so kernels are
// written once as templates. Usage:
//   dispatch(t.dtype(), [&](auto tag) { using T = typename decltype(tag)::type; ... });
#pragma once
#include <cstdint>

#include "core/dtype.hpp"
#include "core/error.hpp"

namespace nabla {

template <class T> struct type_tag { using type = T; };

template <class F> decltype(auto) dispatch(DType t, F&& f) {
  switch (t) {
    case DType::Bool: return f(type_tag<bool>{});
    case DType::Int32: return f(type_tag<int32_t>{});
    case DType::Int64: return f(type_tag<int64_t>{});
    case DType::Float32: return f(type_tag<float>{});
    case DType::Float64: return f(type_tag<double>{});
  }
  throw TypeError("nabla: unknown dtype");
}

// Float dtypes only (transcendental kernels).
template <class F> decltype(auto) dispatch_float(DType t, F&& f) {
  switch (t) {
    case DType::Float32: return f(type_tag<float>{});
    case DType::Float64: return f(type_tag<double>{});
    default: break;
  }
  throw TypeError(std::string("nabla: expected a float dtype, got ") + dtype_name(t));
}

}  // namespace nabla
