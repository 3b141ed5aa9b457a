// Leaf constructors users call: typed inputs, constants and literals.
#include <cmath>

#include "ops/api.hpp"

namespace nabla {

static Shape unknown(int rank) {
  Shape s;
  for (int i = 0; i < rank; ++i) s.push_back(-1);
  return s;
}

Var scalar(const std::string& name, DType dtype, Loc loc) { return input(dtype, unknown(0), name, loc); }
Var vector(const std::string& name, DType dtype, Loc loc) { return input(dtype, unknown(1), name, loc); }
Var matrix(const std::string& name, DType dtype, Loc loc) { return input(dtype, unknown(2), name, loc); }
Var tensor3(const std::string& name, DType dtype, Loc loc) { return input(dtype, unknown(3), name, loc); }
Var tensor4(const std::string& name, DType dtype, Loc loc) { return input(dtype, unknown(4), name, loc); }
Var iscalar(const std::string& name, Loc loc) { return input(DType::Int32, unknown(0), name, loc); }
Var lscalar(const std::string& name, Loc loc) { return input(DType::Int64, unknown(0), name, loc); }
Var ivector(const std::string& name, Loc loc) { return input(DType::Int32, unknown(1), name, loc); }
Var lvector(const std::string& name, Loc loc) { return input(DType::Int64, unknown(1), name, loc); }

Var constant(double value, DType dtype, Loc loc) {
  return constant(Tensor::full(dtype, Shape{}, value), "", loc);
}

Var literal(double value, const Var& like, Loc loc) {
  DType t = like.dtype();
  bool integral = std::floor(value) == value && std::fabs(value) < 9e15;
  if (t == DType::Bool) t = integral ? DType::Int64 : floatX;
  else if (is_integer(t) && !integral) t = floatX;
  return constant(value, t, loc);
}

}  // namespace nabla
