// nabla-book: lists and runs the experiments of "Neural Networks and Deep
// Learning" by their BOOK.md IDs, with the book's settings as defaults.
//   nabla-book list
//   nabla-book run 1.1 [--epochs N] [--train-size N] [--seed S] [--threads T] [--json FILE]
//                      [--checkpoint DIR [--resume]] [--members LIST] [--quiet]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "core/distributed.hpp"
#include "experiment.hpp"
#include "core/atomic_file.hpp"
#include "optim/checkpoint_summary.hpp"

namespace {

using book::json;

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

json run_to_json(const book::Run& r) {
  return json{{"label", r.label},
              {"settings", r.settings},
              {"evaluation_accuracy", r.result.evaluation_accuracy},
              {"evaluation_cost", r.result.evaluation_cost},
              {"training_cost", r.result.training_cost},
              {"training_accuracy", r.result.training_accuracy},
              {"epoch_seconds", r.result.epoch_seconds},
              {"learning_rate", r.result.learning_rate},
              {"epochs_run", r.result.epochs_run},
              {"evaluation_size", r.evaluation_size},
              {"training_size", r.training_size}};
}

json report_to_json(const book::Experiment& e, const book::Report& rep, const book::Context& ctx, double wall) {
  json runs = json::array();
  std::vector<double> seconds;
  for (const auto& r : rep.runs) {
    runs.push_back(run_to_json(r));
    seconds.insert(seconds.end(), r.result.epoch_seconds.begin(), r.result.epoch_seconds.end());
  }
  json settings = rep.settings;
  settings["seed"] = ctx.seed;
  settings["threads"] = ctx.threads;
  json out{{"experiment", e.id},
           {"title", e.title},
           {"book", e.book},
           {"settings", settings},
           {"runs", runs},
           {"result", {{"accuracy", rep.accuracy}, {"best_accuracy", rep.best_accuracy}, {"best_epoch", rep.best_epoch}}},
           {"summary", rep.summary},
           {"seconds_per_epoch", median(seconds)},
           {"wall_seconds", wall},
           {"peak_rss_mb", peak_rss_mb()}};
  if (!rep.extra.is_null()) out["extra"] = rep.extra;
  // Data-parallel runs (mpirun): ranks and what this rank's collectives sent.
  const nabla::distributed::Stats mpi = nabla::distributed::stats();
  out["mpi"] = {{"ranks", nabla::distributed::size()}, {"collective_calls", mpi.calls}, {"bytes_sent", mpi.bytes}};
  return out;
}

void list_experiments() {
  std::printf("%-6s %-58s %s\n", "ID", "experiment", "book's result");
  for (const auto& e : book::experiments()) std::printf("%-6s %-58s %s\n", e.id.c_str(), e.title.c_str(), e.book.c_str());
  std::printf("\nRun one with: nabla-book run ID [--epochs N] [--train-size N] [--seed S] [--json FILE]\n");
}

const book::Experiment* find(const std::string& id) {
  for (const auto& e : book::experiments())
    if (e.id == id) return &e;
  return nullptr;
}

// --members only means something for an ensemble, and only with checkpoints: a
// member trained without one would be lost before the vote.
void check_members(const book::Experiment& e, const book::Context& ctx) {
  if (ctx.members.empty()) return;
  if (e.ensemble_members == 0)
    throw nabla::ValueError("--members applies to ensembles (6.11) only, not to " + e.id);
  if (ctx.checkpoint_dir.empty())
    throw nabla::ValueError("--members needs --checkpoint DIR (the vote reads the members from there)");
  for (int m : ctx.members)
    if (m < 1 || m > e.ensemble_members)
      throw nabla::ValueError("--members " + std::to_string(m) + " is not a member of " + e.id + " (1.." +
                              std::to_string(e.ensemble_members) + ")");
}

int run_experiment(const book::Experiment& e, book::Context ctx, const std::string& json_path) {
  check_members(e, ctx);
  ctx.experiment_id = e.id;
  if (!ctx.quiet) std::printf("== %s: %s\n   defaults: %s\n   book: %s\n", e.id.c_str(), e.title.c_str(), e.defaults.c_str(), e.book.c_str());
  auto start = std::chrono::steady_clock::now();
  book::Report rep = e.run(ctx);
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  json out = report_to_json(e, rep, ctx, wall);
  // A --members run holds part of an ensemble: by default it gets a file of its own
  // (results/6.11-members-4_5.json), so it never replaces the voted results.
  std::string stem = e.id;
  for (size_t k = 0; k < ctx.members.size(); ++k) stem += (k ? "_" : "-members-") + std::to_string(ctx.members[k]);
  std::filesystem::path path = json_path.empty() ? std::filesystem::path("results") / (stem + ".json") : std::filesystem::path(json_path);
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  // Atomic: a kill or a full disk mid-write leaves the previous results file whole.
  // Under mpirun the ranks' results agree (reduced metrics); rank 0 writes them.
  if (nabla::distributed::rank() == 0)
    nabla::write_file_atomically(path.string(), out.dump(1) + "\n", "nabla-book results file");
  std::printf("%s: %s\n   %.1f s in all, %.3f s per training epoch (median), peak memory %.0f MB; results in %s\n",
              e.id.c_str(), rep.summary.c_str(), wall, out["seconds_per_epoch"].get<double>(), out["peak_rss_mb"].get<double>(),
              path.string().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nabla-book: the experiments of Nielsen's \"Neural Networks and Deep Learning\" on nabla"};
  app.require_subcommand(1);
  app.add_subcommand("list", "list the experiments with the book's results");
  CLI::App* run = app.add_subcommand("run", "run experiments by ID (see list)");
  std::vector<std::string> ids;
  book::Context ctx;
  std::string json_path;
  run->add_option("ids", ids, "experiment IDs, e.g. 1.1 3.6 X7")->required();
  run->add_option("--epochs", ctx.epochs, "epochs (default: the book's)");
  run->add_option("--train-size", ctx.train_size, "use the first N training images (default: the book's)");
  run->add_option("--seed", ctx.seed, "random seed for initialization and shuffling")->capture_default_str();
  run->add_option("--threads", ctx.threads, "kernel threads (OpenBLAS stays at 1)")->capture_default_str();
  run->add_option("--json", json_path, "results file (default results/ID.json; one ID only)");
  run->add_option("--data", ctx.data_dir, "MNIST directory (default data/mnist or $NABLA_DATA/mnist)");
  run->add_flag("--quiet", ctx.quiet, "print only the summary (and no progress within epochs)");
  run->add_option("--checkpoint", ctx.checkpoint_dir,
                  "write a checkpoint of every training run to DIR after each epoch (atomically)");
  run->add_flag("--resume", ctx.resume, "continue the runs from their checkpoints in --checkpoint DIR");
  run->add_option("--members", ctx.members,
                  "ensembles (6.11): train only these members (1-based, e.g. 4,5) into --checkpoint DIR; "
                  "run several such processes side by side, then one without --members (with --resume) votes")
      ->delimiter(',');
  CLI::App* show = app.add_subcommand("checkpoint", "summarize checkpoint files: sizes, epochs, steps, and each "
                                                     "variable's shape and a hash of its bytes");
  std::vector<std::string> checkpoint_files;
  show->add_option("files", checkpoint_files, "checkpoint files (DIR/<experiment>-<run>.ckpt)")->required();
  CLI11_PARSE(app, argc, argv);
  nabla::distributed::size();  // under mpirun: join MPI now (ranks > 0 print nothing from here on)

  try {
    if (app.got_subcommand("list")) {
      list_experiments();
      return 0;
    }
    if (app.got_subcommand("checkpoint")) {
      for (const auto& file : checkpoint_files)
        std::printf("%s: %s", file.c_str(), nabla::optim::summarize_checkpoint(file).text().c_str());
      return 0;
    }
    if (!json_path.empty() && ids.size() > 1) throw nabla::ValueError("--json takes one experiment ID");
    if (ctx.threads < 1) throw nabla::ValueError("--threads must be at least 1");
    if (ctx.resume && ctx.checkpoint_dir.empty())
      throw nabla::ValueError("--resume needs --checkpoint DIR (where the checkpoints are)");
    if (!ctx.checkpoint_dir.empty()) std::filesystem::create_directories(ctx.checkpoint_dir);
    if (ctx.quiet) setenv("NABLA_PROGRESS", "0", 1);  // one line per epoch at most
    nabla::set_num_threads(ctx.threads);
    for (const auto& id : ids) {
      const book::Experiment* e = find(id);
      if (!e) {
        std::fprintf(stderr, "nabla-book: no experiment '%s'; `nabla-book list` shows them\n", id.c_str());
        return 2;
      }
      run_experiment(*e, ctx, json_path);
    }
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "nabla-book: %s\n", ex.what());
    nabla::distributed::abort_job(ex.what());  // under mpirun: end every rank, not only this one
    return 1;
  }
  return 0;
}
