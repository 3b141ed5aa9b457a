// ChunkQueue (core/parallel.hpp): how the split ops share their chunks between
// threads. Every chunk runs exactly once whatever the timing; a thread keeps to
// its own block while the others keep up; a thread that falls behind has the
// tail of its block taken over. Plain std::threads stand in for OpenMP's team.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "core/parallel.hpp"

using namespace nabla;

namespace {

// Runs queue.run(t, ...) on `team` threads, thread t first sleeping delay_ms[t];
// returns, per thread, the chunks it ran in order.
std::vector<std::vector<int64_t>> run_team(ChunkQueue& queue, int team, const std::vector<int>& delay_ms,
                                           std::vector<std::atomic<int>>& runs) {
  std::vector<std::vector<int64_t>> got(static_cast<size_t>(team));
  std::vector<std::thread> threads;
  for (int t = 0; t < team; ++t)
    threads.emplace_back([&, t] {
      if (size_t(t) < delay_ms.size() && delay_ms[size_t(t)] > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms[size_t(t)]));
      queue.run(t, [&](int64_t c) {
        got[size_t(t)].push_back(c);
        runs[size_t(c)].fetch_add(1);
        std::this_thread::sleep_for(std::chrono::microseconds(200));  // a chunk of real work
      });
    });
  for (std::thread& th : threads) th.join();
  return got;
}

}  // namespace

TEST_CASE("ChunkQueue: every chunk runs exactly once, for any team and timing") {
  for (int nt : {1, 2, 3, 4})
    for (int64_t n : {0, 1, 3, 7, 40})
      for (int slow : {-1, 0, 1}) {
        INFO("threads " << nt << " chunks " << n << " slow thread " << slow);
        ChunkQueue queue(nt, n);
        std::vector<std::atomic<int>> runs(static_cast<size_t>(n));
        std::vector<int> delay(size_t(nt), 0);
        if (slow >= 0 && slow < nt) delay[size_t(slow)] = 5;
        run_team(queue, nt, delay, runs);
        int64_t wrong = 0;
        for (auto& r : runs) wrong += r.load() != 1;
        CHECK(wrong == 0);
      }
}

TEST_CASE("ChunkQueue: a team smaller than planned still runs every chunk (one thread runs all)") {
  ChunkQueue queue(4, 30);
  std::vector<std::atomic<int>> runs(30);
  const auto got = run_team(queue, 1, {}, runs);
  CHECK(got[0].size() == 30);
  for (auto& r : runs) CHECK(r.load() == 1);
}

TEST_CASE("ChunkQueue: each thread starts at the front of its own block") {
  // Thread 0 holds its first chunk until thread 1 has taken one, so thread 0
  // cannot have emptied block 1 before thread 1 starts, however they are scheduled.
  ChunkQueue queue(2, 40);
  std::vector<std::vector<int64_t>> got(2);
  std::atomic<bool> second_started{false};
  std::thread zero([&] {
    queue.run(0, [&](int64_t c) {
      got[0].push_back(c);
      if (got[0].size() == 1)
        while (!second_started.load()) std::this_thread::yield();
    });
  });
  std::thread one([&] {
    queue.run(1, [&](int64_t c) {
      got[1].push_back(c);
      second_started = true;
    });
  });
  zero.join();
  one.join();
  REQUIRE(!got[0].empty());
  REQUIRE(!got[1].empty());
  CHECK(got[0].front() == 0);   // block 0 is chunks 0..19
  CHECK(got[1].front() == 20);  // block 1 is chunks 20..39
  CHECK(got[0].size() + got[1].size() == 40);
}

TEST_CASE("ChunkQueue: a thread that starts late has the tail of its block taken over") {
  // Thread 1 starts only after thread 0 is done: thread 0 works its own 20
  // chunks and then thread 1's block from the back, and thread 1 finds none left.
  ChunkQueue queue(2, 40);
  std::vector<std::vector<int64_t>> got(2);
  queue.run(0, [&](int64_t c) { got[0].push_back(c); });
  queue.run(1, [&](int64_t c) { got[1].push_back(c); });
  CHECK(got[0].size() >= 30);
  CHECK(got[0].size() + got[1].size() == 40);
  bool took_from_back = false;
  for (int64_t c : got[0]) took_from_back = took_from_back || c == 39;
  CHECK(took_from_back);
}
