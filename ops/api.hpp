// The graph-building functions users call. Every function records where the
// caller wrote it (the defaulted Loc), so shape errors can point at that line.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/var.hpp"

namespace nabla {

// ---- leaves ---------------------------------------------------------------
Var scalar(const std::string& name = "", DType dtype = floatX, Loc loc = Loc::current());
Var vector(const std::string& name = "", DType dtype = floatX, Loc loc = Loc::current());
Var matrix(const std::string& name = "", DType dtype = floatX, Loc loc = Loc::current());
Var tensor3(const std::string& name = "", DType dtype = floatX, Loc loc = Loc::current());
Var tensor4(const std::string& name = "", DType dtype = floatX, Loc loc = Loc::current());
Var iscalar(const std::string& name = "", Loc loc = Loc::current());  // int32
Var lscalar(const std::string& name = "", Loc loc = Loc::current());  // int64
Var ivector(const std::string& name = "", Loc loc = Loc::current());  // int32
Var lvector(const std::string& name = "", Loc loc = Loc::current());  // int64
// A constant scalar of the given dtype.
Var constant(double value, DType dtype, Loc loc = Loc::current());
// A literal used next to `like` in an expression: takes like's dtype when that
// keeps its kind (float stays float), else floatX.
Var literal(double value, const Var& like, Loc loc = Loc::current());

// ---- elementwise, numpy broadcasting ---------------------------------------
Var add(const Var& a, const Var& b, Loc loc = Loc::current());
Var sub(const Var& a, const Var& b, Loc loc = Loc::current());
Var mul(const Var& a, const Var& b, Loc loc = Loc::current());
Var div(const Var& a, const Var& b, Loc loc = Loc::current());  // true division
Var pow(const Var& a, const Var& b, Loc loc = Loc::current());
Var maximum(const Var& a, const Var& b, Loc loc = Loc::current());
Var minimum(const Var& a, const Var& b, Loc loc = Loc::current());
Var eq(const Var& a, const Var& b, Loc loc = Loc::current());  // bool results
Var neq(const Var& a, const Var& b, Loc loc = Loc::current());
Var lt(const Var& a, const Var& b, Loc loc = Loc::current());
Var le(const Var& a, const Var& b, Loc loc = Loc::current());
Var gt(const Var& a, const Var& b, Loc loc = Loc::current());
Var ge(const Var& a, const Var& b, Loc loc = Loc::current());
Var where(const Var& cond, const Var& a, const Var& b, Loc loc = Loc::current());
Var neg(const Var& x, Loc loc = Loc::current());
Var exp(const Var& x, Loc loc = Loc::current());
Var log(const Var& x, Loc loc = Loc::current());
Var log1p(const Var& x, Loc loc = Loc::current());
Var sqrt(const Var& x, Loc loc = Loc::current());
Var abs(const Var& x, Loc loc = Loc::current());
Var sign(const Var& x, Loc loc = Loc::current());
Var tanh(const Var& x, Loc loc = Loc::current());
Var sigmoid(const Var& x, Loc loc = Loc::current());
Var softplus(const Var& x, Loc loc = Loc::current());
Var erf(const Var& x, Loc loc = Loc::current());  // the error function
Var cast(const Var& x, DType dtype, Loc loc = Loc::current());
// Compositions (no op of their own).
Var sqr(const Var& x, Loc loc = Loc::current());
Var relu(const Var& x, Loc loc = Loc::current());

// Operators. Scalars on either side become literals of the Var's dtype.
// VarAt converts implicitly from Var and records the line the operator was
// written on (operators cannot take a defaulted Loc themselves).
struct VarAt {
  const Var& v;
  Loc loc;
  VarAt(const Var& v, Loc loc = Loc::current()) : v(v), loc(loc) {}
};
Var operator+(VarAt a, const Var& b);
Var operator-(VarAt a, const Var& b);
Var operator*(VarAt a, const Var& b);
Var operator/(VarAt a, const Var& b);
Var operator-(VarAt a);
Var operator+(VarAt a, double b);
Var operator-(VarAt a, double b);
Var operator*(VarAt a, double b);
Var operator/(VarAt a, double b);
Var operator+(double a, VarAt b);
Var operator-(double a, VarAt b);
Var operator*(double a, VarAt b);
Var operator/(double a, VarAt b);
Var operator<(VarAt a, const Var& b);
Var operator<=(VarAt a, const Var& b);
Var operator>(VarAt a, const Var& b);
Var operator>=(VarAt a, const Var& b);

// ---- broadcasting helpers used by gradients (public ops) --------------------
// `a` broadcast to the shape of `ref` (a must broadcast to it).
Var broadcast_like(const Var& a, const Var& ref, Loc loc = Loc::current());
// `g` summed down to the shape of `ref` (undoes broadcasting: sums leading
// dims and dims where ref has size 1).
Var sum_like(const Var& g, const Var& ref, Loc loc = Loc::current());

// ---- reductions -------------------------------------------------------------
// Axes to reduce; default = all. Negative axes count from the end.
struct Axes {
  bool all = true;
  std::vector<int> axes;
  Axes() = default;
  Axes(int a) : all(false), axes{a} {}
  Axes(std::initializer_list<int> a) : all(false), axes(a) {}
  explicit Axes(std::vector<int> a) : all(false), axes(std::move(a)) {}
};
Var sum(const Var& x, Axes axes = {}, bool keepdims = false, Loc loc = Loc::current());
Var mean(const Var& x, Axes axes = {}, bool keepdims = false, Loc loc = Loc::current());
Var max(const Var& x, Axes axes = {}, bool keepdims = false, Loc loc = Loc::current());
Var min(const Var& x, Axes axes = {}, bool keepdims = false, Loc loc = Loc::current());
// Index of the largest element along one axis (int64). axis = -1: the last.
Var argmax(const Var& x, int axis = -1, bool keepdims = false, Loc loc = Loc::current());

// ---- shape --------------------------------------------------------------------
// A dimension given as a number or as a symbolic integer scalar.
struct Dim {
  int64_t value = -1;
  Var var;
  Dim(int v) : value(v) {}
  Dim(int64_t v) : value(v) {}
  Dim(const Var& v) : var(v) {}
};
using Dims = std::vector<Dim>;
// Size of `x` along `axis`, as an int64 scalar (Theano's x.shape[axis]).
Var shape_i(const Var& x, int axis, Loc loc = Loc::current());
// One dim may be -1 (inferred).
Var reshape(const Var& x, const Dims& shape, Loc loc = Loc::current());
// Theano's dimshuffle: a permutation of x's axes, with `bcast` (-1) inserting a
// new size-1 axis; axes of size 1 may be dropped by leaving them out.
constexpr int bcast = -1;
Var dimshuffle(const Var& x, const std::vector<int>& pattern, Loc loc = Loc::current());
Var transpose(const Var& x, Loc loc = Loc::current());  // reverse all axes
// Keeps the first outdim-1 axes and flattens the rest into one.
Var flatten(const Var& x, int outdim = 1, Loc loc = Loc::current());
Var concatenate(const std::vector<Var>& xs, int axis = 0, Loc loc = Loc::current());

// ---- indexing -------------------------------------------------------------------
// One bound of a slice: absent, a number, or a symbolic integer scalar.
struct Bound {
  bool present = false;
  int64_t value = 0;
  Var var;
  Bound() = default;
  Bound(int v) : present(true), value(v) {}
  Bound(int64_t v) : present(true), value(v) {}
  Bound(const Var& v) : present(true), var(v) {}
};
// One entry of x[...]: a slice start:stop:step, or a single index (drops the axis).
struct Index {
  bool is_slice = true;
  Bound start, stop, step;  // for a single index: start is the index
  static Index at(Bound i) { Index r; r.is_slice = false; r.start = i; return r; }
  static Index slice(Bound start = {}, Bound stop = {}, Bound step = {}) {
    Index r; r.start = start; r.stop = stop; r.step = step; return r;
  }
  static Index all() { return Index(); }
};
// x[i0, i1, ...] with basic indexing over the leading axes (numpy semantics,
// negative bounds count from the end, out-of-range slice bounds are clipped).
Var subtensor(const Var& x, const std::vector<Index>& idx, Loc loc = Loc::current());
// x[start:stop] along axis 0: the mini-batch idiom data[i*m:(i+1)*m].
Var slice(const Var& x, Bound start, Bound stop, Loc loc = Loc::current());
// A copy of x with x[idx] += y (y broadcast to the slice's shape).
Var inc_subtensor(const Var& x, const Var& y, const std::vector<Index>& idx,
                  Loc loc = Loc::current());
// x[rows, cols] for integer vectors rows, cols (the x[arange(n), y] idiom).
Var take2d(const Var& x, const Var& rows, const Var& cols, Loc loc = Loc::current());
// A copy of x with x[rows[k], cols[k]] += y[k] (repeated pairs accumulate).
Var inc_take2d(const Var& x, const Var& rows, const Var& cols, const Var& y,
               Loc loc = Loc::current());

// ---- linear algebra -----------------------------------------------------------
// numpy dot for vector/matrix combinations (1-D and 2-D operands).
Var dot(const Var& a, const Var& b, Loc loc = Loc::current());
// op(a) @ op(b) for matrices, op = transpose when the flag is set; one GEMM.
Var matmul(const Var& a, const Var& b, bool trans_a = false, bool trans_b = false,
           Loc loc = Loc::current());

// ---- neural-net ops --------------------------------------------------------------
Var softmax(const Var& x, Loc loc = Loc::current());      // over the last axis
Var log_softmax(const Var& x, Loc loc = Loc::current());  // over the last axis

// ---- constructors --------------------------------------------------------------
// [start, stop) with step, int64 (symbolic or constant bounds).
Var arange(const Dim& stop, Loc loc = Loc::current());
Var arange(const Dim& start, const Dim& stop, const Dim& step = Dim(1), Loc loc = Loc::current());
// A tensor shaped like x (same dtype unless given) filled with `value`.
Var fill_like(const Var& x, double value, Loc loc = Loc::current());
Var zeros_like(const Var& x, Loc loc = Loc::current());
// x unchanged, but grad() treats it as a constant (zero gradient; Theano's
// zero_grad / consider_constant), or lets no gradient through at all
// (disconnected_grad). Compiled functions contain neither.
Var zero_grad(const Var& x, Loc loc = Loc::current());
Var disconnected_grad(const Var& x, Loc loc = Loc::current());

// ---- collectives (data-parallel training; ops/collectives.cpp) -------------------
// Over the runtime's MPI communicator (core/distributed.hpp); with one process
// (no mpirun, or a build without MPI) each is the identity. Gradients, for a
// total cost that is the sum of every rank's cost:
//   allreduce(x, "sum")  the sum of x over ranks; grad: allreduce(g, "sum")
//   allreduce(x, "mean") the mean over ranks;     grad: allreduce(g, "mean")
//   broadcast(x, root)   root's x on every rank;   grad: reduce_to_root(g, root)
//   reduce_to_root(x, root)  the sum on root, zeros elsewhere; grad: broadcast(g, root)
// Float inputs for "mean"; float or integer for the others. function() merges the
// independent allreduces of one graph into one call per dtype and kind (the
// fuse phase; NABLA_MPI_BUCKET=0 keeps one call per tensor).
Var allreduce(const Var& x, const std::string& op = "sum", Loc loc = Loc::current());
Var broadcast(const Var& x, int root = 0, Loc loc = Loc::current());
Var reduce_to_root(const Var& x, int root = 0, Loc loc = Loc::current());
Var ones_like(const Var& x, Loc loc = Loc::current());
// A tensor of the given (possibly symbolic) shape filled with `value`.
Var full(const Dims& shape, double value, DType dtype = floatX, Loc loc = Loc::current());

// ---- random streams ------------------------------------------------------------
// Theano's RandomStreams: each draw owns a state held in a shared variable that
// advances on every call of a compiled function (through its default update).
// Same seed, same sequence.
// The state a draw inside step t of a scan reads (scan inserts it).
Var rng_fork(const Var& state, const Var& t, Loc loc = Loc::current());
// A random stream's state: a shared int64 [seed, counter] with a default update.
bool is_random_state(const Var& v);

class RandomStreams {
 public:
  explicit RandomStreams(uint64_t seed = 12345);
  Var uniform(const Dims& shape, double low = 0.0, double high = 1.0, DType dtype = floatX,
              Loc loc = Loc::current());
  Var normal(const Dims& shape, double mean = 0.0, double std = 1.0, DType dtype = floatX,
             Loc loc = Loc::current());
  // Number of successes in n trials of probability p, per element.
  Var binomial(const Dims& shape, int64_t n = 1, double p = 0.5, DType dtype = floatX,
               Loc loc = Loc::current());
  // Reseeds every stream drawn from this object (Theano's seed()).
  void seed(uint64_t seed);
 private:
  Var new_state(Loc loc);
  uint64_t seed_;
  uint64_t counter_ = 0;
  std::vector<Var> states_;
};

}  // namespace nabla

// ---- convolution, pooling, fused cross-entropy ---------------------------------------
namespace nabla {

// Valid 2-D convolution, stride 1: input (N,C,H,W), filters (K,C,kh,kw) ->
// (N,K,H-kh+1,W-kw+1). flip = true is Theano's conv2d (a true convolution, the
// kernel flipped); flip = false is cross-correlation.
Var conv2d(const Var& input, const Var& filters, bool flip = true, Loc loc = Loc::current());
// Its gradients, public so gradients of gradients are ordinary graph:
// w.r.t. the input, a "full" convolution of gout (N,K,Ho,Wo) with the filters ...
Var conv2d_grad_input(const Var& gout, const Var& filters, bool flip = true, Loc loc = Loc::current());
// ... and w.r.t. the filters, the correlation of the input with gout.
Var conv2d_grad_filters(const Var& input, const Var& gout, bool flip = true, Loc loc = Loc::current());

// Max pooling of the last two axes over non-overlapping ws = (wh, ww) windows
// (Theano's pool_2d, mode "max"). ignore_border = false keeps the partial
// windows at the bottom and right edges.
Var pool_2d(const Var& x, const std::vector<int>& ws = {2, 2}, bool ignore_border = true,
            Loc loc = Loc::current());
// Average pooling over the same windows (Theano's modes "average_exc_pad" and
// "average_inc_pad", equal without padding): a composition of crop, reshape and
// mean. The last two axes need static sizes; ignore_border = false is accepted
// when no window is partial.
Var avg_pool_2d(const Var& x, const std::vector<int>& ws = {2, 2}, bool ignore_border = true,
                Loc loc = Loc::current());
// pool_2d's gradient: gout routed to each window's first maximum of x.
Var max_pool_grad(const Var& x, const Var& gout, const std::vector<int>& ws = {2, 2},
                  bool ignore_border = true, Loc loc = Loc::current());
// h (shaped like x) read at each window's first maximum of x: max_pool_grad's adjoint.
Var max_pool_select(const Var& x, const Var& h, const std::vector<int>& ws = {2, 2},
                    bool ignore_border = true, Loc loc = Loc::current());
// A conv gradient of max pooling's gradient in one op, gy = max_pool_grad(c, gz)
// made image by image instead of as a tensor (function() puts these in place of
// the pair, the backward of conv2d followed by pool_2d):
//   conv2d_grad_input(gy, filters)   and   conv2d_grad_filters(input, gy).
Var conv2d_grad_input_pooled(const Var& c, const Var& gz, const Var& filters, const std::vector<int>& ws = {2, 2},
                             bool ignore_border = true, bool flip = true, Loc loc = Loc::current());
Var conv2d_grad_filters_pooled(const Var& input, const Var& c, const Var& gz, const std::vector<int>& ws = {2, 2},
                               bool ignore_border = true, bool flip = true, Loc loc = Loc::current());

// -log(softmax(z))[arange(n), labels] for z (n,k) and integer labels (n,), stable
// for saturated z. function() puts it in place of the naive expression.
Var softmax_xent(const Var& z, const Var& labels, Loc loc = Loc::current());
// Its gradient: gout[:, None] * (softmax(z) - onehot(labels)).
Var softmax_xent_grad(const Var& z, const Var& labels, const Var& gout, Loc loc = Loc::current());

}  // namespace nabla
