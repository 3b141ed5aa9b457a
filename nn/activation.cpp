#include "nn/activation.hpp"

#include "core/error.hpp"
#include "ops/api.hpp"

namespace nabla::nn {

namespace {
constexpr Activation kAll[] = {Activation::Sigmoid, Activation::Tanh, Activation::ReLU, Activation::Linear,
                               Activation::Softmax};
}

Var activate(Activation act, const Var& z) {
  switch (act) {
    case Activation::Sigmoid: return sigmoid(z);
    case Activation::Tanh: return tanh(z);
    case Activation::ReLU: return relu(z);
    case Activation::Linear: return z;
    case Activation::Softmax: return softmax(z);
  }
  throw ValueError("nabla: activate: unknown activation " + std::to_string(int(act)));
}

const char* activation_name(Activation act) {
  switch (act) {
    case Activation::Sigmoid: return "sigmoid";
    case Activation::Tanh: return "tanh";
    case Activation::ReLU: return "relu";
    case Activation::Linear: return "linear";
    case Activation::Softmax: return "softmax";
  }
  return "?";
}

Activation activation_from_name(const std::string& name) {
  std::string known;
  for (Activation a : kAll) {
    if (name == activation_name(a)) return a;
    known += (known.empty() ? "" : ", ") + std::string(activation_name(a));
  }
  throw ValueError("nabla: unknown activation '" + name + "' (known: " + known + ")");
}

}  // namespace nabla::nn
