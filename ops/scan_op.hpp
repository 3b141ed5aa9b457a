// Internal: the scan node and its helpers (scan_op.cpp), and the builder of
// its gradient (scan_grad.cpp).
//
// Every op has one output, so a scan node outputs one flat "bundle" of its
// dtype holding all its results back to back; scan_piece views one result out
// of it (no copy) and scan_piece_grad is its pullback (the piece placed in a
// zero bundle). The scan node's inputs are
//   [n_steps (int64; < 0: from the sequences), t_base (int64), sequences...,
//    initial values..., non-sequences...],
// where every initial value has the state's shape with a leading axis of
// max(|taps|) rows, and sequences have tap 0 (the builder slices other taps).
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/function.hpp"
#include "core/op.hpp"

namespace nabla {

struct ScanState {
  std::vector<int> taps;   // negative, as given to the step
  bool keep_last = false;  // store only the final value (taps must be {-1})
  int depth() const;       // max |tap|: rows of the initial value
};

// What a scan node computes. Shared by the node, its pieces and its gradient.
struct ScanSpec {
  // The step's graph: inner_inputs = [t, sequences..., taps of each state...,
  // non-sequences...] (placeholders), inner_outputs = [new value of each
  // state..., plain outputs...].
  std::vector<Var> inner_inputs;
  std::vector<Var> inner_outputs;
  std::vector<bool> seq_backwards;  // sequence k is read from its end
  std::vector<ScanState> states;
  std::vector<bool> out_backwards;  // plain output p is stored from its end
  size_t n_nonseqs = 0;
  int t_sign = 1;                   // the step index t = t_base + t_sign * iteration
  int truncate_gradient = -1;       // > 0: backpropagate through the last steps only
  DType dtype = DType::Float32;     // of every result
  bool random = false;              // the step draws random numbers
  uint64_t id = 0;

  size_t n_seqs() const { return seq_backwards.size(); }
  size_t n_plain() const { return out_backwards.size(); }
  size_t first_init() const { return 2 + n_seqs(); }
  size_t first_nonseq() const { return 2 + n_seqs() + states.size(); }
  size_t n_inputs() const { return first_nonseq() + n_nonseqs; }

  // The inner program, compiled on first use (one call at a time).
  std::mutex mutex;
  std::unique_ptr<Function> compiled;
};

// Which result of the bundle a piece is.
enum class PieceKind : uint8_t {
  StateSeq,     // state r after each step: (n, state...)
  StateBuffer,  // state r's initial rows then every step: (depth + n, state...)
  StateLast,    // state r's final value: (state...)
  Plain,        // plain output p: (n, out...)
};

// Where every result lies in the bundle, from what is known of the scan's inputs.
struct ScanLayout {
  int64_t n = -1;                      // steps (-1: unknown yet)
  std::vector<Shape> state_shapes;     // one value of each state
  std::vector<Shape> plain_shapes;     // one value of each plain output
  std::vector<int64_t> state_offset, plain_offset;
  int64_t total = -1;                  // bundle elements (-1: unknown yet)
  bool known() const { return total >= 0; }
  Shape piece_shape(const ScanSpec& spec, PieceKind kind, size_t index) const;
  int64_t piece_offset(const ScanSpec& spec, PieceKind kind, size_t index) const;
};
ScanLayout scan_layout(const ScanSpec& spec, const InputInfos& in);

// Graph builders over a spec (inputs: the scan node's inputs).
Var apply_scan(std::shared_ptr<ScanSpec> spec, const std::vector<Var>& inputs, Loc loc);
Var scan_piece(const std::shared_ptr<ScanSpec>& spec, PieceKind kind, size_t index, const Var& bundle,
               const std::vector<Var>& inputs, Loc loc);
Var scan_steps(const std::shared_ptr<ScanSpec>& spec, const std::vector<Var>& inputs, Loc loc);
uint64_t next_scan_id();

// The gradient of a scan node (scan_grad.cpp): one contribution per input.
std::vector<Var> scan_pullback(const std::shared_ptr<ScanSpec>& spec, const std::vector<Var>& inputs,
                               const Var& bundle, const Var& gout);

}  // namespace nabla
