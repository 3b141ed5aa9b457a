// The scan node (the loop), scan_piece / scan_piece_grad (one result of its
// bundle, and the pullback of that) and scan_steps (its number of steps).
#include "ops/scan_op.hpp"

#include <atomic>
#include <cstring>
#include <unordered_map>

#include "core/graph.hpp"
#include "core/registry.hpp"
#include "ops/api.hpp"

namespace nabla {

int ScanState::depth() const {
  int d = 0;
  for (int t : taps) d = std::max(d, -t);
  return d;
}

uint64_t next_scan_id() {
  static std::atomic<uint64_t> id{0};
  return ++id;
}

namespace {

// The scans alive in this process, by id: a scan's params name only its id (its
// step is a graph, not text), so rebuilding it from params (deepcopy, pickle
// within one process) finds the step here.
std::mutex live_mutex;
std::unordered_map<uint64_t, std::weak_ptr<ScanSpec>>& live_specs() {
  static std::unordered_map<uint64_t, std::weak_ptr<ScanSpec>> m;
  return m;
}

void remember(const std::shared_ptr<ScanSpec>& spec) {
  std::lock_guard<std::mutex> lock(live_mutex);
  auto& m = live_specs();
  for (auto it = m.begin(); it != m.end();) it = it->second.expired() ? m.erase(it) : std::next(it);
  m[spec->id] = spec;
}

std::shared_ptr<ScanSpec> live_spec(const OpParams& p) {
  const int64_t id = p.integer("id");
  std::lock_guard<std::mutex> lock(live_mutex);
  auto it = live_specs().find(uint64_t(id));
  std::shared_ptr<ScanSpec> spec = it == live_specs().end() ? nullptr : it->second.lock();
  if (!spec)
    p.fail("scan " + std::to_string(id) + " is not alive in this process: a scan's step graph is not "
           "serialized, so graphs with scan can be copied and pickled within one process only "
           "(rebuild the scan by calling scan() again)");
  return spec;
}

}  // namespace

namespace {

Shape drop_first(const Shape& s) {
  Shape r;
  for (int i = 1; i < s.rank(); ++i) r.push_back(s[i]);
  return r;
}

Shape with_first(int64_t first, const Shape& s) {
  Shape r{first};
  for (int64_t d : s) r.push_back(d);
  return r;
}

int64_t times(int64_t a, int64_t b) { return a < 0 || b < 0 ? -1 : a * b; }

// The plain outputs' shapes, by running the step's shape functions over what is
// known of the scan's inputs (a walk over the inner graph, no values).
std::vector<Shape> inner_plain_shapes(const ScanSpec& spec, const InputInfos& in,
                                      const std::vector<Shape>& state_shapes) {
  std::unordered_map<const VarImpl*, InputInfo> info;
  auto place = [&](const Var& v, InputInfo i) { info[v.impl()] = i; };
  InputInfo t;
  t.dtype = DType::Int64;
  place(spec.inner_inputs[0], t);
  size_t k = 1;
  for (size_t s = 0; s < spec.n_seqs(); ++s, ++k) {
    InputInfo i;
    i.dtype = in[2 + s].dtype;
    i.shape = drop_first(in[2 + s].shape);
    place(spec.inner_inputs[k], i);
  }
  for (size_t r = 0; r < spec.states.size(); ++r)
    for (size_t j = 0; j < spec.states[r].taps.size(); ++j, ++k) {
      InputInfo i;
      i.dtype = spec.inner_inputs[k].dtype();
      i.shape = state_shapes[r];
      place(spec.inner_inputs[k], i);
    }
  for (size_t q = 0; q < spec.n_nonseqs; ++q, ++k) place(spec.inner_inputs[k], in[spec.first_nonseq() + q]);

  std::vector<Var> plain(spec.inner_outputs.begin() + long(spec.states.size()), spec.inner_outputs.end());
  std::vector<InputInfo> args;
  for (const Var& v : topo_sort(plain)) {
    if (info.count(v.impl())) continue;
    if (v.is_leaf()) {
      place(v, input_info(v));
      continue;
    }
    args.clear();
    for (const Var& a : v.inputs()) args.push_back(info.at(a.impl()));
    InputInfo o;
    static_cast<Type&>(o) = v.op()->infer(InputInfos(args.data(), args.size()));
    place(v, o);
  }
  std::vector<Shape> shapes;
  for (const Var& v : plain) shapes.push_back(info.at(v.impl()).shape);
  return shapes;
}

}  // namespace

ScanLayout scan_layout(const ScanSpec& spec, const InputInfos& in) {
  if (in.size() != spec.n_inputs())
    throw TypeError("scan expects " + std::to_string(spec.n_inputs()) + " inputs, got " + std::to_string(in.size()));
  if (!is_integer(in[0].dtype) || in[0].rank() != 0 || !is_integer(in[1].dtype) || in[1].rank() != 0)
    throw TypeError("scan's n_steps and t_base must be integer scalars, got " + in[0].str() + " and " + in[1].str());
  ScanLayout l;
  for (size_t s = 0; s < spec.n_seqs(); ++s)
    if (in[2 + s].rank() < 1)
      throw ShapeError("scan: sequence " + std::to_string(s) + " must have at least one axis (the steps), got " +
                       in[2 + s].str());
  if (in[0].has_value && in[0].value >= 0) {
    l.n = in[0].value;
  } else if (in[0].has_value) {
    if (spec.n_seqs() == 0) throw ValueError("scan: without sequences, n_steps must be given");
    for (size_t s = 0; s < spec.n_seqs(); ++s) {
      const int64_t len = in[2 + s].shape[0];
      if (len < 0) { l.n = -1; break; }
      l.n = s == 0 ? len : std::min(l.n, len);
    }
  }
  if (l.n >= 0)
    for (size_t s = 0; s < spec.n_seqs(); ++s)
      if (in[2 + s].shape[0] >= 0 && in[2 + s].shape[0] < l.n)
        throw ShapeError("scan: sequence " + std::to_string(s) + " has " + std::to_string(in[2 + s].shape[0]) +
                         " rows but the scan runs " + std::to_string(l.n) + " steps");
  for (size_t r = 0; r < spec.states.size(); ++r) {
    const InputInfo& init = in[spec.first_init() + r];
    const int depth = spec.states[r].depth();
    if (init.rank() < 1 || (init.shape[0] >= 0 && init.shape[0] != depth))
      throw ShapeError("scan: the initial value of output " + std::to_string(r) + " must have " +
                       std::to_string(depth) + " leading row(s) for its taps, got " + init.str());
    if (init.dtype != spec.dtype)
      throw TypeError("scan: the initial value of output " + std::to_string(r) + " is " + init.str() +
                      " but the step returns " + dtype_name(spec.dtype));
    l.state_shapes.push_back(drop_first(init.shape));
  }
  if (spec.n_plain() > 0) l.plain_shapes = inner_plain_shapes(spec, in, l.state_shapes);
  int64_t total = 0;
  for (size_t r = 0; r < spec.states.size(); ++r) {
    l.state_offset.push_back(total);
    const int64_t rows = spec.states[r].keep_last ? 1 : (l.n < 0 ? -1 : spec.states[r].depth() + l.n);
    const int64_t size = times(rows, l.state_shapes[r].numel());
    total = size < 0 || total < 0 ? -1 : total + size;
  }
  for (size_t p = 0; p < spec.n_plain(); ++p) {
    l.plain_offset.push_back(total);
    const int64_t size = times(l.n, l.plain_shapes[p].numel());
    total = size < 0 || total < 0 ? -1 : total + size;
  }
  l.total = total;
  return l;
}

Shape ScanLayout::piece_shape(const ScanSpec& spec, PieceKind kind, size_t i) const {
  switch (kind) {
    case PieceKind::StateSeq: return with_first(n, state_shapes[i]);
    case PieceKind::StateBuffer:
      return with_first(spec.states[i].keep_last ? 1 : (n < 0 ? -1 : spec.states[i].depth() + n), state_shapes[i]);
    case PieceKind::StateLast: return state_shapes[i];
    case PieceKind::Plain: return with_first(n, plain_shapes[i]);
  }
  return {};
}

int64_t ScanLayout::piece_offset(const ScanSpec& spec, PieceKind kind, size_t i) const {
  if (kind == PieceKind::Plain) return plain_offset[i];
  const int64_t base = state_offset[i], row = state_shapes[i].numel();
  if (kind == PieceKind::StateBuffer || spec.states[i].keep_last) return base;
  if (kind == PieceKind::StateSeq) return base + spec.states[i].depth() * row;
  return base + (spec.states[i].depth() + n - 1) * row;  // StateLast: the last row
}

namespace {

// The input infos of a node whose inputs after the first `skip` are the scan's.
InputInfos scan_inputs_of(const InputInfos& in, size_t skip) {
  return InputInfos(in.begin() + skip, in.size() - skip);
}

std::vector<InputInfo> infos_of(const Tensor* const* in, int n) {
  std::vector<InputInfo> r;
  for (int i = 0; i < n; ++i) r.push_back(input_info(*in[i]));
  return r;
}

void check_result(const Tensor& got, const Shape& want, DType dtype, const char* what, size_t index, int64_t step) {
  if (got.shape() != want || got.dtype() != dtype)
    throw ShapeError(std::string("scan: at step ") + std::to_string(step) + " the step returned " + what + " " +
                     std::to_string(index) + " as " + dtype_name(got.dtype()) + got.shape().str() + ", expected " +
                     dtype_name(dtype) + want.str() + " (every step must return the same shape)");
}

class ScanOp : public Op {
 public:
  explicit ScanOp(std::shared_ptr<ScanSpec> spec) : spec_(std::move(spec)) {}
  std::string name() const override { return "scan"; }
  std::string params() const override { return "id=" + std::to_string(spec_->id); }
  bool is_random() const override { return spec_->random; }
  Type infer(const InputInfos& in) const override {
    const ScanLayout l = scan_layout(*spec_, in);
    return Type{spec_->dtype, Shape{l.total}};
  }

  void perform(const Tensor* const* in, int n_in, Tensor& out) const override {
    ScanSpec& spec = *spec_;
    std::vector<InputInfo> infos = infos_of(in, n_in);
    const ScanLayout l = scan_layout(spec, InputInfos(infos.data(), infos.size()));
    std::lock_guard<std::mutex> lock(spec.mutex);
    if (!spec.compiled) spec.compiled = std::make_unique<Function>(function(spec.inner_inputs, spec.inner_outputs));
    Function& step = *spec.compiled;

    const size_t R = spec.states.size();
    std::vector<int64_t> row(R);
    for (size_t r = 0; r < R; ++r) {
      row[r] = l.state_shapes[r].numel();
      const Tensor& init = *in[spec.first_init() + r];
      Tensor dst = out.view(spec.states[r].keep_last ? l.state_shapes[r] : init.shape(), l.state_offset[r]);
      // keep_last: the one row starts as the last initial row (depth is 1).
      dst.copy_from(spec.states[r].keep_last ? init.view(l.state_shapes[r], 0) : init);
    }
    std::vector<Tensor> args(spec.inner_inputs.size());
    Tensor t = Tensor::scalar<int64_t>(0);
    args[0] = t;
    for (size_t q = 0; q < spec.n_nonseqs; ++q) args[args.size() - spec.n_nonseqs + q] = *in[spec.first_nonseq() + q];
    const int64_t t_base = in[1]->iat(0);
    for (int64_t i = 0; i < l.n; ++i) {
      t.data<int64_t>()[0] = t_base + spec.t_sign * i;
      size_t k = 1;
      for (size_t s = 0; s < spec.n_seqs(); ++s, ++k) {
        const Tensor& x = *in[2 + s];
        const Shape one = drop_first(x.shape());
        const int64_t r = spec.seq_backwards[s] ? x.shape()[0] - 1 - i : i;
        args[k] = x.view(one, r * one.numel());
      }
      for (size_t r = 0; r < R; ++r) {
        const ScanState& st = spec.states[r];
        for (int tap : st.taps) {
          const int64_t at = st.keep_last ? 0 : st.depth() + i + tap;
          args[k++] = out.view(l.state_shapes[r], l.state_offset[r] + at * row[r]);
        }
      }
      const std::vector<Tensor>& res = step(args);
      for (size_t r = 0; r < R; ++r) {
        check_result(res[r], l.state_shapes[r], spec.dtype, "output", r, i);
        const int64_t at = spec.states[r].keep_last ? 0 : spec.states[r].depth() + i;
        Tensor dst = out.view(l.state_shapes[r], l.state_offset[r] + at * row[r]);
        if (dst.raw() != res[r].raw()) std::memmove(dst.raw(), res[r].raw(), dst.nbytes());
      }
      for (size_t p = 0; p < spec.n_plain(); ++p) {
        const Tensor& v = res[R + p];
        check_result(v, l.plain_shapes[p], spec.dtype, "output", R + p, i);
        const int64_t at = spec.out_backwards[p] ? l.n - 1 - i : i;
        Tensor dst = out.view(l.plain_shapes[p], l.plain_offset[p] + at * l.plain_shapes[p].numel());
        std::memmove(dst.raw(), v.raw(), dst.nbytes());
      }
    }
  }

  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var& out, const Var& gout) const override {
    return scan_pullback(spec_, inputs, out, gout);
  }

 private:
  std::shared_ptr<ScanSpec> spec_;
};

std::string kind_name(PieceKind k) {
  switch (k) {
    case PieceKind::StateSeq: return "state";
    case PieceKind::StateBuffer: return "buffer";
    case PieceKind::StateLast: return "last";
    case PieceKind::Plain: return "plain";
  }
  return "";
}

// Base of the ops that read a scan's layout from inputs [first, scan inputs...].
class ScanPieceBase : public Op {
 public:
  ScanPieceBase(std::shared_ptr<ScanSpec> spec, PieceKind kind, size_t index)
      : spec_(std::move(spec)), kind_(kind), index_(index) {}
  std::string params() const override {
    return "id=" + std::to_string(spec_->id) + "," + kind_name(kind_) + "=" + std::to_string(index_);
  }
  bool reads_input_values(int k) const override { return k == 0; }

 protected:
  ScanLayout layout(const InputInfos& in) const { return scan_layout(*spec_, scan_inputs_of(in, 1)); }
  ScanLayout layout(const Tensor* const* in, int n) const {
    std::vector<InputInfo> infos = infos_of(in, n);
    return layout(InputInfos(infos.data(), infos.size()));
  }
  std::shared_ptr<ScanSpec> spec_;
  PieceKind kind_;
  size_t index_;
};

class ScanPieceOp : public ScanPieceBase {
 public:
  using ScanPieceBase::ScanPieceBase;
  std::string name() const override { return "scan_piece"; }
  Type infer(const InputInfos& in) const override {
    return Type{in[0].dtype, layout(in).piece_shape(*spec_, kind_, index_)};
  }
  int view_input() const override { return 0; }
  bool make_view(const Tensor* const* in, int n, Tensor& out) const override {
    const ScanLayout l = layout(in, n);
    out = in[0]->view(l.piece_shape(*spec_, kind_, index_), l.piece_offset(*spec_, kind_, index_));
    return true;
  }
  void perform(const Tensor* const* in, int n, Tensor& out) const override {
    const ScanLayout l = layout(in, n);
    out.copy_from(in[0]->view(out.shape(), l.piece_offset(*spec_, kind_, index_)));
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var& gout) const override;
};

class ScanPieceGradOp : public ScanPieceBase {
 public:
  using ScanPieceBase::ScanPieceBase;
  std::string name() const override { return "scan_piece_grad"; }
  Type infer(const InputInfos& in) const override {
    const ScanLayout l = layout(in);
    const Shape want = l.piece_shape(*spec_, kind_, index_);
    if (in[0].dtype != spec_->dtype || in[0].rank() != want.rank())
      throw TypeError("scan_piece_grad: the gradient " + in[0].str() + " does not fit the piece " + want.str());
    return Type{spec_->dtype, Shape{l.total}};
  }
  void perform(const Tensor* const* in, int n, Tensor& out) const override {
    const ScanLayout l = layout(in, n);
    std::memset(out.raw(), 0, out.nbytes());
    out.view(in[0]->shape(), l.piece_offset(*spec_, kind_, index_)).copy_from(*in[0]);
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var& gout) const override {
    std::vector<Var> g = no_gradient(inputs);
    g[0] = scan_piece(spec_, kind_, index_, gout, std::vector<Var>(inputs.begin() + 1, inputs.end()), gout.loc());
    return g;
  }
};

std::vector<Var> ScanPieceOp::pullback(const std::vector<Var>& inputs, const Var&, const Var& gout) const {
  std::vector<Var> g = no_gradient(inputs);
  std::vector<Var> scan_inputs(inputs.begin() + 1, inputs.end());
  g[0] = apply(std::make_shared<ScanPieceGradOp>(spec_, kind_, index_), [&] {
    std::vector<Var> v{gout};
    v.insert(v.end(), scan_inputs.begin(), scan_inputs.end());
    return v;
  }(), gout.loc());
  return g;
}

class ScanStepsOp : public Op {
 public:
  explicit ScanStepsOp(std::shared_ptr<ScanSpec> spec) : spec_(std::move(spec)) {}
  std::string name() const override { return "scan_steps"; }
  std::string params() const override { return "id=" + std::to_string(spec_->id); }
  bool reads_input_values(int k) const override { return k == 0; }
  Type infer(const InputInfos& in) const override {
    scan_layout(*spec_, in);
    return Type{DType::Int64, Shape{}};
  }
  void perform(const Tensor* const* in, int n, Tensor& out) const override {
    std::vector<InputInfo> infos = infos_of(in, n);
    out.data<int64_t>()[0] = scan_layout(*spec_, InputInfos(infos.data(), infos.size())).n;
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var&) const override {
    return no_gradient(inputs);
  }

 private:
  std::shared_ptr<ScanSpec> spec_;
};

// "id=N,state=R" etc. back to the piece it names.
std::pair<PieceKind, size_t> piece_of(const OpParams& p) {
  for (PieceKind k : {PieceKind::StateSeq, PieceKind::StateBuffer, PieceKind::StateLast, PieceKind::Plain}) {
    const std::string key = kind_name(k);
    if (p.text().find("," + key + "=") != std::string::npos) return {k, size_t(p.integer(key))};
  }
  p.fail("no piece (state=, buffer=, last= or plain=)");
}

}  // namespace

Var apply_scan(std::shared_ptr<ScanSpec> spec, const std::vector<Var>& inputs, Loc loc) {
  remember(spec);
  return apply(std::make_shared<ScanOp>(std::move(spec)), inputs, loc);
}

Var scan_piece(const std::shared_ptr<ScanSpec>& spec, PieceKind kind, size_t index, const Var& bundle,
               const std::vector<Var>& inputs, Loc loc) {
  std::vector<Var> v{bundle};
  v.insert(v.end(), inputs.begin(), inputs.end());
  return apply(std::make_shared<ScanPieceOp>(spec, kind, index), std::move(v), loc);
}

Var scan_steps(const std::shared_ptr<ScanSpec>& spec, const std::vector<Var>& inputs, Loc loc) {
  return apply(std::make_shared<ScanStepsOp>(spec), inputs, loc);
}

void register_scan_ops() {
  register_op({"scan", "scan", "a symbolic loop: the step's inner program run n_steps times; one flat bundle of results",
               [](const OpParams& p) -> std::shared_ptr<const Op> { return std::make_shared<ScanOp>(live_spec(p)); }});
  register_op({"scan_piece", "scan", "one result of a scan's bundle (a view)",
               [](const OpParams& p) -> std::shared_ptr<const Op> {
                 auto [kind, index] = piece_of(p);
                 return std::make_shared<ScanPieceOp>(live_spec(p), kind, index);
               }});
  register_op({"scan_piece_grad", "scan", "a zero bundle holding one result's gradient (scan_piece's pullback)",
               [](const OpParams& p) -> std::shared_ptr<const Op> {
                 auto [kind, index] = piece_of(p);
                 return std::make_shared<ScanPieceGradOp>(live_spec(p), kind, index);
               }});
  register_op({"scan_steps", "scan", "the number of steps a scan runs, as an int64 scalar",
               [](const OpParams& p) -> std::shared_ptr<const Op> { return std::make_shared<ScanStepsOp>(live_spec(p)); }});
}

}  // namespace nabla
