#include "exp_6_common.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>

#include "network2_run.hpp"

namespace book {

using namespace nabla;

namespace {

// The first n rows of a split (all of it when n covers it).
nn::Split head(const nn::Split& s, int64_t n) {
  if (n < 0 || n >= s.size()) return s;
  nn::Split out;
  const int64_t cols = s.x.shape()[1];
  out.x = Tensor(DType::Float32, {n, cols});
  out.y = Tensor(DType::Int32, {n});
  std::memcpy(out.x.raw(), s.x.raw(), size_t(n * cols) * sizeof(float));
  for (int64_t i = 0; i < n; ++i) out.y.data<int32_t>()[i] = int32_t(s.y.iat(i));
  return out;
}

std::string data_dir(const Context& ctx) { return ctx.data_dir.empty() ? nn::default_mnist_dir() : ctx.data_dir; }

// Data sets held once per process in shared variables, so several runs of one
// experiment (6.8, 6.11) neither copy nor reload them. The expanded images live
// only in their shared variable (784 MB as float32), not also in a Split.
struct SharedSets {
  optim::SharedData training, validation, test;
};

const SharedSets& shared_sets(const Context& ctx, bool expanded) {
  static std::map<std::tuple<std::string, bool, int64_t>, SharedSets> cache;
  const auto key = std::make_tuple(data_dir(ctx), expanded, ctx.train_size);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  const nn::MnistData& plain = mnist(ctx);
  SharedSets s;
  s.validation = nn::share_split(plain.validation, "validation");
  s.test = nn::share_split(plain.test, "test");
  if (expanded) {
    nn::ExpandedData e = nn::load_or_expand(plain.training);
    s.training = nn::share_split(head(e.training, ctx.train_size), "expanded training");
  } else {
    s.training = nn::share_split(head(plain.training, ctx.train_size), "training");
  }
  return cache.emplace(key, std::move(s)).first->second;
}

json vector_json(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v) a.push_back(std::isfinite(x) ? json(x) : json(nullptr));
  return a;
}

}  // namespace

json Network3Spec::to_json() const {
  return json{{"architecture", architecture},
              {"epochs", epochs},
              {"mini_batch_size", mini_batch_size},
              {"eta", eta},
              {"lmbda", lmbda},
              {"training_data", expanded ? "expanded (expand_mnist, 250,000)" : "MNIST 50,000"},
              {"init", nn::init_name(init)},
              {"shuffle", false}};
}

nn::LayerPtr conv_pool(int64_t m, std::array<int64_t, 4> filter, std::array<int64_t, 3> image,
                                      nn::Activation act) {
  return std::make_shared<nn::ConvPool>(filter, std::array<int64_t, 4>{m, image[0], image[1], image[2]},
                                             std::array<int64_t, 2>{2, 2}, act);
}

nn::LayerPtr fully_connected(int64_t n_in, int64_t n_out, nn::Activation act, double p_dropout) {
  return std::make_shared<nn::FullyConnected>(n_in, n_out, act, p_dropout);
}

nn::LayerPtr softmax_layer(int64_t n_in, int64_t n_out, double p_dropout) {
  return std::make_shared<nn::Softmax>(n_in, n_out, p_dropout);
}

Layers3 conv1(int64_t m, nn::Activation act) { return {conv_pool(m, {20, 1, 5, 5}, {1, 28, 28}, act)}; }

Layers3 conv2(int64_t m, nn::Activation act) {
  return {conv_pool(m, {20, 1, 5, 5}, {1, 28, 28}, act), conv_pool(m, {40, 20, 5, 5}, {20, 12, 12}, act)};
}

const nn::Split& test_set(const Context& ctx) { return mnist(ctx).test; }

json first_conv_filters(const nn::Network3& net) {
  for (const auto& layer : net.layers()) {
    const auto* conv = dynamic_cast<const nn::ConvPool*>(layer.get());
    if (!conv) continue;
    const Tensor w = conv->w.get_value();
    json shape = json::array();
    for (int d = 0; d < w.rank(); ++d) shape.push_back(w.shape()[d]);
    return json{{"shape", shape}, {"values", w.values<double>()}, {"flip", true}};
  }
  return json();
}

json test_errors(nn::Network3& net, const Context& ctx) {
  return errors_json(net.predictions(test_set(ctx)), test_set(ctx).y.values<int32_t>());
}

json errors_json(const std::vector<int32_t>& predicted, const std::vector<int32_t>& labels) {
  json errors = json::array();
  for (int64_t i : nn::wrong_indices(predicted, labels))
    errors.push_back(json{{"index", i}, {"label", labels[size_t(i)]}, {"predicted", predicted[size_t(i)]}});
  return errors;
}

Network3Outcome train_network3(const Network3Spec& spec, const Context& ctx, uint64_t seed) {
  const int epochs = ctx.epochs > 0 ? ctx.epochs : spec.epochs;
  const SharedSets& data = shared_sets(ctx, spec.expanded);
  Network3Outcome out;
  out.net = std::make_shared<nn::Network3>(spec.layers(spec.mini_batch_size), spec.mini_batch_size, seed, spec.init);
  if (!ctx.quiet) std::printf("--- %s (seed %llu)\n%s", spec.label.c_str(), (unsigned long long)seed,
                              out.net->describe().c_str());
  nn::Network3Options options;
  options.verbose = !ctx.quiet;
  options.checkpoint = checkpoint_file(ctx, spec.label + "-seed" + std::to_string(seed));
  options.resume = ctx.resume;
  const CheckpointLock lock(options.checkpoint);
  out.result = out.net->SGD(data.training, epochs, spec.mini_batch_size, spec.eta, data.validation, data.test,
                            spec.lmbda, options);
  const nn::Network3Result& r = out.result;

  Run& run = out.run;
  run.label = spec.label;
  run.settings = spec.to_json();
  run.settings["epochs"] = epochs;
  run.settings["seed"] = seed;
  run.training_size = data.training.size;
  run.evaluation_size = data.validation.size;
  // network2's record: validation accuracy as a count of the images scored.
  const int64_t scored = (data.validation.size / spec.mini_batch_size) * spec.mini_batch_size;
  for (double a : r.validation_accuracy) run.result.evaluation_accuracy.push_back(std::llround(a * double(scored)));
  run.result.epoch_seconds = r.epoch_seconds;
  run.result.training_cost = r.training_cost;
  run.result.epochs_run = r.epochs_run;
  run.result.learning_rate.assign(size_t(r.epochs_run), spec.eta);
  out.extra = json{{"label", spec.label},
                   {"seed", seed},
                   {"validation_accuracy", vector_json(r.validation_accuracy)},
                   {"test_accuracy", vector_json(r.test_accuracy)},
                   {"training_cost", vector_json(r.training_cost)},
                   {"epoch_seconds", r.epoch_seconds},
                   {"best_validation_accuracy", r.best_validation_accuracy},
                   {"best_epoch", r.best_epoch},
                   {"best_iteration", r.best_iteration},
                   {"test_accuracy_at_best", r.test_accuracy_at_best}};
  return out;
}

Experiment network3_experiment(std::string id, std::string title, std::string book_figure,
                               std::vector<Network3Spec> specs) {
  std::string defaults;
  for (const auto& s : specs) {
    char line[256];
    std::snprintf(line, sizeof line, "%s%s; %s; %d epochs, mini-batch %lld, eta %g, lambda %g, %s, no shuffling",
                  defaults.empty() ? "" : " | ", s.label.c_str(), s.expanded ? "expanded data" : "50,000 images",
                  s.epochs, (long long)s.mini_batch_size, s.eta, s.lmbda, nn::init_name(s.init));
    defaults += line;
  }
  auto run = [specs, book_figure](const Context& ctx) {
    Report rep;
    rep.settings = json{{"runs", json::array()}};
    rep.extra = json{{"runs", json::array()}};
    std::string summary;
    for (size_t k = 0; k < specs.size(); ++k) {
      Network3Outcome o = train_network3(specs[k], ctx, ctx.seed);
      rep.settings["runs"].push_back(o.run.settings);
      rep.extra["runs"].push_back(o.extra);
      if (k == 0) {
        rep.accuracy = o.result.test_accuracy_at_best;
        rep.best_accuracy = o.result.best_validation_accuracy;
        rep.best_epoch = o.result.best_epoch;
        const json filters = first_conv_filters(*o.net);
        if (!filters.is_null()) rep.extra["filters"] = filters;
        rep.extra["errors"] = test_errors(*o.net, ctx);
      }
      char line[256];
      std::snprintf(line, sizeof line, "%s%s: test accuracy %.2f%% at the best validation epoch %d (validation %.2f%%)",
                    summary.empty() ? "" : "; ", specs[k].label.c_str(), 100 * o.result.test_accuracy_at_best,
                    o.result.best_epoch, 100 * o.result.best_validation_accuracy);
      summary += line;
      rep.runs.push_back(std::move(o.run));
    }
    rep.summary = summary + " after " + std::to_string(rep.runs.front().result.epochs_run) + " epochs; book: " +
                  book_figure;
    return rep;
  };
  return Experiment{std::move(id), std::move(title), std::move(book_figure), defaults, run};
}

}  // namespace book
