// network2.py's JSON model files: {"sizes", "weights", "biases", "cost"}, with
// weights as n_out x n_in nested lists (our W's own layout) and biases as
// n_out x 1 columns. A non-sigmoid network adds "activation", which
// network2.load ignores.
#include <cmath>
#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "nn/book/network2_internal.hpp"

namespace nabla::nn {

using json = nlohmann::json;

namespace {

// Load errors name the file and the field.
[[noreturn]] void bad(const std::string& path, const std::string& field, const std::string& what) {
  throw ValueError("nabla: Network::load(\"" + path + "\"): " + (field.empty() ? "" : "field \"" + field + "\" ") +
                   what);
}

const json& field(const json& doc, const char* name, const std::string& path) {
  auto it = doc.find(name);
  if (it == doc.end()) bad(path, name, "is missing (a network2 file has sizes, weights, biases and cost)");
  return *it;
}

// A rows x cols nested list of numbers at `where`, row by row into `out`.
void read_matrix(const json& value, int64_t rows, int64_t cols, const std::string& path, const std::string& where,
                 const std::function<void(int64_t, int64_t, double)>& out) {
  if (!value.is_array() || int64_t(value.size()) != rows)
    bad(path, where, "must be a list of " + std::to_string(rows) + " rows, got " +
                         (value.is_array() ? std::to_string(value.size()) + " rows" : std::string(value.type_name())));
  for (int64_t r = 0; r < rows; ++r) {
    const json& row = value[size_t(r)];
    const std::string at = where + "[" + std::to_string(r) + "]";
    if (!row.is_array() || int64_t(row.size()) != cols)
      bad(path, at, "must be a list of " + std::to_string(cols) + " numbers, got " +
                        (row.is_array() ? std::to_string(row.size()) + " entries" : std::string(row.type_name())));
    for (int64_t k = 0; k < cols; ++k) {
      const json& v = row[size_t(k)];
      if (!v.is_number()) bad(path, at + "[" + std::to_string(k) + "]", "is not a number (" + std::string(v.type_name()) + ")");
      out(r, k, v.get<double>());
    }
  }
}

}  // namespace

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
  std::ifstream f(path);
  if (!f) bad(path, "", "cannot open the file (missing or unreadable)");
  json doc;
  try {
    doc = json::parse(f);
  } catch (const json::parse_error& e) {
    bad(path, "", std::string("is not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) bad(path, "", "must hold a JSON object, got " + std::string(doc.type_name()));

  const json& sizes_json = field(doc, "sizes", path);
  std::vector<int64_t> sizes;
  if (!sizes_json.is_array() || sizes_json.size() < 2)
    bad(path, "sizes", "must be a list of at least two layer sizes");
  for (const json& s : sizes_json) {
    if (!s.is_number_integer() || s.get<int64_t>() <= 0) bad(path, "sizes", "must hold positive integers, got " + s.dump());
    sizes.push_back(s.get<int64_t>());
  }
  const json& cost_json = field(doc, "cost", path);
  if (!cost_json.is_string()) bad(path, "cost", "must be a string such as \"CrossEntropyCost\"");
  Cost cost;
  try {
    cost = cost_from_name(cost_json.get<std::string>());
  } catch (const ValueError& e) {
    bad(path, "cost", e.what());
  }
  Activation activation = Activation::Sigmoid;
  if (doc.contains("activation")) {
    if (!doc["activation"].is_string()) bad(path, "activation", "must be a string such as \"sigmoid\"");
    try {
      activation = activation_from_name(doc["activation"].get<std::string>());
    } catch (const ValueError& e) {
      bad(path, "activation", e.what());
    }
  }
  const json& weights = field(doc, "weights", path);
  const json& biases = field(doc, "biases", path);
  const size_t n_layers = sizes.size() - 1;
  if (!weights.is_array() || weights.size() != n_layers)
    bad(path, "weights", "must be a list of " + std::to_string(n_layers) + " matrices (one per layer after the input)");
  if (!biases.is_array() || biases.size() != n_layers)
    bad(path, "biases", "must be a list of " + std::to_string(n_layers) + " columns (one per layer after the input)");

  Network net(sizes, cost, 12345678, activation);  // random draws are overwritten below
  for (size_t l = 0; l < n_layers; ++l) {
    FullyConnected& layer = net.layers_[l];
    const int64_t n_in = sizes[l], n_out = sizes[l + 1];
    Tensor W(DType::Float32, {n_out, n_in}), b(DType::Float32, {n_out});
    read_matrix(weights[l], n_out, n_in, path, "weights[" + std::to_string(l) + "]",
                [&](int64_t j, int64_t i, double v) { W.set(j * n_in + i, v); });
    read_matrix(biases[l], n_out, 1, path, "biases[" + std::to_string(l) + "]",
                [&](int64_t j, int64_t, double v) { b.set(j, v); });
    layer.W.set_value(W);
    layer.b.set_value(b);
  }
  return net;
}

}  // namespace nabla::nn
