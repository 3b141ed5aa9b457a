#include "core/var.hpp"

#include <atomic>
#include <mutex>
#include <unordered_map>

#include "core/graph.hpp"
#include "core/op.hpp"
#include "core/registry.hpp"
#include "core/shared_locks.hpp"

namespace nabla {

uint64_t next_var_id() {
  static std::atomic<uint64_t> counter{0};
  return ++counter;
}

std::string Type::str() const { return std::string(dtype_name(dtype)) + shape.str(); }

const Op* Var::op() const { return p_->node ? p_->node->op.get() : nullptr; }

const std::vector<Var>& Var::inputs() const {
  static const std::vector<Var> none;
  return p_->node ? p_->node->inputs : none;
}

std::string Var::label() const {
  if (!p_) return "<undefined>";
  if (!p_->name.empty()) return "'" + p_->name + "'";
  switch (p_->role) {
    case Role::Input: return "input#" + std::to_string(p_->id);
    case Role::Constant: return "constant#" + std::to_string(p_->id);
    case Role::Shared: return "shared#" + std::to_string(p_->id);
    case Role::Intermediate: return op()->name() + "#" + std::to_string(p_->id);
  }
  return "?";
}

static void require_value(const Var& v, const char* what) {
  if (!v.defined()) throw ValueError(std::string("nabla: ") + what + " of an undefined Var");
  if (v.role() != Role::Shared && v.role() != Role::Constant)
    throw TypeError(std::string("nabla: ") + what + " needs a shared variable or constant, but " +
                    v.label() + " is not one");
}

Tensor Var::get_value() const {
  require_value(*this, "get_value");
  std::shared_lock<std::shared_mutex> lock(shared_var_lock(p_.get()));
  return p_->value->copy();
}

const Tensor& Var::value_ref() const {
  require_value(*this, "value");
  return *p_->value;
}

void Var::set_value(const Tensor& v) {
  require_value(*this, "set_value");
  if (p_->role != Role::Shared) throw TypeError("nabla: set_value on constant " + label());
  if (v.dtype() != dtype())
    throw TypeError("nabla: set_value on " + label() + ": dtype " + dtype_name(v.dtype()) +
                    " does not match the variable's " + dtype_name(dtype()));
  if (v.rank() != rank())
    throw ShapeError("nabla: set_value on " + label() + ": rank " + std::to_string(v.rank()) +
                     " does not match the variable's rank " + std::to_string(rank()));
  if (v.shape() != shape())
    throw ShapeError("nabla: set_value on " + label() + ": shape " + v.shape().str() +
                     " differs from the variable's " + shape().str() +
                     " (graphs were checked against it; create a new shared variable instead)");
  // Write into the existing buffer, so compiled functions keep reading the same memory.
  std::unique_lock<std::shared_mutex> lock(shared_var_lock(p_.get()));
  p_->value->copy_from(v);
}

// `root` with every use of the leaf `from` replaced by `to` (nodes rebuilt as needed).
static Var replace_leaf(const Var& root, const Var& from, const Var& to) {
  VarMemo memo{{from.impl(), to}};
  for (const Var& v : topo_sort({root}))
    if (!memo.count(v.impl())) memo[v.impl()] = v.is_leaf() ? v : rebuilt_over(v, memo);
  return memo.at(root.impl());
}

void Var::set_default_update(const Var& u) {
  require_value(*this, "set_default_update");
  if (u.defined() && (u.dtype() != dtype() || u.rank() != rank()))
    throw TypeError("nabla: default update of " + label() + " has type " + u.type().str() +
                    ", expected " + type().str());
  p_->default_update = nullptr;
  p_->default_update_self = nullptr;
  if (!u.defined()) return;
  Var self_standin = input(dtype(), shape(), label() + "(self)", loc());
  p_->default_update = replace_leaf(u, *this, self_standin).p_;
  p_->default_update_self = self_standin.p_;
}

Var Var::default_update() const {
  if (!p_->default_update) return Var();
  return replace_leaf(Var(p_->default_update), Var(p_->default_update_self), *this);
}

static std::shared_ptr<VarImpl> make_leaf(Role role, const Type& type, const std::string& name,
                                          Loc loc) {
  auto impl = std::make_shared<VarImpl>();
  impl->type = type;
  impl->role = role;
  impl->name = name;
  impl->loc = ScopedLoc::active() ? *ScopedLoc::active() : loc;
  impl->id = next_var_id();
  return impl;
}

Var input(DType dtype, const Shape& shape, const std::string& name, Loc loc) {
  return Var(make_leaf(Role::Input, Type{dtype, shape}, name, loc));
}

Var constant(const Tensor& value, const std::string& name, Loc loc) {
  if (!value.defined()) throw ValueError("nabla: constant from an empty tensor");
  auto impl = make_leaf(Role::Constant, Type{value.dtype(), value.shape()}, name, loc);
  impl->value = std::make_shared<Tensor>(value.copy());
  return Var(impl);
}

Var shared(const Tensor& value, const std::string& name, Loc loc) {
  if (!value.defined()) throw ValueError("nabla: shared variable '" + name + "' from an empty tensor");
  // The static shape is the value's: graphs are checked against it when built,
  // so set_value keeps it.
  auto impl = make_leaf(Role::Shared, Type{value.dtype(), value.shape()}, name, loc);
  impl->value = std::make_shared<Tensor>(value.copy());
  return Var(impl);
}

Var shared_borrow(const Tensor& value, const std::string& name, Loc loc) {
  if (!value.defined()) throw ValueError("nabla: shared variable '" + name + "' from an empty tensor");
  auto impl = make_leaf(Role::Shared, Type{value.dtype(), value.shape()}, name, loc);
  impl->value = std::make_shared<Tensor>(value);
  return Var(impl);
}

static std::string strip_prefix(const std::string& s) {
  const std::string p = "nabla: ";
  return s.compare(0, p.size(), p) == 0 ? s.substr(p.size()) : s;
}

static std::string describe_inputs(const std::vector<Var>& inputs) {
  std::string s;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (i) s += ", ";
    s += inputs[i].type().str() + " " + inputs[i].label();
  }
  return s;
}

Var apply(std::shared_ptr<const Op> op, std::vector<Var> inputs, Loc loc) {
  if (const Loc* o = ScopedLoc::active()) loc = *o;
  const std::string name = op->name();
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!inputs[i].defined())
      throw ValueError("nabla: " + name + ": input " + std::to_string(i) +
                       " is an undefined Var\n  in the expression created at " + loc.str());
  if (!is_registered_op(name))
    throw Error("nabla: op '" + name + "' is not in the op registry (core/registry.hpp)");
  Type out;
  auto context = [&](const std::exception& e) {
    return "nabla: " + op->signature() + ": " + strip_prefix(e.what()) + "\n  inputs: " +
           describe_inputs(inputs) + "\n  in the expression created at " + loc.str();
  };
  try {
    out = infer_type(*op, inputs);
  } catch (const ShapeError& e) {
    throw ShapeError(context(e));
  } catch (const TypeError& e) {
    throw TypeError(context(e));
  } catch (const ValueError& e) {
    throw ValueError(context(e));
  } catch (const MemoryError& e) {
    throw MemoryError(context(e));
  }
  auto impl = std::make_shared<VarImpl>();
  impl->type = out;
  impl->role = Role::Intermediate;
  impl->node = std::make_shared<Node>(Node{std::move(op), std::move(inputs)});
  impl->loc = loc;
  impl->id = next_var_id();
  return Var(impl);
}

InputInfo input_info(const Var& v) {
  InputInfo info;
  info.dtype = v.dtype();
  info.shape = v.shape();
  if (v.role() == Role::Constant && v.rank() == 0 && is_integer(v.dtype())) {
    info.has_value = true;
    info.value = v.value_ref().iat(0);
  }
  return info;
}

InputInfo input_info(const Tensor& t) {
  InputInfo info;
  info.dtype = t.dtype();
  info.shape = t.shape();
  if (t.rank() == 0 && is_integer(t.dtype()) && t.defined()) {
    info.has_value = true;
    info.value = t.iat(0);
  }
  return info;
}

Type infer_type(const Op& op, const std::vector<Var>& inputs) {
  std::vector<InputInfo> infos;
  infos.reserve(inputs.size());
  for (const Var& v : inputs) infos.push_back(input_info(v));
  return op.infer(InputInfos(infos.data(), infos.size()));
}

Shape run_shape(const Op& op, const Tensor* const* in, int n_in, InputInfo* scratch) {
  for (int i = 0; i < n_in; ++i) scratch[i] = input_info(*in[i]);
  Shape s = op.infer(InputInfos(scratch, size_t(n_in))).shape;
  if (!s.known()) throw ShapeError("the shape function left dims unknown on actual values: " + s.str());
  return s;
}

std::vector<Var> no_gradient(const std::vector<Var>& inputs) { return std::vector<Var>(inputs.size()); }

}  // namespace nabla
