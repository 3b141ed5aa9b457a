// The elementwise family's front: compositions (sqr, relu), the C++ operators
// and registration. The ops themselves live in elementwise_binary.cpp,
// elementwise_unary.cpp and broadcast.cpp.
#include "core/registry.hpp"
#include "ops/api.hpp"

namespace nabla {

namespace detail {
void register_binary_ops();     // elementwise_binary.cpp
void register_unary_ops();      // elementwise_unary.cpp
void register_broadcast_ops();  // broadcast.cpp
}  // namespace detail
void register_fusion();                // elementwise_fusion.cpp
void register_elementwise_rewrites();  // elementwise_rewrites.cpp

Var sqr(const Var& x, Loc loc) { return mul(x, x, loc); }
Var relu(const Var& x, Loc loc) { return maximum(x, literal(0.0, x, loc), loc); }

Var operator+(VarAt a, const Var& b) { return add(a.v, b, a.loc); }
Var operator-(VarAt a, const Var& b) { return sub(a.v, b, a.loc); }
Var operator*(VarAt a, const Var& b) { return mul(a.v, b, a.loc); }
Var operator/(VarAt a, const Var& b) { return div(a.v, b, a.loc); }
Var operator-(VarAt a) { return neg(a.v, a.loc); }
Var operator+(VarAt a, double b) { return add(a.v, literal(b, a.v, a.loc), a.loc); }
Var operator-(VarAt a, double b) { return sub(a.v, literal(b, a.v, a.loc), a.loc); }
Var operator*(VarAt a, double b) { return mul(a.v, literal(b, a.v, a.loc), a.loc); }
Var operator/(VarAt a, double b) { return div(a.v, literal(b, a.v, a.loc), a.loc); }
Var operator+(double a, VarAt b) { return add(literal(a, b.v, b.loc), b.v, b.loc); }
Var operator-(double a, VarAt b) { return sub(literal(a, b.v, b.loc), b.v, b.loc); }
Var operator*(double a, VarAt b) { return mul(literal(a, b.v, b.loc), b.v, b.loc); }
Var operator/(double a, VarAt b) { return div(literal(a, b.v, b.loc), b.v, b.loc); }
Var operator<(VarAt a, const Var& b) { return lt(a.v, b, a.loc); }
Var operator<=(VarAt a, const Var& b) { return le(a.v, b, a.loc); }
Var operator>(VarAt a, const Var& b) { return gt(a.v, b, a.loc); }
Var operator>=(VarAt a, const Var& b) { return ge(a.v, b, a.loc); }

void register_elementwise_ops() {
  detail::register_binary_ops();
  detail::register_unary_ops();
  detail::register_broadcast_ops();
  register_fusion();
  register_elementwise_rewrites();
}

}  // namespace nabla
