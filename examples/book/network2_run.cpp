#include "network2_run.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>

namespace book {

using namespace nabla;

json Network2Spec::to_json() const {
  return json{{"sizes", sizes},
              {"cost", nn::cost_class_name(cost)},
              {"init", nn::init_name(init)},
              {"epochs", epochs},
              {"mini_batch_size", mini_batch_size},
              {"eta", eta},
              {"lmbda", lmbda},
              {"regularization", regularization == nn::Regularization::L2 ? "L2" : "L1"},
              {"train_size", train_size},
              {"evaluation", evaluation},
              {"evaluation_size", evaluation_size},
              {"optimizer", optimizer},
              {"momentum", momentum},
              {"early_stopping", early_stopping},
              {"schedule_patience", schedule_patience}};
}

Network2Spec with_context(Network2Spec spec, const Context& ctx) {
  if (ctx.epochs > 0) spec.epochs = ctx.epochs;
  if (ctx.train_size > 0) spec.train_size = std::min<int64_t>(ctx.train_size, 50000);
  return spec;
}

const nn::MnistData& mnist(const Context& ctx) {
  static std::map<std::string, nn::MnistData> cache;
  std::string dir = ctx.data_dir.empty() ? nn::default_mnist_dir() : ctx.data_dir;
  auto it = cache.find(dir);
  if (it == cache.end()) it = cache.emplace(dir, nn::load_mnist(dir)).first;
  return it->second;
}

// The first n examples of a split (a copy: the network keeps its own rows).
static nn::Split head(const nn::Split& s, int64_t n) {
  n = std::min(n, s.size());
  if (n == s.size()) return s;
  nn::Split out;
  const int64_t cols = s.x.shape()[1];
  out.x = Tensor(DType::Float32, {n, cols});
  out.y = Tensor(s.y.dtype(), {n});
  std::memcpy(out.x.raw(), s.x.raw(), size_t(n * cols) * sizeof(float));
  std::memcpy(out.y.raw(), s.y.raw(), size_t(n) * dtype_size(s.y.dtype()));
  return out;
}

Run train_network2(const Network2Spec& spec, const Context& ctx) {
  const nn::MnistData& data = mnist(ctx);
  nn::Split training = head(data.training, spec.train_size);
  nn::Split evaluation = head(spec.evaluation == "validation" ? data.validation : data.test, spec.evaluation_size);

  nn::Network net(spec.sizes, spec.cost, ctx.seed);
  if (spec.init == nn::Init::Large) net.large_weight_initializer();

  nn::SGDOptions opt;
  opt.lmbda = spec.lmbda;
  opt.regularization = spec.regularization;
  opt.evaluation = &evaluation;
  opt.monitor_evaluation_cost = spec.monitor_evaluation_cost;
  opt.monitor_evaluation_accuracy = spec.monitor_evaluation_accuracy || spec.network_py_output;
  opt.monitor_training_cost = spec.monitor_training_cost;
  opt.monitor_training_accuracy = spec.monitor_training_accuracy;
  if (spec.optimizer != "sgd") opt.optimizer = optim::make_optimizer(spec.optimizer, spec.eta, spec.momentum);
  opt.early_stopping = spec.early_stopping;
  opt.schedule_patience = spec.schedule_patience;
  opt.verbose = !ctx.quiet && !spec.network_py_output;
  if (spec.network_py_output && !ctx.quiet) {
    opt.on_epoch = [n = evaluation.size()](int epoch, const nn::SGDResult& r) {
      std::printf("Epoch %d: %lld / %lld (%.3f s)\n", epoch, static_cast<long long>(r.evaluation_accuracy.back()),
                  static_cast<long long>(n), r.epoch_seconds.back());
      std::fflush(stdout);
      return true;
    };
  }
  if (!ctx.quiet && !spec.label.empty()) std::printf("--- %s\n", spec.label.c_str());
  opt.checkpoint = checkpoint_file(ctx, spec.label);
  opt.resume = ctx.resume;
  const CheckpointLock lock(opt.checkpoint);

  Run run;
  run.label = spec.label;
  run.settings = spec.to_json();
  run.result = net.SGD(training, spec.epochs, spec.mini_batch_size, spec.eta, opt);
  if (spec.score_at_end && run.result.evaluation_accuracy.empty())
    run.result.evaluation_accuracy.push_back(net.accuracy(evaluation));
  run.evaluation_size = evaluation.size();
  run.training_size = training.size();
  return run;
}

void summarize(Report& report, const Run& run, const std::string& what, const std::string& book_figure) {
  const auto& acc = run.result.evaluation_accuracy;
  if (acc.empty() || run.evaluation_size == 0) return;
  const double n = double(run.evaluation_size);
  auto best = std::max_element(acc.begin(), acc.end());
  report.accuracy = double(acc.back()) / n;
  report.best_accuracy = double(*best) / n;
  report.best_epoch = int(best - acc.begin());
  char line[256];
  std::snprintf(line, sizeof line, "%s accuracy %.2f%% after %zu epochs (best %.2f%% at epoch %d); book: %s",
                what.c_str(), 100 * report.accuracy, acc.size(), 100 * report.best_accuracy, report.best_epoch,
                book_figure.c_str());
  report.summary = line;
  const auto& train = run.result.training_accuracy;
  if (!train.empty() && run.training_size > 0) {
    std::snprintf(line, sizeof line, "; training accuracy best %.2f%%",
                  100.0 * double(*std::max_element(train.begin(), train.end())) / double(run.training_size));
    report.summary += line;
  }
}

}  // namespace book

namespace book {

std::string describe(const Network2Spec& s) {
  std::string sizes;
  for (size_t i = 0; i < s.sizes.size(); ++i) sizes += (i ? "," : "") + std::to_string(s.sizes[i]);
  char line[400];
  std::snprintf(line, sizeof line, "[%s] %s, eta %g, lambda %g%s, mini-batch %lld, %d epochs, %s init, %lld -> %s",
                sizes.c_str(), nabla::nn::cost_class_name(s.cost), s.eta, s.lmbda,
                s.regularization == nabla::nn::Regularization::L1 ? " (L1)" : "",
                static_cast<long long>(s.mini_batch_size), s.epochs, nabla::nn::init_name(s.init),
                static_cast<long long>(s.train_size), s.evaluation.c_str());
  std::string out = line;
  if (s.optimizer != "sgd") out += ", " + s.optimizer + " mu " + std::to_string(s.momentum).substr(0, 4);
  if (s.early_stopping) out += ", early stopping n=" + std::to_string(s.early_stopping);
  if (s.schedule_patience) out += ", halve eta on no-improvement-in-" + std::to_string(s.schedule_patience);
  return out;
}

Experiment single_run(std::string id, std::string title, std::string book_figure, Network2Spec spec) {
  Experiment e;
  e.id = std::move(id);
  e.title = std::move(title);
  e.book = book_figure;
  e.defaults = describe(spec);
  e.run = [spec, book_figure](const Context& ctx) {
    Network2Spec s = with_context(spec, ctx);
    Report rep;
    rep.settings = s.to_json();
    rep.runs.push_back(train_network2(s, ctx));
    summarize(rep, rep.runs.back(), s.evaluation, book_figure);
    return rep;
  };
  return e;
}

}  // namespace book

namespace book {

Experiment compare_runs(std::string id, std::string title, std::string book_figure, Network2Spec base,
                        std::vector<Variant> variants) {
  Experiment e;
  e.id = std::move(id);
  e.title = std::move(title);
  e.book = book_figure;
  e.defaults = describe(base) + "; runs:";
  for (const auto& v : variants) e.defaults += " " + v.label;
  e.run = [base, variants, book_figure](const Context& ctx) {
    Report rep;
    Network2Spec b = with_context(base, ctx);
    rep.settings = b.to_json();
    std::string line;
    for (const auto& v : variants) {
      Network2Spec s = b;
      v.change(s);
      s.label = v.label;
      rep.runs.push_back(train_network2(s, ctx));
      const Run& r = rep.runs.back();
      char buf[160];
      if (!r.result.evaluation_accuracy.empty()) {
        Report one;
        summarize(one, r, s.evaluation, book_figure);
        std::snprintf(buf, sizeof buf, "%s: %.2f%% (best %.2f%%)", v.label.c_str(), 100 * one.accuracy,
                      100 * one.best_accuracy);
        if (rep.runs.size() == 1) {
          rep.accuracy = one.accuracy;
          rep.best_accuracy = one.best_accuracy;
          rep.best_epoch = one.best_epoch;
        }
      } else if (!r.result.training_cost.empty()) {
        std::snprintf(buf, sizeof buf, "%s: training cost %.3f -> %.3f", v.label.c_str(),
                      r.result.training_cost.front(), r.result.training_cost.back());
      } else {
        std::snprintf(buf, sizeof buf, "%s: done", v.label.c_str());
      }
      line += (line.empty() ? "" : "; ") + std::string(buf);
    }
    rep.summary = (b.monitor_evaluation_accuracy ? b.evaluation + " accuracy " : std::string()) + line + "; book: " + book_figure;
    return rep;
  };
  return e;
}

}  // namespace book
