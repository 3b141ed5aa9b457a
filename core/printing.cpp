#include "core/printing.hpp"

#include <unordered_set>

#include "core/graph.hpp"
#include "core/op.hpp"

namespace nabla {

namespace {

std::string head(const Var& v) {
  std::string s;
  switch (v.role()) {
    case Role::Input: s = "input"; break;
    case Role::Constant: s = "constant"; break;
    case Role::Shared: s = "shared"; break;
    case Role::Intermediate: s = v.op()->signature(); break;
  }
  s += " [id " + std::to_string(v.id()) + "] " + v.type().str();
  if (!v.name().empty()) s += " '" + v.name() + "'";
  if (v.role() == Role::Constant && v.value_ref().size() == 1) {
    std::string val = std::to_string(v.value_ref().at(0));
    s += " = " + val;
  }
  return s;
}

void print_tree(const Var& v, int depth, std::unordered_set<const VarImpl*>& shown, std::string& out) {
  out += std::string(size_t(depth) * 2, ' ') + (depth ? "|" : "") + head(v);
  if (!v.is_leaf() && !shown.insert(v.impl()).second) {
    out += " (shown above)\n";
    return;
  }
  out += "\n";
  for (const Var& in : v.inputs()) print_tree(in, depth + 1, shown, out);
}

std::string escape(const std::string& s) {
  std::string r;
  for (char c : s) {
    if (c == '"' || c == '\\') r += '\\';
    r += c;
  }
  return r;
}

}  // namespace

std::string debugprint(const std::vector<Var>& vs) {
  std::string out;
  std::unordered_set<const VarImpl*> shown;
  for (const Var& v : vs) print_tree(v, 0, shown, out);
  return out;
}

std::string debugprint(const Var& v) { return debugprint(std::vector<Var>{v}); }

std::string debugprint(const Function& f) { return debugprint(f.outputs()); }

std::string to_dot(const std::vector<Var>& vs) {
  std::string out = "digraph nabla {\n  rankdir=BT;\n  node [fontname=\"monospace\"];\n";
  for (const Var& v : topo_sort(vs)) {
    std::string id = "n" + std::to_string(v.id());
    std::string shape = v.is_leaf() ? (v.role() == Role::Input ? "box" : "note") : "ellipse";
    out += "  " + id + " [shape=" + shape + ", label=\"" + escape(head(v)) + "\"];\n";
    for (const Var& in : v.inputs()) out += "  n" + std::to_string(in.id()) + " -> " + id + ";\n";
  }
  return out + "}\n";
}

std::string to_dot(const Function& f) { return to_dot(f.outputs()); }

}  // namespace nabla
