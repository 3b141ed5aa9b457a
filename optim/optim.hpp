// Umbrella header for optim/: optimizers (symbolic updates) and training helpers.
#pragma once
#include "optim/optimizers.hpp"
#include "optim/training.hpp"
