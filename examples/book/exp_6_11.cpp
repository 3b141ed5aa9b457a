// 6.11 — an ensemble of five 6.10 networks (seeds --seed, --seed+1, ...) voting by plurality on
// the test set. Book: 99.67% (33 errors, drawn in F6.1). Tie-break: the tied label voted by the
// earliest net (nn::plurality_vote). The JSON's extra holds the errors (index, label, predicted) for
// scripts/plot_ch6.py and the first net's conv filters (F6.2, "the final network").
#include <algorithm>
#include <cstdio>

#include "exp_6_common.hpp"

namespace book {
namespace {

using namespace nabla;

constexpr int kNets = 5;

Report run(const Context& ctx) {
  const Network3Spec spec = dropout_net();
  Report rep;
  rep.settings = json{{"nets", kNets}, {"net", spec.to_json()}, {"vote", "plurality, tie -> earliest net's label"}};
  rep.extra = json{{"runs", json::array()}};
  std::vector<std::vector<int32_t>> votes;
  std::vector<double> member_accuracy;
  auto wanted = [&](int k) {
    return ctx.members.empty() || std::count(ctx.members.begin(), ctx.members.end(), k + 1) > 0;
  };
  std::string trained;  // "3 (test 99.55% at best validation), 4 (...)" for the summary of a --members run
  for (int k = 0; k < kNets; ++k) {
    if (!wanted(k)) continue;
    // The first net is 6.10's own run (same net, same seed): it shares 6.10's
    // checkpoint, so `run 6.10` then `run 6.11 --resume` trains it once.
    Context member = ctx;
    if (k == 0) member.experiment_id = "6.10";
    Network3Outcome o = train_network3(spec, member, ctx.seed + uint64_t(k));
    votes.push_back(o.net->predictions(test_set(ctx)));
    member_accuracy.push_back(o.result.test_accuracy_at_best);
    rep.extra["runs"].push_back(o.extra);
    if (k == 0) rep.extra["filters"] = first_conv_filters(*o.net);
    rep.runs.push_back(std::move(o.run));
    char part[64];
    std::snprintf(part, sizeof part, "%s%d (test %.2f%% at best validation)", trained.empty() ? "" : ", ", k + 1,
                  100 * o.result.test_accuracy_at_best);
    trained += part;
  }
  if (int(votes.size()) < kNets) {  // --members: some members only; the vote waits for the rest
    rep.settings["members"] = ctx.members;
    rep.summary = "trained members " + trained + " of " + std::to_string(kNets) +
                  "; when all are trained, `nabla-book run 6.11 --checkpoint " + ctx.checkpoint_dir +
                  " --resume` votes";
    return rep;
  }
  const std::vector<int32_t> labels = test_set(ctx).y.values<int32_t>();
  const std::vector<int32_t> ensemble = nn::plurality_vote(votes);
  const std::vector<int64_t> wrong = nn::wrong_indices(ensemble, labels);
  rep.extra["errors"] = errors_json(ensemble, labels);
  rep.extra["member_test_accuracy_at_best"] = member_accuracy;
  rep.extra["note"] = "members vote with their final weights (network3 keeps no best-epoch snapshot)";
  rep.accuracy = 1.0 - double(wrong.size()) / double(ensemble.size());
  char line[256];
  std::snprintf(line, sizeof line, "ensemble of %d: test accuracy %.2f%% (%zu errors of %zu) after %d epochs each; book: 99.67%% (33 errors)",
                kNets, 100 * rep.accuracy, wrong.size(), ensemble.size(), rep.runs.front().result.epochs_run);
  rep.summary = line;
  return rep;
}

const bool registered = register_experiment(Experiment{
    "6.11", "ensemble of five 6.10 networks, plurality vote", "99.67% (33 errors)",
    "5 x 6.10 (seeds --seed .. --seed+4), 40 epochs each on expanded data, vote on the 10,000 test images", run,
    kNets});

}  // namespace
}  // namespace book
