// Umbrella header for nn/: layers, activations, costs, initializers, data sets, network2.
#pragma once
#include "nn/activation.hpp"
#include "nn/costs.hpp"
#include "nn/datasets.hpp"
#include "nn/init.hpp"
#include "nn/layers.hpp"
#include "nn/network2.hpp"
