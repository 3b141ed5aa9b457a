#include "core/op_params.hpp"

#include <cerrno>
#include <cstdlib>

#include "core/error.hpp"

namespace nabla {

std::vector<std::string> split_top_level(const std::string& s) {
  std::vector<std::string> parts;
  if (s.empty()) return parts;
  int depth = 0;
  std::string cur;
  for (char c : s) {
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

OpParams::OpParams(std::string op, std::string text, int n_inputs)
    : op_(std::move(op)), text_(std::move(text)), n_inputs_(n_inputs) {
  // Not every op's text is k=v pairs (fused_elementwise prints an expression);
  // pairs are collected where they parse, and str() fails for a missing key.
  for (const std::string& part : split_top_level(text_)) {
    const size_t eq = part.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    kv_.emplace_back(part.substr(0, eq), part.substr(eq + 1));
  }
}

void OpParams::fail(const std::string& why) const {
  throw ValueError("nabla: cannot rebuild op '" + op_ + "' from params '" + text_ + "': " + why);
}

const std::string& OpParams::str(const std::string& key) const {
  for (const auto& [k, v] : kv_)
    if (k == key) return v;
  fail("'" + key + "' is missing");
}

int64_t OpParams::to_integer(const std::string& token, const std::string& what) const {
  if (token.empty()) fail(what + " is empty");
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(token.c_str(), &end, 10);
  if (errno || *end) fail(what + " '" + token + "' is not an integer");
  return v;
}

int64_t OpParams::integer(const std::string& key) const { return to_integer(str(key), "'" + key + "'"); }

bool OpParams::flag(const std::string& key) const {
  const std::string& v = str(key);
  if (v != "0" && v != "1") fail("'" + key + "' must be 0 or 1, got '" + v + "'");
  return v == "1";
}

double OpParams::real(const std::string& key) const {
  const std::string& v = str(key);
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end) fail("'" + key + "' = '" + v + "' is not a number");
  return d;
}

DType OpParams::dtype(const std::string& key) const {
  try {
    return dtype_from_name(str(key));
  } catch (const TypeError&) {
    fail("'" + key + "' = '" + str(key) + "' is not a dtype");
  }
}

std::vector<std::string> OpParams::list(const std::string& key) const {
  const std::string& v = str(key);
  const bool paren = v.size() >= 2 && v.front() == '(' && v.back() == ')';
  const bool bracket = v.size() >= 2 && v.front() == '[' && v.back() == ']';
  if (!paren && !bracket) fail("'" + key + "' = '" + v + "' is not a list in () or []");
  std::vector<std::string> items = split_top_level(v.substr(1, v.size() - 2));
  if (!items.empty() && items.back().empty()) items.pop_back();  // "(5,)": a shape of rank 1
  return items;
}

std::vector<int64_t> OpParams::ints(const std::string& key) const {
  std::vector<int64_t> out;
  for (const std::string& item : list(key)) out.push_back(to_integer(item, "an item of '" + key + "'"));
  return out;
}

}  // namespace nabla
