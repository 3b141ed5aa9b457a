// The one helper most chapter-1 and chapter-3 experiments share: train a
// network2-style Network with given settings on MNIST and record the run.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "experiment.hpp"

namespace book {

struct Network2Spec {
  std::vector<int64_t> sizes{784, 30, 10};
  nabla::nn::Cost cost = nabla::nn::Cost::CrossEntropy;
  nabla::nn::Init init = nabla::nn::Init::Large;
  int epochs = 30;
  int64_t mini_batch_size = 10;
  double eta = 0.5;
  double lmbda = 0.0;
  nabla::nn::Regularization regularization = nabla::nn::Regularization::L2;
  int64_t train_size = 50000;
  std::string evaluation = "test";  // "test" or "validation"
  int64_t evaluation_size = 10000;  // first n images of the evaluation set
  bool monitor_evaluation_cost = false;
  bool monitor_evaluation_accuracy = true;
  bool monitor_training_cost = false;
  bool monitor_training_accuracy = false;
  std::string optimizer = "sgd";  // see nabla::optim::make_optimizer
  double momentum = 0.0;
  int early_stopping = 0;
  int schedule_patience = 0;
  bool score_at_end = false;  // with monitoring off: evaluate once after training
  bool network_py_output = false;  // print "Epoch j: k / n" as network.py does
  std::string label;

  json to_json() const;
};

// Applies the command line (--epochs, --train-size) over a spec's defaults.
Network2Spec with_context(Network2Spec spec, const Context& ctx);

// Loads MNIST once per process (the book split, optionally truncated).
const nabla::nn::MnistData& mnist(const Context& ctx);

// Trains one network per the spec and returns its record.
Run train_network2(const Network2Spec& spec, const Context& ctx);

// Fills the report's headline numbers from a run's evaluation accuracies.
void summarize(Report& report, const Run& run, const std::string& what, const std::string& book_figure);

}  // namespace book

namespace book {

// "[784,30,10] cross-entropy, eta 0.5, lambda 0, mini-batch 10, 30 epochs, large init, 50000 -> test"
std::string describe(const Network2Spec& spec);

// An experiment that is one network2 run scored on spec.evaluation; `book_figure`
// is the book's number for the summary line.
Experiment single_run(std::string id, std::string title, std::string book_figure, Network2Spec spec);

}  // namespace book

namespace book {

// A variant of a base spec: its label and what it changes.
struct Variant {
  std::string label;
  std::function<void(Network2Spec&)> change;
};

// An experiment that trains the base spec once per variant and reports each
// run's final and best evaluation accuracy (or final training cost when only
// that is monitored).
Experiment compare_runs(std::string id, std::string title, std::string book_figure, Network2Spec base,
                        std::vector<Variant> variants);

}  // namespace book
