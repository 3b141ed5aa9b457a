// The factory of fused_elementwise: its params() text back into a program.
// The text is "dtype:" then the results read more than once ("r5=expr;"), then
// the output's expression; operands are inputs (%i), named results (rN) or
// inlined calls. The instruction order is rebuilt so that every rN is register N
// again (the text then prints identically, which make_op checks).
#include <cctype>
#include <string>
#include <vector>

#include "core/op_params.hpp"
#include "ops/elementwise_kernels.hpp"
#include "ops/fused_elementwise.hpp"

namespace nabla {

namespace {

struct Expr {
  enum Kind { Input, Ref, Call } kind = Input;
  int index = 0;                 // Input: %index; Ref: register index
  FusedInstr instr;              // Call: fn and arity (a, b filled when emitted)
  std::vector<int> args;         // Call: indices into the node list
  int reg = -1;                  // the register it was emitted into
};

class Parser {
 public:
  Parser(const OpParams& p, const std::string& s) : p_(p), s_(s) {}

  int expr() {
    if (peek('%')) {
      ++pos_;
      return add(Expr{Expr::Input, number(), {}, {}, -1});
    }
    if (peek('r') && pos_ + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_ + 1]))) {
      ++pos_;
      return add(Expr{Expr::Ref, number(), {}, {}, -1});
    }
    const size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) ++pos_;
    const std::string name = s_.substr(start, pos_ - start);
    Expr e{Expr::Call, 0, {}, {}, -1};
    if (!lookup(name, e.instr)) p_.fail("unknown function '" + name + "' at position " + std::to_string(start));
    expect('(');
    e.args.push_back(expr());
    if (e.instr.binary) {
      expect(',');
      e.args.push_back(expr());
    }
    expect(')');
    return add(std::move(e));
  }
  int number() {
    const size_t start = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    return int(p_.to_integer(s_.substr(start, pos_ - start), "a register number"));
  }
  bool peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  void expect(char c) {
    if (!peek(c)) p_.fail(std::string("expected '") + c + "' at position " + std::to_string(pos_));
    ++pos_;
  }
  bool done() const { return pos_ == s_.size(); }
  size_t pos() const { return pos_; }
  std::vector<Expr>& nodes() { return nodes_; }

 private:
  static bool lookup(const std::string& name, FusedInstr& ins) {
    for (const UnaryRow* r = unary_rows_begin(); r != unary_rows_end(); ++r)
      if (name == r->name) {
        ins.binary = false;
        ins.fn = uint8_t(r - unary_rows_begin());
        return true;
      }
    for (int k = 0; k < int(BinaryFn::Count); ++k)
      if (name == binary_name(BinaryFn(k))) {
        ins.binary = true;
        ins.fn = uint8_t(k);
        return true;
      }
    return false;
  }
  int add(Expr e) {
    nodes_.push_back(std::move(e));
    return int(nodes_.size()) - 1;
  }
  const OpParams& p_;
  const std::string& s_;
  size_t pos_ = 0;
  std::vector<Expr> nodes_;
};

}  // namespace

std::shared_ptr<const Op> parse_fused_elementwise(const OpParams& p) {
  const std::string& text = p.text();
  const size_t colon = text.find(':');
  if (colon == std::string::npos) p.fail("no 'dtype:' prefix");
  const DType dtype = dtype_from_name(text.substr(0, colon));
  const std::string body = text.substr(colon + 1);
  const int n_inputs = p.n_inputs();
  Parser parser(p, body);
  struct Let {
    int reg;
    int root;
  };
  std::vector<Let> lets;
  int root = -1;
  while (!parser.done()) {
    if (parser.peek('r')) {  // "rN=expr;" or the final expression starting with a reference
      const size_t save = parser.pos();
      const size_t eq = body.find('=', save);
      const size_t semi = body.find(';', save);
      if (eq != std::string::npos && semi != std::string::npos && eq < semi && body.find('(', save) > eq) {
        parser.expect('r');
        const int reg = parser.number();
        parser.expect('=');
        lets.push_back({reg, parser.expr()});
        parser.expect(';');
        continue;
      }
    }
    root = parser.expr();
    if (!parser.done()) p.fail("text after the output expression at position " + std::to_string(parser.pos()));
  }
  if (root < 0) p.fail("no output expression");
  std::vector<Expr>& nodes = parser.nodes();

  // Registers: inputs, then instructions. Each named result must land at its
  // number, so independent inlined calls are emitted early where needed.
  std::vector<FusedInstr> program;
  std::vector<int> let_node(size_t(n_inputs) + nodes.size() + 1, -1);  // register -> let root node
  for (const Let& l : lets) {
    if (l.reg < n_inputs || size_t(l.reg) >= let_node.size()) p.fail("r" + std::to_string(l.reg) + " is out of range");
    let_node[size_t(l.reg)] = l.root;
  }
  auto operand_reg = [&](int n) -> int {  // -1: not emitted yet
    const Expr& e = nodes[size_t(n)];
    if (e.kind == Expr::Input) {
      if (e.index >= n_inputs) p.fail("%" + std::to_string(e.index) + " but the node has " + std::to_string(n_inputs) + " inputs");
      return e.index;
    }
    if (e.kind == Expr::Ref) {
      if (size_t(e.index) >= let_node.size() || let_node[size_t(e.index)] < 0)
        p.fail("r" + std::to_string(e.index) + " is used but never defined");
      return nodes[size_t(let_node[size_t(e.index)])].reg;
    }
    return e.reg;
  };
  auto ready = [&](int n) {
    for (int a : nodes[size_t(n)].args)
      if (operand_reg(a) < 0) return false;
    return true;
  };
  auto emit = [&](int n) {
    Expr& e = nodes[size_t(n)];
    FusedInstr ins = e.instr;
    ins.a = operand_reg(e.args[0]);
    if (ins.binary) ins.b = operand_reg(e.args[1]);
    e.reg = n_inputs + int(program.size());
    program.push_back(ins);
  };
  std::vector<bool> is_let_root(nodes.size(), false);
  for (const Let& l : lets) is_let_root[size_t(l.root)] = true;
  // Emits a ready inlined call (not a let's own root), earliest in the text first.
  auto emit_filler = [&]() {
    for (size_t n = 0; n < nodes.size(); ++n)
      if (nodes[n].kind == Expr::Call && nodes[n].reg < 0 && !is_let_root[n] && int(n) != root && ready(int(n))) {
        emit(int(n));
        return true;
      }
    return false;
  };
  for (const Let& l : lets) {
    // Its inlined operands first (post-order), then fillers up to its register.
    std::vector<int> stack{l.root}, order;
    while (!stack.empty()) {
      const int n = stack.back();
      stack.pop_back();
      order.push_back(n);
      if (n != l.root && is_let_root[size_t(n)]) continue;
      for (int a : nodes[size_t(n)].args)
        if (nodes[size_t(a)].kind == Expr::Call) stack.push_back(a);
    }
    for (auto it = order.rbegin(); it != order.rend(); ++it)
      if (*it != l.root && nodes[size_t(*it)].reg < 0 && ready(*it)) emit(*it);
    while (n_inputs + int(program.size()) < l.reg)
      if (!emit_filler()) p.fail("r" + std::to_string(l.reg) + " cannot be register " + std::to_string(l.reg));
    if (n_inputs + int(program.size()) != l.reg || !ready(l.root))
      p.fail("r" + std::to_string(l.reg) + " cannot be register " + std::to_string(l.reg));
    emit(l.root);
  }
  while (emit_filler()) {
  }
  if (nodes[size_t(root)].kind != Expr::Call || nodes[size_t(root)].reg >= 0 || !ready(root))
    p.fail("the output expression is not a call on the inputs");
  emit(root);
  return std::make_shared<FusedElementwiseOp>(dtype, n_inputs, std::move(program));
}

}  // namespace nabla
