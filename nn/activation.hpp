// Activation functions a layer applies to its weighted input z.
#pragma once
#include <string>

#include "core/var.hpp"

namespace nabla::nn {

enum class Activation { Sigmoid, Tanh, ReLU, Linear, Softmax };

Var activate(Activation act, const Var& z);
const char* activation_name(Activation act);            // "sigmoid", "tanh", ...
Activation activation_from_name(const std::string& name);  // throws ValueError listing the names

}  // namespace nabla::nn
