// What the chapter-6 experiments share: a network3 run described by a spec,
// trained on MNIST (or the expanded 250,000-image set) and recorded. Every run
// reports the book's figure, the test accuracy at the best validation epoch.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "experiment.hpp"

namespace book {

using Layers3 = std::vector<nabla::nn::LayerPtr>;

struct Network3Spec {
  std::string label;         // e.g. "conv 20x5x5 + FC 100"
  std::string architecture;  // one line for the settings
  std::function<Layers3(int64_t mini_batch)> layers;
  int epochs = 60;
  int64_t mini_batch_size = 10;
  double eta = 0.1;
  double lmbda = 0.0;
  bool expanded = false;  // train on expand_mnist's 250,000 images
  nabla::nn::Init init = nabla::nn::Init::Network3;

  json to_json() const;
};

// One trained network and its record.
struct Network3Outcome {
  Run run;
  nabla::nn::Network3Result result;
  std::shared_ptr<nabla::nn::Network3> net;
  json extra;  // the per-epoch curves and best figures
};

// Trains spec (with --epochs / --train-size applied) from `seed`.
Network3Outcome train_network3(const Network3Spec& spec, const Context& ctx, uint64_t seed);

// The test set the experiments score on (MNIST's 10,000, as loaded for ctx).
const nabla::nn::Split& test_set(const Context& ctx);

// The first conv layer's filters as {"shape": [K, C, fh, fw], "values": [...]} (F6.2), or null.
json first_conv_filters(const nabla::nn::Network3& net);

// The test images a net gets wrong: [{"index", "label", "predicted"}] (F6.1 draws them).
// Predictions use the net's final weights (network3 keeps no snapshot of the best epoch).
json test_errors(nabla::nn::Network3& net, const Context& ctx);
json errors_json(const std::vector<int32_t>& predicted, const std::vector<int32_t>& labels);

// An experiment that trains each spec once from --seed and reports each run's
// test accuracy at its best validation epoch (the first spec is the headline).
Experiment network3_experiment(std::string id, std::string title, std::string book_figure,
                               std::vector<Network3Spec> specs);

// Layer builders with network3's argument order (mini-batch m).
nabla::nn::LayerPtr conv_pool(int64_t m, std::array<int64_t, 4> filter, std::array<int64_t, 3> image,
                                             nabla::nn::Activation act);
nabla::nn::LayerPtr fully_connected(int64_t n_in, int64_t n_out, nabla::nn::Activation act,
                                                   double p_dropout = 0.0);
nabla::nn::LayerPtr softmax_layer(int64_t n_in, int64_t n_out, double p_dropout = 0.0);

// The book's conv stacks: one conv-pool layer (20 maps of 5x5 on 28x28 -> 20x12x12), and the
// second one after it (40 maps of 5x5 on 20x12x12 -> 40x4x4).
Layers3 conv1(int64_t m, nabla::nn::Activation act);
Layers3 conv2(int64_t m, nabla::nn::Activation act);

// Specs more than one experiment trains: 6.6's ReLU network with an FC layer of `hidden`
// neurons (exp_6_6.cpp; 6.7, 6.8 use it on expanded data) and 6.10's dropout network
// (exp_6_10.cpp; 6.11 trains five).
Network3Spec relu_double_conv(int64_t hidden);
Network3Spec dropout_net();

}  // namespace book
