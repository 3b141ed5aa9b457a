// Ready-made Trainer callbacks: early stopping and learning-rate schedules,
// driven by a monitored metric (higher is better, e.g. validation accuracy) or
// by the epoch number. Add them with Trainer::add_callback.
#pragma once
#include <functional>
#include <string>

#include "optim/trainer.hpp"

namespace nabla::optim {

// Stops once `patience` epochs passed without beating the best `metric`
// (the book's no-improvement-in-n). verbose: one line when it stops.
Trainer::Callback early_stopping(const std::string& metric, int patience, bool verbose = false);

// Multiplies the learning rate by `factor` after each `patience` epochs
// without a better `metric`; stops once it fell to min_fraction of where it
// started (exercise X9's rule with the defaults).
Trainer::Callback plateau_schedule(const std::string& metric, int patience = 10, double factor = 0.5,
                                   double min_fraction = 1.0 / 128, bool verbose = false);

// Sets the learning rate for the next epoch to eta(next epoch number).
Trainer::Callback learning_rate_schedule(std::function<double(int epoch)> eta);

}  // namespace nabla::optim
