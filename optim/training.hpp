// Training helpers that sit on top of the graph: stopping rules, learning-rate
// schedules, progress output for long runs.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace nabla::optim {

// The book's "no-improvement-in-n": feed it each epoch's metric (higher is
// better, e.g. validation accuracy); should_stop() once n epochs passed
// without beating the best.
class EarlyStopping {
 public:
  explicit EarlyStopping(int patience);
  void update(double metric);  // call once per epoch
  bool should_stop() const { return patience_ > 0 && since_best_ >= patience_; }
  double best() const { return best_; }
  int best_epoch() const { return best_epoch_; }
  int epochs_seen() const { return epochs_; }

 private:
  int patience_;
  int epochs_ = 0, best_epoch_ = -1, since_best_ = 0;
  double best_ = 0;
};

// Exercise X9: halve eta after each no-improvement-in-n; done when eta fell to
// eta0 * min_fraction (1/128 by default).
class PlateauSchedule {
 public:
  PlateauSchedule(double eta0, int patience = 10, double factor = 0.5, double min_fraction = 1.0 / 128);
  // Call once per epoch with the metric (higher is better); returns the eta for the next epoch.
  double update(double metric);
  double learning_rate() const { return eta_; }
  bool done() const;
  int reductions() const { return reductions_; }

 private:
  double eta0_, eta_, factor_, min_fraction_;
  int patience_, since_best_ = 0, reductions_ = 0, epochs_ = 0;
  double best_ = 0;
};

// Prints "label: done/total (rate/s, eta Ns)" to stderr at most every
// `interval_s` seconds, only if the whole job looks longer than that; silent
// for short runs and when stderr is not a terminal unless forced
// (NABLA_PROGRESS=1 forces it, NABLA_PROGRESS=0 silences it).
//
// With items_per_tick > 0 (a trainer's mini-batch size) the line also shows
// items per second: "label: done/total (rate/s, N images/s, eta Ns)".
class Progress {
 public:
  Progress(std::string label, int64_t total, double interval_s = 5.0, int64_t items_per_tick = 0);
  // Cheap: reads the clock every call while calls are slow, every 256 calls once
  // they come faster than a millisecond apart.
  void tick(int64_t done);
  void finish();

 private:
  std::string label_;
  int64_t total_;
  double interval_;
  int64_t calls_ = 0;
  int64_t items_per_tick_ = 0;
  int64_t stride_ = 1;  // calls between clock reads
  std::chrono::steady_clock::time_point start_, last_, last_check_;
  bool printed_ = false;
};

}  // namespace nabla::optim
