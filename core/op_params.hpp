// Rebuilding an op from what it is: its name and its params() text (and the
// number of inputs its node has). Two ops with equal name and params are
// interchangeable (the merge pass relies on it), so that text is all a factory
// needs; each op family registers one factory per op beside its registration,
// and make_op() (core/registry.hpp) checks that the rebuilt op prints the same
// params. Used to unpickle graphs; a malformed text raises ValueError naming the
// op, the text and what was wrong.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/dtype.hpp"

namespace nabla {

class Op;

class OpParams {
 public:
  OpParams(std::string op, std::string text, int n_inputs);
  const std::string& op() const { return op_; }
  const std::string& text() const { return text_; }
  int n_inputs() const { return n_inputs_; }

  // The value of key in "k1=v1,k2=v2" (commas inside () or [] belong to a value).
  const std::string& str(const std::string& key) const;
  int64_t integer(const std::string& key) const;
  bool flag(const std::string& key) const;  // "0" or "1"
  double real(const std::string& key) const;
  DType dtype(const std::string& key) const;
  // "(a,b,c)" or "[a,b,c]" as its items ("()" gives none).
  std::vector<std::string> list(const std::string& key) const;
  std::vector<int64_t> ints(const std::string& key) const;

  int64_t to_integer(const std::string& token, const std::string& what) const;
  [[noreturn]] void fail(const std::string& why) const;

 private:
  std::string op_, text_;
  int n_inputs_;
  std::vector<std::pair<std::string, std::string>> kv_;
};

// Splits "a,b(c,d),e" at the commas outside brackets.
std::vector<std::string> split_top_level(const std::string& s);

using OpFactory = std::shared_ptr<const Op> (*)(const OpParams& p);

}  // namespace nabla
