// Umbrella header for optim/: optimizers (symbolic updates), the trainer and training helpers.
#pragma once
#include "optim/optimizers.hpp"
#include "optim/callbacks.hpp"
#include "optim/trainer.hpp"
#include "optim/training.hpp"
#include "optim/checkpoint_summary.hpp"
