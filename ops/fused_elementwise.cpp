#include "ops/fused_elementwise.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "core/dispatch.hpp"
#include "core/parallel.hpp"
#include "core/registry.hpp"
#include "ops/broadcast_internal.hpp"
#include "ops/elementwise_kernels.hpp"

namespace nabla {

namespace {

// Elements per chunk: a few dozen live chunks of floats stay within L1.
constexpr int64_t kChunk = 256;
// Scratch registers a fused program may use at once (stack memory per call).
constexpr int kMaxScratch = 48;
// Registers (inputs + instruction results) in one program.
constexpr int kMaxRegisters = 128;
// Elements per group of chunks that a thread takes at a time (ChunkQueue).
constexpr int64_t kGroup = 8 * kChunk;
// Output elements per thread below which the loop stays on one thread. Threads
// take whole chunks, so every element is computed with the same chunk boundaries
// (hence bit for bit the same) at any thread count.
constexpr int64_t kParallelMinElements = 8192;

}  // namespace

const char* binary_name(BinaryFn fn) {
  static const char* names[] = {"add", "sub", "mul", "div", "pow", "maximum", "minimum",
                                "eq",  "neq", "lt",  "le",  "gt",  "ge"};
  return names[size_t(fn)];
}

namespace {

// How one input maps onto the output's flat positions in a call.
enum class Feed { Full, Scalar, Block, Strided };

struct InputFeed {
  Feed kind = Feed::Full;
  int64_t block = 0;                     // Block: the input's size, repeating along the output
  // Strided: the output's trailing dims over which the input advances by a fixed
  // step form runs of run_len elements (step 0: a broadcast value, e.g. a conv
  // bias over 12x12 pixels); the leading dims are walked per run.
  int64_t run_len = 1, run_step = 0;
  int outer_rank = 0;
  int64_t outer_dims[Shape::kMaxRank] = {}, outer_strides[Shape::kMaxRank] = {};
};

void plan_runs(const Shape& os, const int64_t* strides, InputFeed& f) {
  int d = os.rank() - 1;
  while (d >= 0 && os[d] == 1) --d;  // size-1 dims do not move anything
  f.run_len = 1;
  f.run_step = d >= 0 ? strides[d] : 0;
  for (; d >= 0; --d) {
    if (os[d] == 1) continue;
    if (strides[d] != f.run_step * f.run_len) break;
    f.run_len *= os[d];
  }
  f.outer_rank = 0;
  for (int k = 0; k <= d; ++k) {
    f.outer_dims[f.outer_rank] = os[k];
    f.outer_strides[f.outer_rank] = strides[k];
    ++f.outer_rank;
  }
}

}  // namespace

FusedElementwiseOp::FusedElementwiseOp(DType dtype, int n_inputs, std::vector<FusedInstr> program)
    : dtype_(dtype), n_inputs_(n_inputs), program_(std::move(program)) {
  if (!is_float(dtype)) throw TypeError("fused_elementwise runs float32/float64 only");
  if (program_.empty()) throw ValueError("fused_elementwise needs at least one instruction");
  const int n_regs = n_inputs_ + int(program_.size());
  for (const FusedInstr& ins : program_) {
    Kernels k;
    if (ins.binary) {
      k.b32 = binary_kernel<float>(BinaryFn(ins.fn));
      k.b64 = binary_kernel<double>(BinaryFn(ins.fn));
    } else {
      k.u32 = unary_kernel<float>(UnaryFn(ins.fn));
      k.u64 = unary_kernel<double>(UnaryFn(ins.fn));
    }
    kernels_.push_back(k);
  }
  // Linear scan: an instruction's result gets a scratch slot freed by a result
  // whose last reader came before it. The last result goes straight to the output.
  std::vector<int> last_use(size_t(n_regs), -1);
  for (size_t k = 0; k < program_.size(); ++k) {
    const FusedInstr& ins = program_[k];
    const int self = n_inputs_ + int(k);
    if (ins.a < 0 || ins.a >= self || (ins.binary && (ins.b < 0 || ins.b >= self)))
      throw ValueError("fused_elementwise: instruction " + std::to_string(k) + " reads a register not yet written");
    last_use[size_t(ins.a)] = int(k);
    if (ins.binary) last_use[size_t(ins.b)] = int(k);
  }
  scratch_of_.assign(size_t(n_regs), -1);
  std::vector<int> free_slots;
  std::vector<int> slot_of(size_t(n_regs), -1);
  for (size_t k = 0; k + 1 < program_.size(); ++k) {
    const int self = n_inputs_ + int(k);
    int slot;
    if (!free_slots.empty()) {
      slot = free_slots.back();
      free_slots.pop_back();
    } else {
      slot = n_scratch_++;
    }
    scratch_of_[size_t(self)] = slot;
    slot_of[size_t(self)] = slot;
    for (int r : {program_[k].a, program_[k].binary ? program_[k].b : -1})
      if (r >= n_inputs_ && last_use[size_t(r)] == int(k) && slot_of[size_t(r)] >= 0) {
        free_slots.push_back(slot_of[size_t(r)]);
        slot_of[size_t(r)] = -1;
      }
  }
  if (n_regs > kMaxRegisters || n_scratch_ + n_inputs_ > kMaxScratch)
    throw ValueError("fused_elementwise: program needs " + std::to_string(n_scratch_ + n_inputs_) +
                     " registers, more than " + std::to_string(kMaxScratch));
}

std::string FusedElementwiseOp::params() const {
  // Results read more than once are named (r5=...;) so the text shows each
  // instruction once, as the loop runs it.
  const size_t n_regs = size_t(n_inputs_) + program_.size();
  std::vector<int> reads(n_regs, 0);
  for (const FusedInstr& ins : program_) {
    ++reads[size_t(ins.a)];
    if (ins.binary) ++reads[size_t(ins.b)];
  }
  std::vector<std::string> expr(n_regs);
  std::string lets;
  for (int i = 0; i < n_inputs_; ++i) expr[size_t(i)] = "%" + std::to_string(i);
  for (size_t k = 0; k < program_.size(); ++k) {
    const FusedInstr& ins = program_[k];
    const size_t self = size_t(n_inputs_) + k;
    std::string e = ins.binary ? std::string(binary_name(BinaryFn(ins.fn))) + "(" + expr[size_t(ins.a)] + "," +
                                     expr[size_t(ins.b)] + ")"
                               : std::string(unary_row(UnaryFn(ins.fn)).name) + "(" + expr[size_t(ins.a)] + ")";
    if (reads[self] > 1) {
      const std::string r = "r" + std::to_string(self);
      lets += r + "=" + e + ";";
      e = r;
    }
    expr[self] = e;
  }
  return std::string(dtype_name(dtype_)) + ":" + lets + expr.back();
}

Type FusedElementwiseOp::infer(const InputInfos& in) const {
  if (int(in.size()) != n_inputs_)
    throw ValueError("expects " + std::to_string(n_inputs_) + " inputs, got " + std::to_string(in.size()));
  Type out{dtype_, Shape{}};
  for (size_t k = 0; k < in.size(); ++k) {
    if (in[k].dtype != dtype_)
      throw TypeError("input " + std::to_string(k) + " has dtype " + dtype_name(in[k].dtype) + ", the loop runs " +
                      dtype_name(dtype_));
    Shape s;
    if (!detail::broadcast_shapes(out.shape, in[k].shape, s)) detail::throw_broadcast_error(out.shape, in[k].shape);
    out.shape = s;
  }
  return out;
}

template <class T> void FusedElementwiseOp::run(const Tensor* const* in, Tensor& out) const {
  const int64_t n = out.size();
  if (n == 0) return;
  const Shape& os = out.shape();
  InputFeed feeds[kMaxScratch];
  // Inputs not laid out like the output get a scratch slot after the results'.
  int next_slot = n_scratch_;
  int input_slot[kMaxScratch];
  for (int k = 0; k < n_inputs_; ++k) {
    const Tensor& t = *in[k];
    InputFeed& f = feeds[k];
    input_slot[k] = -1;
    if (t.size() == n) {
      f.kind = Feed::Full;
      continue;
    }
    input_slot[k] = next_slot++;
    if (t.size() == 1) {
      f.kind = Feed::Scalar;
    } else if (detail::is_trailing_block(t.shape(), os)) {
      f.kind = Feed::Block;
      f.block = t.size();
    } else {
      f.kind = Feed::Strided;
      int64_t strides[Shape::kMaxRank];
      detail::broadcast_strides(t.shape(), os, strides);
      plan_runs(os, strides, f);
    }
  }
  const int64_t n_groups = ceil_div(n, kGroup);
  const int nt = threads_for(n, kParallelMinElements);
  ChunkQueue groups(nt, n_groups);
  parallel_blocks(nt, [&](int t, int) {
    // Each thread has its own scratch and works through groups of chunks (ChunkQueue).
    alignas(64) T scratch[kMaxScratch][kChunk];
    const T* reg[kMaxRegisters];
    for (int k = 0; k < n_inputs_; ++k)
      if (feeds[k].kind == Feed::Scalar)
        std::fill(scratch[input_slot[k]], scratch[input_slot[k]] + kChunk, in[k]->data<T>()[0]);
    T* o = out.data<T>();
    groups.run(t, [&](int64_t group) {
      const int64_t end = std::min(n, (group + 1) * kGroup);
      for (int64_t i0 = group * kGroup; i0 < end; i0 += kChunk) {
        const int64_t len = std::min(kChunk, end - i0);
        for (int k = 0; k < n_inputs_; ++k) {
          const T* src = in[k]->data<T>();
          const InputFeed& f = feeds[k];
          T* dst = input_slot[k] >= 0 ? scratch[input_slot[k]] : nullptr;
          switch (f.kind) {
            case Feed::Full: reg[k] = src + i0; break;
            case Feed::Scalar: reg[k] = dst; break;
            case Feed::Block: {
              int64_t off = i0 % f.block, j = 0;
              while (j < len) {
                const int64_t run = std::min(len - j, f.block - off);
                std::memcpy(dst + j, src + off, size_t(run) * sizeof(T));
                j += run;
                off = 0;
              }
              reg[k] = dst;
              break;
            }
            case Feed::Strided: {
              // Runs of run_len elements, each at a fixed step from its start.
              int64_t run = i0 / f.run_len, within = i0 % f.run_len, j = 0;
              while (j < len) {
                int64_t base = 0, q = run;
                for (int d = f.outer_rank - 1; d >= 0; --d) {
                  base += (q % f.outer_dims[d]) * f.outer_strides[d];
                  q /= f.outer_dims[d];
                }
                const int64_t n_here = std::min(len - j, f.run_len - within);
                const T* from = src + base + within * f.run_step;
                if (f.run_step == 0) std::fill(dst + j, dst + j + n_here, *from);
                else if (f.run_step == 1) std::memcpy(dst + j, from, size_t(n_here) * sizeof(T));
                else
                  for (int64_t e = 0; e < n_here; ++e) dst[j + e] = from[e * f.run_step];
                j += n_here;
                within = 0;
                ++run;
              }
              reg[k] = dst;
              break;
            }
          }
        }
        for (size_t p = 0; p < program_.size(); ++p) {
          const FusedInstr& ins = program_[p];
          const int self = n_inputs_ + int(p);
          T* dst = p + 1 == program_.size() ? o + i0 : scratch[scratch_of_[size_t(self)]];
          const Kernels& k = kernels_[p];
          if constexpr (std::is_same<T, float>::value) {
            if (ins.binary) k.b32(reg[ins.a], reg[ins.b], dst, len);
            else k.u32(reg[ins.a], dst, len);
          } else {
            if (ins.binary) k.b64(reg[ins.a], reg[ins.b], dst, len);
            else k.u64(reg[ins.a], dst, len);
          }
          reg[self] = dst;
        }
      }
    });
  });
}

void FusedElementwiseOp::perform(const Tensor* const* in, int, Tensor& out) const {
  dispatch_float(dtype_, [&](auto tag) { run<typename decltype(tag)::type>(in, out); });
}

std::vector<Var> FusedElementwiseOp::pullback(const std::vector<Var>&, const Var&, const Var&) const {
  throw Error("nabla: fused_elementwise has no gradient: fusion runs after grad(), on compiled graphs only");
}

}  // namespace nabla
