// Stopping rules, the plateau learning-rate schedule and progress output.
#include "optim/training.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/error.hpp"

namespace nabla::optim {

// ---- EarlyStopping ------------------------------------------------------------------

EarlyStopping::EarlyStopping(int patience) : patience_(patience) {
  if (patience < 0)
    throw ValueError("nabla: EarlyStopping: patience must be >= 0 (0 = never stop), got " + std::to_string(patience));
}

void EarlyStopping::update(double metric) {
  // The first epoch always sets the best, whatever the metric's sign.
  if (best_epoch_ < 0 || metric > best_) {
    best_ = metric;
    best_epoch_ = epochs_;
    since_best_ = 0;
  } else {
    ++since_best_;
  }
  ++epochs_;
}

// ---- PlateauSchedule ------------------------------------------------------------------

PlateauSchedule::PlateauSchedule(double eta0, int patience, double factor, double min_fraction)
    : eta0_(eta0), eta_(eta0), factor_(factor), min_fraction_(min_fraction), patience_(patience) {
  const std::string who = "nabla: PlateauSchedule: ";
  if (!(eta0 > 0) || !std::isfinite(eta0)) throw ValueError(who + "eta0 must be > 0, got " + std::to_string(eta0));
  if (patience < 1) throw ValueError(who + "patience must be >= 1, got " + std::to_string(patience));
  if (!(factor > 0 && factor < 1)) throw ValueError(who + "factor must be in (0, 1), got " + std::to_string(factor));
  if (!(min_fraction > 0 && min_fraction <= 1))
    throw ValueError(who + "min_fraction must be in (0, 1], got " + std::to_string(min_fraction));
}

double PlateauSchedule::update(double metric) {
  if (epochs_ == 0 || metric > best_) {
    best_ = metric;
    since_best_ = 0;
  } else if (++since_best_ >= patience_ && !done()) {
    // The best is kept: the next cut needs another `patience` epochs without beating it.
    eta_ *= factor_;
    ++reductions_;
    since_best_ = 0;
  }
  ++epochs_;
  return eta_;
}

bool PlateauSchedule::done() const {
  // Relative slack: factor 0.1 never lands exactly on 1/1000 in binary.
  return eta_ <= eta0_ * min_fraction_ * (1 + 1e-9);
}

// ---- Progress ---------------------------------------------------------------------------

namespace {
// NABLA_PROGRESS=1 forces the output (logs), =0 silences it; otherwise only on a terminal.
bool progress_wanted() {
  const char* env = std::getenv("NABLA_PROGRESS");
  if (env && *env) return std::strcmp(env, "0") != 0;
  return isatty(STDERR_FILENO) != 0;
}

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }
}  // namespace

Progress::Progress(std::string label, int64_t total, double interval_s, int64_t items_per_tick)
    : label_(std::move(label)), total_(total), interval_(interval_s), items_per_tick_(items_per_tick) {
  start_ = last_ = last_check_ = std::chrono::steady_clock::now();
}

void Progress::tick(int64_t done) {
  if (++calls_ % stride_ != 0) return;
  auto now = std::chrono::steady_clock::now();
  // Fast callers: read the clock less often (up to every 256 calls).
  if (stride_ < 256 && seconds(now - last_check_) < 1e-3) stride_ *= 2;
  last_check_ = now;
  if (seconds(now - last_) < interval_ || done <= 0 || done >= total_) return;
  // Reaching here means the job already ran longer than one interval: worth reporting.
  if (!progress_wanted()) return;
  double elapsed = seconds(now - start_);
  double rate = double(done) / elapsed;
  double remaining = double(total_ - done) / rate;
  if (items_per_tick_ > 0)
    std::fprintf(stderr, "%s: %lld/%lld (%.3g/s, %.0f images/s, eta %.0fs)\n", label_.c_str(),
                 static_cast<long long>(done), static_cast<long long>(total_), rate, rate * double(items_per_tick_),
                 remaining);
  else
    std::fprintf(stderr, "%s: %lld/%lld (%.3g/s, eta %.0fs)\n", label_.c_str(), static_cast<long long>(done),
                 static_cast<long long>(total_), rate, remaining);
  last_ = now;
  printed_ = true;
}

void Progress::finish() {
  // Only a job that printed progress gets a closing line; short runs stay silent.
  if (!printed_) return;
  double elapsed = seconds(std::chrono::steady_clock::now() - start_);
  std::fprintf(stderr, "%s: %lld/%lld done in %.1fs\n", label_.c_str(), static_cast<long long>(total_),
               static_cast<long long>(total_), elapsed);
  printed_ = false;
}

}  // namespace nabla::optim
