// Umbrella header: everything a user of nabla needs.
#pragma once
#include "core/core.hpp"
#include "ops/ops.hpp"
#include "nn/nn.hpp"
#include "optim/optim.hpp"
