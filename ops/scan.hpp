// scan: Theano's symbolic loop. A step function, called once with symbolic
// arguments, describes one iteration; scan turns it into one graph node whose
// body is compiled once into an inner program and run n_steps times.
//
//   step arguments, in Theano's order: each sequence's taps (in the order given),
//   then each fed-back output's taps, then the non-sequences.
//   step results: one per outputs_info entry; an entry with an initial value is
//   fed back (a recurrent state), an entry without one (ScanOutput::none()) is not.
//
// Every result is the stacked sequence of the step's values (n_steps rows).
// grad() through a scan is backpropagation through time, itself a scan, so
// gradients of any order work. Random draws inside the step differ per step
// and per call; the updates that advance their streams are in
// ScanResult::updates (they are also the streams' default updates).
#pragma once
#include <functional>
#include <vector>

#include "core/function.hpp"
#include "ops/api.hpp"

namespace nabla {

// A sequence and the taps the step reads of it: tap k at step t is x[t + k - min(taps)].
struct ScanSequence {
  Var x;
  std::vector<int> taps{0};
  ScanSequence(const Var& v) : x(v) {}  // NOLINT: a plain Var is a sequence with tap 0
  ScanSequence(const Var& v, std::vector<int> t) : x(v), taps(std::move(t)) {}
};

// One output of the step. With an initial value it is fed back: taps are negative
// (tap -k reads the value of k steps before); for taps {-1} `initial` has the
// state's shape, otherwise its first axis holds the max(|taps|) earliest values.
struct ScanOutput {
  Var initial;
  std::vector<int> taps{-1};
  ScanOutput(const Var& init) : initial(init) {}  // NOLINT: Theano's outputs_info=[x]
  ScanOutput(const Var& init, std::vector<int> t) : initial(init), taps(std::move(t)) {}
  static ScanOutput none() { return ScanOutput(); }  // Theano's None: not fed back
  bool fed_back() const { return initial.defined(); }

 private:
  ScanOutput() : taps() {}
};

struct ScanResult {
  std::vector<Var> outputs;  // one per step result, each (n_steps, ...)
  Updates updates;           // the random streams drawn inside the step
};

using ScanStep = std::function<std::vector<Var>(const std::vector<Var>&)>;

// n_steps < 0: as many steps as the shortest sequence allows. go_backwards runs
// over the sequences from their ends. truncate_gradient > 0 backpropagates
// through the last truncate_gradient steps only (earlier steps and the initial
// values get zero gradient).
ScanResult scan(const ScanStep& step, const std::vector<ScanSequence>& sequences,
                const std::vector<ScanOutput>& outputs_info, const std::vector<Var>& non_sequences = {},
                const Dim& n_steps = Dim(int64_t(-1)), bool go_backwards = false, int truncate_gradient = -1,
                Loc loc = Loc::current());

}  // namespace nabla
