#include "optim/callbacks.hpp"

#include <cstdio>
#include <memory>

#include "core/error.hpp"
#include "optim/training.hpp"

namespace nabla::optim {

Trainer::Callback early_stopping(const std::string& metric, int patience, bool verbose) {
  if (patience < 1) throw ValueError("nabla: early_stopping: patience must be >= 1, got " + std::to_string(patience));
  auto rule = std::make_shared<EarlyStopping>(patience);
  return [rule, metric, verbose](Trainer&, const EpochLog& log) {
    rule->update(log.metric(metric));
    if (rule->should_stop() && verbose)
      std::printf("Early stopping: no better %s in %d epochs (best %.6g at epoch %d)\n", metric.c_str(),
                  rule->epochs_seen() - 1 - rule->best_epoch(), rule->best(), rule->best_epoch());
    return !rule->should_stop();
  };
}

Trainer::Callback plateau_schedule(const std::string& metric, int patience, double factor, double min_fraction,
                                   bool verbose) {
  std::shared_ptr<PlateauSchedule> schedule;  // made at the first epoch, from the optimizer's eta
  auto make = [=](double eta0) { return std::make_shared<PlateauSchedule>(eta0, patience, factor, min_fraction); };
  make(1.0);  // checks the arguments now, where the caller wrote them
  return [schedule, make, metric, verbose](Trainer& t, const EpochLog& log) mutable {
    if (!schedule) schedule = make(t.optimizer().learning_rate());
    const int before = schedule->reductions();
    const double eta = schedule->update(log.metric(metric));
    if (schedule->reductions() != before) {
      t.optimizer().set_learning_rate(eta);
      if (verbose) std::printf("No better %s: learning rate now %g\n", metric.c_str(), eta);
    }
    return !schedule->done();
  };
}

Trainer::Callback learning_rate_schedule(std::function<double(int epoch)> eta) {
  if (!eta) throw ValueError("nabla: learning_rate_schedule: the schedule is empty");
  return [eta](Trainer& t, const EpochLog& log) {
    t.optimizer().set_learning_rate(eta(log.epoch + 1));
    return true;
  };
}

}  // namespace nabla::optim
