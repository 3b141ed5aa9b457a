// scan(): calls the user's step once on placeholders, then turns its graph into
// a scan node. What the step uses from outside the loop (shared variables,
// inputs, whole expressions over them) becomes an input of the node, computed
// once per call rather than per step; random streams read inside the step get a
// state of their own per step (rng_fork).
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/graph.hpp"
#include "ops/scan.hpp"
#include "ops/scan_op.hpp"

namespace nabla {

namespace {

[[noreturn]] void fail(const std::string& what, Loc loc) {
  throw ValueError("nabla: scan: " + what + "\n  in the scan called at " + loc.str());
}

Shape without_first(const Shape& s) {
  Shape r;
  for (int i = 1; i < s.rank(); ++i) r.push_back(s[i]);
  return r;
}

Var first_row_axis(const Var& v, Loc loc) {
  std::vector<int> pattern{bcast};
  for (int i = 0; i < v.rank(); ++i) pattern.push_back(i);
  return dimshuffle(v, pattern, loc);
}

bool fits(const Shape& got, const Shape& want) {
  if (got.rank() != want.rank()) return false;
  for (int i = 0; i < got.rank(); ++i)
    if (got[i] >= 0 && want[i] >= 0 && got[i] != want[i]) return false;
  return true;
}

// The step's graph over loop-only placeholders: every maximal subexpression that
// does not change from step to step (and is not all constants) is replaced by a
// placeholder fed from outside.
struct Hoisted {
  std::vector<Var> outputs;        // the step's results over placeholders
  std::vector<Var> inner, outer;   // hoisted placeholders and what feeds them
  std::vector<Var> random_states;  // the streams the step draws from
  bool random = false;
};

Hoisted hoist(const std::vector<Var>& results, const std::unordered_set<const VarImpl*>& loop_vars,
              const Var& t, Loc loc) {
  const std::vector<Var> order = topo_sort(results);
  std::unordered_map<const VarImpl*, bool> varies, all_const;
  for (const Var& v : order) {
    if (v.is_leaf()) {
      varies[v.impl()] = loop_vars.count(v.impl()) > 0 || is_random_state(v);
      all_const[v.impl()] = v.role() == Role::Constant;
      continue;
    }
    bool var = v.op()->is_random(), cst = true;
    for (const Var& a : v.inputs()) {
      var = var || varies.at(a.impl());
      cst = cst && all_const.at(a.impl());
    }
    varies[v.impl()] = var;
    all_const[v.impl()] = cst;
  }
  Hoisted h;
  VarMemo memo;
  auto feed = [&](const Var& v) {  // the inner stand-in of a loop-invariant value
    auto it = memo.find(v.impl());
    if (it != memo.end()) return;
    if (all_const.at(v.impl())) {
      memo[v.impl()] = v;
      return;
    }
    Var p = input(v.dtype(), v.shape(), v.name().empty() ? "outer" : v.name());
    h.inner.push_back(p);
    h.outer.push_back(v);
    memo[v.impl()] = p;
  };
  for (const Var& v : order) {
    if (!varies.at(v.impl())) continue;
    if (v.is_leaf()) {
      if (loop_vars.count(v.impl())) {
        memo[v.impl()] = v;
      } else {  // a random stream's state
        Var p = input(DType::Int64, Shape{2}, v.name());
        h.inner.push_back(p);
        h.outer.push_back(v);
        h.random_states.push_back(v);
        memo[v.impl()] = rng_fork(p, t, loc);
      }
      continue;
    }
    if (v.op()->is_random()) h.random = true;
    for (const Var& a : v.inputs())
      if (!varies.at(a.impl())) feed(a);
    memo[v.impl()] = rebuilt_over(v, memo);
  }
  for (const Var& r : results) {
    if (!varies.at(r.impl())) feed(r);
    h.outputs.push_back(memo.at(r.impl()));
  }
  return h;
}

}  // namespace

ScanResult scan(const ScanStep& step, const std::vector<ScanSequence>& sequences,
                const std::vector<ScanOutput>& outputs_info, const std::vector<Var>& non_sequences,
                const Dim& n_steps, bool go_backwards, int truncate_gradient, Loc loc) {
  std::unordered_set<const VarImpl*> loop_vars;
  std::vector<Var> args;
  const Var t = input(DType::Int64, Shape{}, "t");
  loop_vars.insert(t.impl());

  // Sequences: one tap-0 sequence per tap, sliced so that all line up.
  std::vector<Var> seq_outer, seq_inner;
  for (size_t s = 0; s < sequences.size(); ++s) {
    const ScanSequence& sq = sequences[s];
    if (!sq.x.defined()) fail("sequence " + std::to_string(s) + " is undefined", loc);
    if (sq.x.rank() < 1) fail("sequence " + std::to_string(s) + " is a scalar; a sequence needs an axis to loop over", loc);
    if (sq.taps.empty()) fail("sequence " + std::to_string(s) + " has no taps", loc);
    Var x = go_backwards ? subtensor(sq.x, {Index::slice(Bound(), Bound(), Bound(int64_t(-1)))}, loc) : sq.x;
    const int lo = *std::min_element(sq.taps.begin(), sq.taps.end());
    const int hi = *std::max_element(sq.taps.begin(), sq.taps.end());
    for (int tap : sq.taps) {
      const Bound stop = hi - tap > 0 ? Bound(int64_t(tap - hi)) : Bound();
      seq_outer.push_back(subtensor(x, {Index::slice(Bound(int64_t(tap - lo)), stop)}, loc));
      Var p = input(x.dtype(), without_first(x.shape()), x.name().empty() ? "seq" : x.name() + "[t]");
      seq_inner.push_back(p);
      loop_vars.insert(p.impl());
      args.push_back(p);
    }
  }

  // Fed-back outputs: their initial rows and one placeholder per tap.
  struct Fed {
    size_t result;  // index among the step's results
    Var init;       // (depth, state...)
    std::vector<Var> taps;
  };
  std::vector<Fed> fed;
  std::vector<size_t> plain_results;
  for (size_t j = 0; j < outputs_info.size(); ++j) {
    const ScanOutput& o = outputs_info[j];
    if (!o.fed_back()) {
      plain_results.push_back(j);
      continue;
    }
    if (o.taps.empty()) fail("outputs_info[" + std::to_string(j) + "] has no taps", loc);
    for (int tap : o.taps)
      if (tap >= 0)
        fail("outputs_info[" + std::to_string(j) + "] has tap " + std::to_string(tap) +
             "; the taps of a fed-back output must be negative (-1 is the previous step)", loc);
    const int depth = -*std::min_element(o.taps.begin(), o.taps.end());
    Var init = o.initial;
    if (depth == 1 && o.taps.size() == 1) {
      init = first_row_axis(init, loc);
    } else {
      if (init.rank() < 1) fail("outputs_info[" + std::to_string(j) + "] with taps down to -" + std::to_string(depth) +
                                " needs an initial value with " + std::to_string(depth) + " leading rows", loc);
      init = subtensor(init, {Index::slice(Bound(int64_t(-depth)), Bound())}, loc);
    }
    Fed f{j, init, {}};
    for (int tap : o.taps) {
      (void)tap;
      Var p = input(o.initial.dtype(), without_first(init.shape()), o.initial.name().empty() ? "state" : o.initial.name());
      loop_vars.insert(p.impl());
      f.taps.push_back(p);
      args.push_back(p);
    }
    fed.push_back(f);
  }
  for (const Var& w : non_sequences) {
    if (!w.defined()) fail("a non-sequence is undefined", loc);
    args.push_back(w);
  }

  std::vector<Var> results = step(args);
  if (outputs_info.empty())
    for (size_t j = 0; j < results.size(); ++j) plain_results.push_back(j);
  else if (results.size() != outputs_info.size())
    fail("the step returned " + std::to_string(results.size()) + " outputs but outputs_info has " +
             std::to_string(outputs_info.size()) + " entries (one per output, None for those not fed back)", loc);
  if (results.empty()) fail("the step returned no outputs", loc);
  for (size_t j = 0; j < results.size(); ++j)
    if (!results[j].defined()) fail("the step's output " + std::to_string(j) + " is undefined", loc);
  const DType dtype = results[0].dtype();
  for (size_t j = 0; j < results.size(); ++j) {
    if (!is_float(results[j].dtype()))
      fail("the step's output " + std::to_string(j) + " is " + results[j].type().str() +
           "; scan outputs must be float (cast it, e.g. to floatX)", loc);
    if (results[j].dtype() != dtype)
      fail("the step's outputs mix " + std::string(dtype_name(dtype)) + " (output 0) and " +
           dtype_name(results[j].dtype()) + " (output " + std::to_string(j) + "); cast them to one dtype", loc);
  }
  for (Fed& f : fed) {
    const Var& r = results[f.result];
    if (!fits(r.shape(), f.taps[0].shape()))
      fail("the step's output " + std::to_string(f.result) + " has shape " + r.shape().str() +
           " but its initial value (outputs_info) has shape " + f.taps[0].shape().str() +
           "; a fed-back output keeps its shape", loc);
  }

  // States first, then the plain outputs, over loop-only placeholders.
  std::vector<Var> ordered;
  for (const Fed& f : fed) ordered.push_back(results[f.result]);
  for (size_t j : plain_results) ordered.push_back(results[j]);
  Hoisted h = hoist(ordered, loop_vars, t, loc);

  auto spec = std::make_shared<ScanSpec>();
  spec->inner_inputs.push_back(t);
  for (const Var& p : seq_inner) spec->inner_inputs.push_back(p);
  for (const Fed& f : fed)
    for (const Var& p : f.taps) spec->inner_inputs.push_back(p);
  for (const Var& p : h.inner) spec->inner_inputs.push_back(p);
  spec->inner_outputs = h.outputs;
  spec->seq_backwards.assign(seq_inner.size(), false);
  for (const Fed& f : fed) {
    ScanState st;
    st.taps = outputs_info[f.result].taps;
    spec->states.push_back(st);
  }
  spec->out_backwards.assign(plain_results.size(), false);
  spec->n_nonseqs = h.inner.size();
  spec->dtype = dtype;
  spec->random = h.random;
  spec->truncate_gradient = truncate_gradient;
  spec->id = next_scan_id();
  // A fed-back output keeps its initial value's dtype (Theano's rule).
  for (size_t r = 0; r < fed.size(); ++r)
    if (fed[r].taps[0].dtype() != dtype)
      fail("outputs_info[" + std::to_string(fed[r].result) + "] is " + dtype_name(fed[r].taps[0].dtype()) +
           " but the step returns " + dtype_name(dtype) + " for it; give the initial value that dtype", loc);

  Var steps = n_steps.var.defined() ? cast(n_steps.var, DType::Int64, loc) : constant(double(n_steps.value), DType::Int64);
  if (!n_steps.var.defined() && n_steps.value < 0 && sequences.empty())
    fail("without sequences, n_steps must be given", loc);
  std::vector<Var> in{steps, constant(0.0, DType::Int64)};
  in.insert(in.end(), seq_outer.begin(), seq_outer.end());
  for (const Fed& f : fed) in.push_back(f.init);
  in.insert(in.end(), h.outer.begin(), h.outer.end());
  const Var bundle = apply_scan(spec, in, loc);

  ScanResult res;
  res.outputs.resize(results.size());
  for (size_t r = 0; r < fed.size(); ++r)
    res.outputs[fed[r].result] = scan_piece(spec, PieceKind::StateSeq, r, bundle, in, loc);
  for (size_t p = 0; p < plain_results.size(); ++p)
    res.outputs[plain_results[p]] = scan_piece(spec, PieceKind::Plain, p, bundle, in, loc);
  for (const Var& s : h.random_states) res.updates.emplace_back(s, s.default_update());
  return res;
}

}  // namespace nabla
