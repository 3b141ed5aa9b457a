// The graph's vocabulary: Type (dtype + static shape), Node (an op applied to
// inputs) and Var (a value in the graph: a leaf, or the output of a Node).
// Every op has exactly one output; a Var owns its Node, so graphs are DAGs of
// shared pointers with no cycles.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/dtype.hpp"
#include "core/error.hpp"
#include "core/shape.hpp"
#include "core/tensor.hpp"

namespace nabla {

class Op;
class Var;

struct Type {
  DType dtype = DType::Float32;
  Shape shape;  // -1 where unknown
  int rank() const { return shape.rank(); }
  std::string str() const;  // "float32(10,?)"
  bool operator==(const Type& o) const { return dtype == o.dtype && shape == o.shape; }
};

enum class Role : uint8_t { Input, Constant, Shared, Intermediate };

struct Node {
  std::shared_ptr<const Op> op;
  std::vector<Var> inputs;
};

struct VarImpl {
  Type type;
  Role role = Role::Intermediate;
  std::shared_ptr<Node> node;  // set for Intermediate
  std::string name;
  Loc loc;
  uint64_t id = 0;
  // Constant: its value. Shared: the current value (updated by functions).
  std::shared_ptr<Tensor> value;
  // Shared only: the update a function applies when the caller gives none
  // (random streams use it to advance their state), written over the stand-in
  // `default_update_self` instead of this variable: an expression that held
  // this VarImpl would own it through its own node, a shared_ptr cycle that
  // never frees.
  std::shared_ptr<VarImpl> default_update;
  std::shared_ptr<VarImpl> default_update_self;
};

class Var {
 public:
  Var() = default;
  explicit Var(std::shared_ptr<VarImpl> impl) : p_(std::move(impl)) {}

  bool defined() const { return p_ != nullptr; }
  explicit operator bool() const { return defined(); }
  const Type& type() const { return p_->type; }
  DType dtype() const { return p_->type.dtype; }
  const Shape& shape() const { return p_->type.shape; }
  int rank() const { return p_->type.rank(); }
  Role role() const { return p_->role; }
  const std::string& name() const { return p_->name; }
  Var& set_name(const std::string& n) { p_->name = n; return *this; }
  const Loc& loc() const { return p_->loc; }
  uint64_t id() const { return p_->id; }
  const Node* node() const { return p_->node.get(); }
  const Op* op() const;  // nullptr for leaves
  const std::vector<Var>& inputs() const;  // empty for leaves
  bool is_leaf() const { return p_->node == nullptr; }
  VarImpl* impl() const { return p_.get(); }
  bool same(const Var& o) const { return p_ == o.p_; }
  // "name" if named, else "op#id" / "input#id": how errors refer to this Var.
  std::string label() const;

  // Shared variables (Role::Shared): the current value, as Theano's get/set_value.
  Tensor get_value() const;  // a copy
  void set_value(const Tensor& v);  // dtype must match; the shape may change unless fixed
  const Tensor& value_ref() const;  // no copy (constants and shared)
  Var default_update() const;  // the expression over this variable (built afresh)
  void set_default_update(const Var& u);

 private:
  std::shared_ptr<VarImpl> p_;
};

struct VarHash {
  size_t operator()(const Var& v) const { return std::hash<const void*>()(v.impl()); }
};
struct VarEq {
  bool operator()(const Var& a, const Var& b) const { return a.same(b); }
};

// Leaf constructors.
Var input(DType dtype, const Shape& shape, const std::string& name = "", Loc loc = Loc::current());
Var constant(const Tensor& value, const std::string& name = "", Loc loc = Loc::current());
Var shared(const Tensor& value, const std::string& name = "", Loc loc = Loc::current());
// A shared variable holding `value`'s own buffer instead of a copy: for large
// data sets that functions only read (the training images). Writes to `value`
// are seen by compiled functions, and an update of the variable, or set_value()
// with the same shape, may write into that buffer.
Var shared_borrow(const Tensor& value, const std::string& name = "", Loc loc = Loc::current());
// Builds the output Var of `op` applied to `inputs`: runs the op's type
// inference and turns a failure into an error naming the op, the input types
// and `loc`.
Var apply(std::shared_ptr<const Op> op, std::vector<Var> inputs, Loc loc);

uint64_t next_var_id();

}  // namespace nabla
