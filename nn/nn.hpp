// Umbrella header for nn/: layers, activations, costs, initializers, data sets, network2,
// network3 (conv / dropout), expand_mnist and ensembles.
#pragma once
#include "nn/activation.hpp"
#include "nn/costs.hpp"
#include "nn/datasets.hpp"
#include "nn/ensemble.hpp"
#include "nn/expand_mnist.hpp"
#include "nn/init.hpp"
#include "nn/layers.hpp"
#include "nn/network2.hpp"
#include "nn/network3.hpp"
