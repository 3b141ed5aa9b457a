// The one layer interface. A layer owns its parameters (shared variables) and
// maps input expressions to output expressions on two paths at once: the
// evaluation path and the training path, which differs only where a layer
// applies dropout. No hand-written backprop: grad() differentiates what the
// layer built. Writing a new layer (in C++ or, through nabla.nn.Layer, in
// Python) means implementing apply(), params() and describe(); weights() and
// initialize() when it has weights to penalize or draw.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/var.hpp"
#include "nn/init.hpp"

namespace nabla {
class RandomStreams;
}

namespace nabla::nn {

// An expression on both paths. Where no dropout acted, train is eval.
struct Paths {
  Var eval;   // the evaluation path (deterministic)
  Var train;  // the training path (dropout masks applied)
  static Paths same(const Var& x) { return {x, x}; }
};

// What layers may need while building: the mini-batch size when it is fixed
// (static shapes fold at compile time; -1 leaves them open) and the random
// streams dropout draws its masks from (null: the layer must not need masks).
struct LayerContext {
  int64_t batch = -1;
  RandomStreams* srng = nullptr;
};

class Layer {
 public:
  virtual ~Layer() = default;
  // The output paths for input paths `in`. Built-in layers also record `in` (the
  // input as the layer multiplies it: reshaped, and masked on the training
  // path) and `out`, so a trained network can be inspected.
  virtual Paths apply(const Paths& in, LayerContext& ctx) = 0;
  virtual std::vector<Var> params() const = 0;
  // The parameters L2 / L1 penalties act on (weights, not biases).
  virtual std::vector<Var> weights() const { return {}; }
  // Draws the parameters' first values; layers without parameters ignore it.
  virtual void initialize(Rng& rng, Init init) {}
  virtual std::string describe() const = 0;  // "FullyConnected(784 -> 30, sigmoid)"

  // The evaluation path alone, for a graph built by hand: layer(x).
  Var operator()(const Var& x);

  Paths in, out;  // set by apply (see above)
};

using LayerPtr = std::shared_ptr<Layer>;

// Applies layers in order, each on the previous one's paths; an error names the
// layer that did not fit and the one before it.
Paths apply_layers(const std::vector<LayerPtr>& layers, const Paths& input, LayerContext& ctx);
// Every layer's params() / weights(), in order.
std::vector<Var> params_of(const std::vector<LayerPtr>& layers);
std::vector<Var> weights_of(const std::vector<LayerPtr>& layers);
// network3's dropout_layer: keeps each element with probability 1 - p (one
// Bernoulli draw per example and unit), no rescaling. p = 0 returns x.
Var dropout(const Var& x, double p, LayerContext& ctx);

}  // namespace nabla::nn
