// Umbrella header for nn/: the layer library (layer.hpp, layers.hpp), activations, costs,
// initializers, data sets, expand_mnist, ensembles, and the book's networks (nn/book/:
// network2's Network, network3's Network3), which are clients of the layers and of
// optim::Trainer.
#pragma once
#include "nn/activation.hpp"
#include "nn/costs.hpp"
#include "nn/datasets.hpp"
#include "nn/ensemble.hpp"
#include "nn/expand_mnist.hpp"
#include "nn/init.hpp"
#include "nn/layer.hpp"
#include "nn/layers.hpp"
#include "nn/layers_recurrent.hpp"
#include "nn/book/network2.hpp"
#include "nn/book/network3.hpp"
