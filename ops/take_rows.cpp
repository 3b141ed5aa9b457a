// take_rows / inc_rows: gather and scatter-add whole rows by an integer vector.
#include <cstring>

#include "core/dispatch.hpp"
#include "core/op.hpp"
#include "core/registry.hpp"
#include "ops/api.hpp"
#include "ops/take_rows.hpp"

namespace nabla {

namespace {

void check_index_type(const Type& x, const Type& idx) {
  if (x.rank() < 1) throw ShapeError("x of shape " + x.shape.str() + " has no rows to take");
  if (idx.rank() != 1 || !is_integer(idx.dtype))
    throw TypeError(std::string("the index must be an integer vector, got ") + dtype_name(idx.dtype) + " of shape " +
                    idx.shape.str());
}

// The row idx[k] refers to, checked against the row count.
int64_t row_of(const Tensor& idx, int64_t k, int64_t rows) {
  int64_t r = idx.iat(k);
  if (r < 0) r += rows;
  if (r < 0 || r >= rows)
    throw ValueError("index " + std::to_string(idx.iat(k)) + " at position " + std::to_string(k) +
                     " is out of range for " + std::to_string(rows) + " rows");
  return r;
}

class TakeRowsOp : public Op {
 public:
  std::string name() const override { return "take_rows"; }
  Type infer(const InputInfos& in) const override {
    check_index_type(in[0], in[1]);
    Type t{in[0].dtype, in[0].shape};
    t.shape[0] = in[1].shape[0];
    return t;
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    const Tensor &x = *in[0], &idx = *in[1];
    const int64_t rows = x.shape()[0];
    const size_t row_bytes = rows ? x.nbytes() / size_t(rows) : 0;
    const char* src = static_cast<const char*>(x.raw());
    char* dst = static_cast<char*>(out.raw());
    for (int64_t k = 0; k < idx.size(); ++k)
      std::memcpy(dst + size_t(k) * row_bytes, src + size_t(row_of(idx, k, rows)) * row_bytes, row_bytes);
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var& g) const override {
    return {inc_rows(zeros_like(inputs[0]), inputs[1], g), Var()};
  }
};

class IncRowsOp : public Op {
 public:
  std::string name() const override { return "inc_rows"; }
  Type infer(const InputInfos& in) const override {
    check_index_type(in[0], in[1]);
    const Type &x = in[0], &y = in[2];
    if (y.dtype != x.dtype)
      throw TypeError(std::string("y has dtype ") + dtype_name(y.dtype) + " but x has " + dtype_name(x.dtype));
    bool fits = y.rank() == x.rank();
    for (int d = 1; fits && d < x.rank(); ++d) fits = x.shape[d] < 0 || y.shape[d] < 0 || x.shape[d] == y.shape[d];
    if (fits && in[1].shape[0] >= 0 && y.shape[0] >= 0) fits = in[1].shape[0] == y.shape[0];
    if (!fits)
      throw ShapeError("y of shape " + y.shape.str() + " must hold one row of x " + x.shape.str() + " per index (" +
                       in[1].shape.str() + ")");
    return Type{x.dtype, x.shape};
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    const Tensor &x = *in[0], &idx = *in[1], &y = *in[2];
    if (out.raw() != x.raw() && out.nbytes()) std::memcpy(out.raw(), x.raw(), out.nbytes());
    const int64_t rows = x.shape()[0];
    const int64_t width = rows ? x.size() / rows : 0;
    dispatch(out.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* src = y.data<T>();
      T* o = out.data<T>();
      for (int64_t k = 0; k < idx.size(); ++k) {
        T* row = o + row_of(idx, k, rows) * width;
        const T* add = src + k * width;
        for (int64_t j = 0; j < width; ++j) row[j] = T(row[j] + add[j]);
      }
    });
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var& g) const override {
    return {g, Var(), take_rows(g, inputs[1])};
  }
};

}  // namespace

Var take_rows(const Var& x, const Var& idx, Loc loc) { return apply(std::make_shared<TakeRowsOp>(), {x, idx}, loc); }

Var inc_rows(const Var& x, const Var& idx, const Var& y, Loc loc) {
  return apply(std::make_shared<IncRowsOp>(), {x, idx, y}, loc);
}

void register_take_rows_ops() {
  register_op({"take_rows", "indexing", "x[idx] for an integer vector idx: whole rows (AdvancedSubtensor1)", [](const OpParams&) -> std::shared_ptr<const Op> { return std::make_shared<TakeRowsOp>(); }});
  register_op({"inc_rows", "indexing", "x with y's rows added at rows idx (take_rows' gradient)", [](const OpParams&) -> std::shared_ptr<const Op> { return std::make_shared<IncRowsOp>(); }});
}

}  // namespace nabla
