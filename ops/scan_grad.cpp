// The gradient of a scan: backpropagation through time, built as another scan
// (so it has a gradient too). The backward scan runs over the forward's steps in
// reverse. Its body is the forward step rebuilt over fresh placeholders plus that
// step's vector-Jacobian product (grad of <step outputs, their cotangents>); it
// carries, per forward state, the gradient flowing into the values the later
// steps read (one carry per tap depth), and per non-sequence the gradient summed
// over the steps. The forward step is recomputed from the stored states rather
// than its intermediates kept.
#include <unordered_map>

#include "core/grad.hpp"
#include "core/graph.hpp"
#include "ops/api.hpp"
#include "ops/scan_op.hpp"

namespace nabla {

namespace {

Var placeholder_like(const Var& v, const std::string& name) { return input(v.dtype(), v.shape(), name); }

Var as_first_row(const Var& v, Loc loc) {
  std::vector<int> pattern{bcast};
  for (int i = 0; i < v.rank(); ++i) pattern.push_back(i);
  return dimshuffle(v, pattern, loc);
}

Var rows(const Var& x, const Var& start, const Var& stop, Loc loc) {
  return subtensor(x, {Index::slice(Bound(start), Bound(stop))}, loc);
}

Var int_const(int64_t v) { return constant(double(v), DType::Int64); }

// The step's graph rebuilt over replacements of its placeholders.
std::vector<Var> clone_over(const std::vector<Var>& outputs, VarMemo memo) {
  for (const Var& v : topo_sort(outputs)) {
    if (memo.count(v.impl())) continue;
    memo[v.impl()] = v.is_leaf() ? v : rebuilt_over(v, memo);
  }
  std::vector<Var> r;
  for (const Var& o : outputs) r.push_back(memo.at(o.impl()));
  return r;
}

// A backward sequence: the outer value, the direction, and its placeholder.
struct Seq {
  Var outer;
  bool backwards;
  Var inner;
};

}  // namespace

std::vector<Var> scan_pullback(const std::shared_ptr<ScanSpec>& spec_ptr, const std::vector<Var>& in,
                               const Var& bundle, const Var& gout) {
  const ScanSpec& F = *spec_ptr;
  const Loc loc = bundle.loc();
  const size_t S = F.n_seqs(), R = F.states.size(), P = F.n_plain(), Q = F.n_nonseqs;

  // The states at every step. A state that keeps only its last value does not
  // have them: a copy of the scan that keeps everything recomputes them.
  std::shared_ptr<ScanSpec> values_spec = spec_ptr;
  Var values = bundle;
  bool any_last = false;
  for (const ScanState& st : F.states) any_last = any_last || st.keep_last;
  if (any_last) {
    auto full = std::make_shared<ScanSpec>();
    full->inner_inputs = F.inner_inputs;
    full->inner_outputs = F.inner_outputs;
    full->seq_backwards = F.seq_backwards;
    full->states = F.states;
    for (ScanState& st : full->states) st.keep_last = false;
    full->out_backwards = F.out_backwards;
    full->n_nonseqs = Q;
    full->t_sign = F.t_sign;
    full->dtype = F.dtype;
    full->random = F.random;
    full->id = next_scan_id();
    values_spec = full;
    values = apply_scan(full, in, loc);
  }

  const Var n = scan_steps(spec_ptr, in, loc);
  const Var one = int_const(1);
  Var m = n;
  if (F.truncate_gradient > 0) m = minimum(n, int_const(F.truncate_gradient), loc);

  // ---- the backward step's placeholders and the outer values they read ----------
  VarMemo memo;  // the forward step's placeholders -> the backward's
  const Var t = input(DType::Int64, Shape{}, "t");
  memo[F.inner_inputs[0].impl()] = t;
  std::vector<Seq> seqs;
  std::vector<Var> x_inner(S);
  size_t k = 1;
  for (size_t s = 0; s < S; ++s, ++k) {
    const Var& X = in[2 + s];
    x_inner[s] = placeholder_like(F.inner_inputs[k], "x" + std::to_string(s));
    memo[F.inner_inputs[k].impl()] = x_inner[s];
    // The rows the forward read, in its order read backwards.
    if (F.seq_backwards[s])
      seqs.push_back({rows(X, sub(shape_i(X, 0, loc), n, loc), shape_i(X, 0, loc), loc), false, x_inner[s]});
    else
      seqs.push_back({slice(X, Bound(int64_t(0)), Bound(n), loc), true, x_inner[s]});
  }
  std::vector<std::vector<Var>> h_inner(R);  // per state, per tap
  for (size_t r = 0; r < R; ++r) {
    const ScanState& st = F.states[r];
    const Var buffer = scan_piece(values_spec, PieceKind::StateBuffer, r, values, in, loc);
    for (int tap : st.taps) {
      Var h = placeholder_like(F.inner_inputs[k], "h" + std::to_string(r));
      memo[F.inner_inputs[k++].impl()] = h;
      h_inner[r].push_back(h);
      const Var start = int_const(st.depth() + tap);
      seqs.push_back({rows(buffer, start, add(start, n, loc), loc), true, h});
    }
  }
  std::vector<Var> w_inner(Q);
  for (size_t q = 0; q < Q; ++q, ++k) {
    w_inner[q] = placeholder_like(F.inner_inputs[k], "w" + std::to_string(q));
    memo[F.inner_inputs[k].impl()] = w_inner[q];
  }
  // Cotangents of the step's results.
  std::vector<Var> g_state(R), g_plain(P);
  for (size_t r = 0; r < R; ++r) {
    if (F.states[r].keep_last) continue;
    const ScanState& st = F.states[r];
    const Var gbuf = scan_piece(spec_ptr, PieceKind::StateBuffer, r, gout, in, loc);
    g_state[r] = placeholder_like(F.inner_outputs[r], "g" + std::to_string(r));
    const Var start = int_const(st.depth());
    seqs.push_back({rows(gbuf, start, add(start, n, loc), loc), true, g_state[r]});
  }
  for (size_t p = 0; p < P; ++p) {
    g_plain[p] = placeholder_like(F.inner_outputs[R + p], "gy" + std::to_string(p));
    seqs.push_back({scan_piece(spec_ptr, PieceKind::Plain, p, gout, in, loc), !F.out_backwards[p], g_plain[p]});
  }

  // Carries: carry[r][d-1] holds the gradient of the value d steps back.
  std::vector<std::vector<Var>> carry(R);
  std::vector<Var> carry_init;
  for (size_t r = 0; r < R; ++r) {
    const Var& init = in[F.first_init() + r];
    const Var zero_state = fill_like(subtensor(init, {Index::at(Bound(int64_t(0)))}, loc), 0.0, loc);
    for (int d = 1; d <= F.states[r].depth(); ++d) {
      carry[r].push_back(placeholder_like(F.inner_outputs[r], "c" + std::to_string(r)));
      const bool seeded = d == 1 && F.states[r].keep_last;
      carry_init.push_back(as_first_row(
          seeded ? scan_piece(spec_ptr, PieceKind::StateLast, r, gout, in, loc) : zero_state, loc));
    }
  }
  std::vector<Var> acc_inner, acc_init;
  std::vector<size_t> acc_of;  // non-sequence index of each accumulator
  for (size_t q = 0; q < Q; ++q) {
    const Var& W = in[F.first_nonseq() + q];
    if (!is_float(W.dtype())) continue;
    acc_of.push_back(q);
    acc_inner.push_back(input(F.dtype, W.shape(), "acc" + std::to_string(q)));
    acc_init.push_back(as_first_row(cast(zeros_like(W, loc), F.dtype, loc), loc));
  }

  // ---- the backward step: the forward step again, and its vector-Jacobian product
  const std::vector<Var> outs = clone_over(F.inner_outputs, memo);
  Var cost;
  auto add_term = [&](const Var& term) { cost = cost.defined() ? add(cost, term, loc) : term; };
  for (size_t r = 0; r < R; ++r) {
    const Var g = F.states[r].keep_last ? carry[r][0] : add(g_state[r], carry[r][0], loc);
    add_term(sum(mul(outs[r], g, loc), {}, false, loc));
  }
  for (size_t p = 0; p < P; ++p) add_term(sum(mul(outs[R + p], g_plain[p], loc), {}, false, loc));

  std::vector<Var> wrt;
  std::vector<size_t> float_seqs;
  for (size_t s = 0; s < S; ++s)
    if (is_float(x_inner[s].dtype())) {
      float_seqs.push_back(s);
      wrt.push_back(x_inner[s]);
    }
  const size_t first_h = wrt.size();
  for (size_t r = 0; r < R; ++r)
    for (const Var& h : h_inner[r]) wrt.push_back(h);
  const size_t first_w = wrt.size();
  for (size_t q : acc_of) wrt.push_back(w_inner[q]);
  const std::vector<Var> grads = grad(cost, wrt, Disconnected::Zero);

  std::vector<Var> new_states;
  size_t h_at = first_h;
  for (size_t r = 0; r < R; ++r) {
    const ScanState& st = F.states[r];
    std::vector<Var> dh(size_t(st.depth()) + 1);  // dh[d]: gradient of the value d steps back
    for (size_t j = 0; j < st.taps.size(); ++j) {
      const Var& g = grads[h_at++];
      const size_t d = size_t(-st.taps[j]);
      dh[d] = dh[d].defined() ? add(dh[d], g, loc) : g;
    }
    for (int d = 1; d <= st.depth(); ++d) {
      Var c = d < st.depth() ? carry[r][size_t(d)] : Var();
      const Var& g = dh[size_t(d)];
      if (g.defined()) c = c.defined() ? add(c, cast(g, F.dtype, loc), loc) : cast(g, F.dtype, loc);
      new_states.push_back(c.defined() ? c : fill_like(carry[r][size_t(d) - 1], 0.0, loc));
    }
  }
  for (size_t a = 0; a < acc_of.size(); ++a)
    new_states.push_back(add(acc_inner[a], cast(grads[first_w + a], F.dtype, loc), loc));

  auto B = std::make_shared<ScanSpec>();
  B->inner_inputs.push_back(t);
  for (const Seq& s : seqs) {
    B->inner_inputs.push_back(s.inner);
    B->seq_backwards.push_back(s.backwards);
  }
  for (size_t r = 0; r < R; ++r)
    for (const Var& c : carry[r]) B->inner_inputs.push_back(c);
  for (const Var& a : acc_inner) B->inner_inputs.push_back(a);
  for (const Var& w : w_inner) B->inner_inputs.push_back(w);
  B->inner_outputs = new_states;
  for (size_t j = 0; j < new_states.size(); ++j) B->states.push_back(ScanState{{-1}, true});
  for (size_t j = 0; j < float_seqs.size(); ++j) {
    B->inner_outputs.push_back(cast(grads[j], F.dtype, loc));
    B->out_backwards.push_back(!F.seq_backwards[float_seqs[j]]);
  }
  B->n_nonseqs = Q;
  B->t_sign = -F.t_sign;
  B->dtype = F.dtype;
  B->random = F.random;
  B->id = next_scan_id();

  std::vector<Var> b_in{m, add(in[1], mul(int_const(F.t_sign), sub(n, one, loc), loc), loc)};
  for (const Seq& s : seqs) b_in.push_back(s.outer);
  b_in.insert(b_in.end(), carry_init.begin(), carry_init.end());
  b_in.insert(b_in.end(), acc_init.begin(), acc_init.end());
  for (size_t q = 0; q < Q; ++q) b_in.push_back(in[F.first_nonseq() + q]);
  const Var back = apply_scan(B, b_in, loc);

  // ---- the gradients of the forward scan's inputs -------------------------------
  std::vector<Var> result(in.size());
  for (size_t j = 0; j < float_seqs.size(); ++j) {
    const size_t s = float_seqs[j];
    const Var& X = in[2 + s];
    const Var dx = scan_piece(B, PieceKind::Plain, j, back, b_in, loc);
    // The backward steps cover the forward's last m steps.
    const Var start = F.seq_backwards[s] ? sub(shape_i(X, 0, loc), n, loc) : sub(n, m, loc);
    result[2 + s] = inc_subtensor(zeros_like(X, loc), dx, {Index::slice(Bound(start), Bound(add(start, m, loc)))}, loc);
  }
  size_t state_at = 0;
  for (size_t r = 0; r < R; ++r) {
    const ScanState& st = F.states[r];
    std::vector<Var> rows_back;  // the initial rows, earliest first
    for (int d = st.depth(); d >= 1; --d)
      rows_back.push_back(as_first_row(
          scan_piece(B, PieceKind::StateLast, state_at + size_t(d) - 1, back, b_in, loc), loc));
    state_at += size_t(st.depth());
    Var g = rows_back.size() == 1 ? rows_back[0] : concatenate(rows_back, 0, loc);
    if (F.truncate_gradient > 0)  // the gradient reaches the initial values only when nothing was cut
      g = where(ge(int_const(F.truncate_gradient), n, loc), g, zeros_like(g, loc), loc);
    if (!st.keep_last) {  // what reached the initial rows directly; row by row keeps the static shape
      const Var gbuf = scan_piece(spec_ptr, PieceKind::StateBuffer, r, gout, in, loc);
      std::vector<Var> direct;
      for (int d = 0; d < st.depth(); ++d)
        direct.push_back(as_first_row(subtensor(gbuf, {Index::at(Bound(int64_t(d)))}, loc), loc));
      g = add(g, direct.size() == 1 ? direct[0] : concatenate(direct, 0, loc), loc);
    }
    result[F.first_init() + r] = g;
  }
  for (size_t a = 0; a < acc_of.size(); ++a)
    result[F.first_nonseq() + acc_of[a]] = scan_piece(B, PieceKind::StateLast, state_at + a, back, b_in, loc);
  return result;
}

}  // namespace nabla
