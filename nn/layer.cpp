#include "nn/layer.hpp"

#include "core/error.hpp"
#include "ops/api.hpp"

namespace nabla::nn {

Var Layer::operator()(const Var& x) {
  LayerContext ctx;
  return apply(Paths::same(x), ctx).eval;
}

Paths apply_layers(const std::vector<LayerPtr>& layers, const Paths& input, LayerContext& ctx) {
  Paths p = input;
  for (size_t k = 0; k < layers.size(); ++k) {
    if (!layers[k]) throw ValueError("nabla: layer " + std::to_string(k) + " is null");
    try {
      p = layers[k]->apply(p, ctx);
    } catch (const ShapeError& e) {
      if (k == 0) throw;
      throw ShapeError("nabla: " + layers[k]->describe() + " does not fit after " + layers[k - 1]->describe() +
                       ": " + e.what());
    }
    if (!p.eval.defined() || !p.train.defined())
      throw ValueError("nabla: " + layers[k]->describe() + ": apply() returned an undefined path");
  }
  return p;
}

std::vector<Var> params_of(const std::vector<LayerPtr>& layers) {
  std::vector<Var> out;
  for (const auto& l : layers)
    for (const Var& v : l->params()) out.push_back(v);
  return out;
}

std::vector<Var> weights_of(const std::vector<LayerPtr>& layers) {
  std::vector<Var> out;
  for (const auto& l : layers)
    for (const Var& v : l->weights()) out.push_back(v);
  return out;
}

Var dropout(const Var& x, double p, LayerContext& ctx) {
  if (p == 0.0) return x;
  if (!ctx.srng) throw ValueError("nabla: dropout needs random streams (LayerContext.srng is null)");
  Dims shape;
  for (int d = 0; d < x.rank(); ++d)
    shape.push_back(x.shape()[d] >= 0 ? Dim(x.shape()[d]) : Dim(shape_i(x, d)));
  return x * ctx.srng->binomial(shape, 1, 1.0 - p, x.dtype());
}

}  // namespace nabla::nn
