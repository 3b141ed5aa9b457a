#include "core/dtype.hpp"

#include "core/error.hpp"

namespace nabla {

size_t dtype_size(DType t) {
  switch (t) {
    case DType::Bool: return 1;
    case DType::Int32: return 4;
    case DType::Int64: return 8;
    case DType::Float32: return 4;
    case DType::Float64: return 8;
  }
  return 0;
}

const char* dtype_name(DType t) {
  switch (t) {
    case DType::Bool: return "bool";
    case DType::Int32: return "int32";
    case DType::Int64: return "int64";
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
  }
  return "?";
}

DType dtype_from_name(const std::string& name) {
  for (DType t : {DType::Bool, DType::Int32, DType::Int64, DType::Float32, DType::Float64})
    if (name == dtype_name(t)) return t;
  if (name == "floatX") return floatX;
  throw TypeError("nabla: unknown dtype '" + name +
                  "' (expected bool, int32, int64, float32 or float64)");
}

DType promote(DType a, DType b) {
  // The enum is ordered by promotion rank.
  return static_cast<uint8_t>(a) > static_cast<uint8_t>(b) ? a : b;
}

}  // namespace nabla
