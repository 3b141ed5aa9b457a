// Element types nabla understands, their sizes and the promotion rule used by
// elementwise ops (numpy-like: bool < int32 < int64 < float32 < float64).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace nabla {

enum class DType : uint8_t { Bool, Int32, Int64, Float32, Float64 };

constexpr DType floatX = DType::Float32;  // default float type, as Theano's config.floatX

size_t dtype_size(DType t);
const char* dtype_name(DType t);
DType dtype_from_name(const std::string& name);  // "float32", "int64", ...; throws TypeError
inline bool is_float(DType t) { return t == DType::Float32 || t == DType::Float64; }
inline bool is_integer(DType t) { return t == DType::Int32 || t == DType::Int64; }
// Smallest type both a and b convert to without losing kind (int + float -> float).
DType promote(DType a, DType b);

template <class T> struct dtype_of;
template <> struct dtype_of<bool> { static constexpr DType value = DType::Bool; };
template <> struct dtype_of<int32_t> { static constexpr DType value = DType::Int32; };
template <> struct dtype_of<int64_t> { static constexpr DType value = DType::Int64; };
template <> struct dtype_of<float> { static constexpr DType value = DType::Float32; };
template <> struct dtype_of<double> { static constexpr DType value = DType::Float64; };

}  // namespace nabla
