// How much work two cores of this machine do together, against one alone, right now:
// the ceiling for any two-thread speed-up measured in the same minutes. On shared VMs
// the second vCPU's throughput changes through the day (seen: two cores together doing
// 1.6x to 2.0x one core's FMAs), so `make bench` runs this next to its two-thread
// epochs and prints the best 2t/1t epoch ratio the machine allowed.
//
// The work is a register-resident multiply-add loop in xsimd's native batches (no
// memory traffic, no SIMD width written here). Rounds alternate one thread alone
// (pinned to CPU 0) and two at once (CPUs 0 and 1), so a slow phase hits both alike.
//   core_scaling [--rounds N] [--json FILE]
// prints per round and the median, then the cache-line round trip between the two CPUs;
// --json writes {"rounds": [...], "median_speedup": x, "round_trip_ns": y}.
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <xsimd/xsimd.hpp>

namespace {

using batch = xsimd::batch<float>;
constexpr int kChains = 8;            // independent FMA chains: enough to hide the FMA latency
constexpr long kIterations = 20000000;  // ~0.1 s per run on current x86 cores

// Pins the calling thread to one CPU; says so once when it cannot (a cpuset without
// CPUs 0 and 1): the figures are then only what the scheduler happened to give.
void pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  static std::atomic<bool> warned{false};
  if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0 && !warned.exchange(true))
    std::fprintf(stderr, "core_scaling: cannot pin a thread to CPU %d; the threads run unpinned\n", cpu);
}

// Read at run time, so the compiler cannot evaluate the loop itself (gcc -O3 folds it to a
// constant), and the result written back, so it cannot drop it.
volatile float g_start = 1.0f, g_scale = 0.9999999f, g_shift = 1e-7f;
std::atomic<float> g_result{0.0f};

// The fixed amount of work; returns a value that depends on every step so it cannot be skipped.
float multiply_adds() {
  batch acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = batch(g_start + 1e-7f * float(c));
  const batch m(g_scale), a(g_shift);
  for (long it = 0; it < kIterations; ++it)
    for (int c = 0; c < kChains; ++c) acc[c] = xsimd::fma(acc[c], m, a);
  float sum = 0;
  for (int c = 0; c < kChains; ++c) sum += xsimd::hadd(acc[c]);
  return sum;
}

double seconds_on(const std::vector<int>& cpus) {
  std::vector<std::thread> team;
  const auto t0 = std::chrono::steady_clock::now();
  for (int cpu : cpus)
    team.emplace_back([cpu] {
      pin_to(cpu);
      g_result.store(multiply_adds(), std::memory_order_relaxed);
    });
  for (auto& t : team) t.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Nanoseconds for one cache line to go from CPU 0 to CPU 1 and back (two pinned threads
// taking turns on one atomic): ~55 ns between cores that share a cache, several times that
// when the host runs the two vCPUs far apart; split ops hand data between the threads at
// this cost.
double round_trip_ns() {
  constexpr long kTrips = 100000;
  alignas(64) std::atomic<long> turn{0};
  std::thread other([&] {
    pin_to(1);
    for (long i = 0; i < kTrips; ++i) {
      while (turn.load(std::memory_order_acquire) != 2 * i + 1) {
      }
      turn.store(2 * i + 2, std::memory_order_release);
    }
  });
  pin_to(0);
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < kTrips; ++i) {
    turn.store(2 * i + 1, std::memory_order_release);
    while (turn.load(std::memory_order_acquire) != 2 * i + 2) {
    }
  }
  const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / kTrips;
  other.join();
  return ns;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 9;
  const char* json = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--rounds") && i + 1 < argc) rounds = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--json") && i + 1 < argc) json = argv[++i];
    else {
      std::fprintf(stderr, "usage: core_scaling [--rounds N] [--json FILE]\n");
      return 2;
    }
  }
  if (std::thread::hardware_concurrency() < 2) {
    std::fprintf(stderr, "core_scaling: this machine has one CPU; nothing to compare\n");
    return 1;
  }
  seconds_on({0});  // warm-up: clock ramp, page-in
  std::vector<double> speedups;
  std::string rows;
  for (int r = 0; r < rounds; ++r) {
    const double one = seconds_on({0}), two = seconds_on({0, 1});
    const double speedup = 2.0 * one / two;  // two cores' work per second over one core's
    speedups.push_back(speedup);
    std::printf("core_scaling: round %d: one core %.3f s, two cores %.3f s for twice the work: %.2fx\n", r + 1,
                one, two, speedup);
    rows += (r ? ", " : "") + std::to_string(speedup);
  }
  const double trip = round_trip_ns();
  std::printf("core_scaling: a cache line from CPU 0 to CPU 1 and back: %.0f ns\n", trip);
  std::vector<double> sorted = speedups;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[sorted.size() / 2];
  std::printf("core_scaling: two cores do %.2fx one core's multiply-adds (median of %d; %.2f-%.2fx): no "
              "two-thread run can beat %.2fx its one-thread time on this machine now\n",
              median, rounds, sorted.front(), sorted.back(), 1.0 / median);
  if (json) {
    FILE* f = std::fopen(json, "w");
    if (!f) {
      std::fprintf(stderr, "core_scaling: cannot write %s\n", json);
      return 1;
    }
    std::fprintf(f, "{\"rounds\": [%s], \"median_speedup\": %.4f, \"round_trip_ns\": %.1f}\n", rows.c_str(),
                 median, trip);
    std::fclose(f);
  }
  return 0;
}
