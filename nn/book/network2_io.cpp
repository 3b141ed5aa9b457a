// network2.py's JSON model files: {"sizes", "weights", "biases", "cost"}, with
// weights as n_out x n_in nested lists (our W's own layout) and biases as
// n_out x 1 columns. A non-sigmoid network adds "activation", which
// network2.load ignores.
#include <cmath>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "nn/book/network2_file.hpp"
#include "nn/book/network2_internal.hpp"

namespace nabla::nn {

using json = nlohmann::json;


void Network::save(const std::string& path) const {
  json weights = json::array(), biases = json::array();
  for (const FullyConnected& layer : layers_) {
    const Tensor W = layer.W.get_value(), b = layer.b.get_value();
    const int64_t n_in = layer.n_in(), n_out = layer.n_out();
    json w_rows = json::array(), b_rows = json::array();
    for (int64_t i = 0; i < W.size(); ++i)
      if (!std::isfinite(W.at(i)) || (i < b.size() && !std::isfinite(b.at(i))))
        throw ValueError("nabla: Network::save: layer " + std::to_string(&layer - layers_.data()) +
                         " has NaN or Inf parameters (training diverged?); JSON cannot hold them, so \"" + path +
                         "\" was not written and any previous file there is unchanged");
    for (int64_t j = 0; j < n_out; ++j) {
      std::vector<double> row(static_cast<size_t>(n_in));
      for (int64_t i = 0; i < n_in; ++i) row[size_t(i)] = W.at(j * n_in + i);
      w_rows.push_back(row);
      b_rows.push_back(json::array({b.at(j)}));
    }
    weights.push_back(std::move(w_rows));
    biases.push_back(std::move(b_rows));
  }
  json doc = {{"sizes", sizes_}, {"weights", weights}, {"biases", biases}, {"cost", cost_class_name(cost_)}};
  if (activation_ != Activation::Sigmoid) doc["activation"] = activation_name(activation_);
  write_file_atomically(path, doc.dump(), "Network::save");
}

Network Network::load(const std::string& path) {
  Network2File file = read_network2_file(path);
  Cost cost;
  try {
    cost = cost_from_name(file.cost);
  } catch (const ValueError& e) {
    bad_network2_file(path, "cost", e.what());
  }
  Activation activation = Activation::Sigmoid;
  if (!file.activation.empty()) {
    try {
      activation = activation_from_name(file.activation);
    } catch (const ValueError& e) {
      bad_network2_file(path, "activation", e.what());
    }
  }
  Network net(file.sizes, cost, 12345678, activation);  // random draws are overwritten below
  for (size_t l = 0; l < net.layers_.size(); ++l) {
    net.layers_[l].W.set_value(file.weights[l]);
    net.layers_[l].b.set_value(file.biases[l]);
  }
  return net;
}

}  // namespace nabla::nn
