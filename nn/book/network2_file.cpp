// network2.py's JSON model files: {"sizes", "weights", "biases", "cost"}, with
// weights as n_out x n_in nested lists (our W's own layout) and biases as
// n_out x 1 columns. A non-sigmoid network adds "activation", which
// network2.load ignores.
#include "nn/book/network2_file.hpp"

#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace nabla::nn {

using json = nlohmann::json;

void bad_network2_file(const std::string& path, const std::string& field, const std::string& what) {
  throw ValueError("nabla: Network::load(\"" + path + "\"): " + (field.empty() ? "" : "field \"" + field + "\" ") +
                   what);
}

namespace {

const json& field(const json& doc, const char* name, const std::string& path) {
  auto it = doc.find(name);
  if (it == doc.end()) bad_network2_file(path, name, "is missing (a network2 file has sizes, weights, biases and cost)");
  return *it;
}

// Checks that `value` is a rows x cols nested list of numbers.
void check_matrix(const json& value, int64_t rows, int64_t cols, const std::string& path, const std::string& where) {
  if (!value.is_array() || int64_t(value.size()) != rows)
    bad_network2_file(path, where, "must be a list of " + std::to_string(rows) + " rows, got " +
                                       (value.is_array() ? std::to_string(value.size()) + " rows"
                                                         : std::string(value.type_name())));
  for (int64_t r = 0; r < rows; ++r) {
    const json& row = value[size_t(r)];
    const std::string at = where + "[" + std::to_string(r) + "]";
    if (!row.is_array() || int64_t(row.size()) != cols)
      bad_network2_file(path, at, "must be a list of " + std::to_string(cols) + " numbers, got " +
                                      (row.is_array() ? std::to_string(row.size()) + " entries"
                                                      : std::string(row.type_name())));
    for (int64_t k = 0; k < cols; ++k)
      if (!row[size_t(k)].is_number())
        bad_network2_file(path, at + "[" + std::to_string(k) + "]",
                          "is not a number (" + std::string(row[size_t(k)].type_name()) + ")");
  }
}

// The checked matrix as a float32 tensor of `shape` (allocated only now that
// the file is known to hold every value).
Tensor read_matrix(const json& value, int64_t rows, int64_t cols, const Shape& shape, const std::string& path,
                   const std::string& where) {
  check_matrix(value, rows, cols, path, where);
  Tensor t(DType::Float32, shape);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t k = 0; k < cols; ++k) t.set(r * cols + k, value[size_t(r)][size_t(k)].get<double>());
  return t;
}

}  // namespace

Network2File read_network2_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) bad_network2_file(path, "", "cannot open the file (missing or unreadable)");
  json doc;
  try {
    doc = json::parse(f);
  } catch (const json::exception& e) {
    bad_network2_file(path, "", std::string("is not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) bad_network2_file(path, "", "must hold a JSON object, got " + std::string(doc.type_name()));

  Network2File file;
  const json& sizes_json = field(doc, "sizes", path);
  if (!sizes_json.is_array() || sizes_json.size() < 2)
    bad_network2_file(path, "sizes", "must be a list of at least two layer sizes");
  for (const json& s : sizes_json) {
    if (!s.is_number_integer() || s.get<int64_t>() <= 0)
      bad_network2_file(path, "sizes", "must hold positive integers, got " + s.dump());
    file.sizes.push_back(s.get<int64_t>());
  }
  const json& cost_json = field(doc, "cost", path);
  if (!cost_json.is_string()) bad_network2_file(path, "cost", "must be a string such as \"CrossEntropyCost\"");
  file.cost = cost_json.get<std::string>();
  if (doc.contains("activation")) {
    if (!doc["activation"].is_string()) bad_network2_file(path, "activation", "must be a string such as \"sigmoid\"");
    file.activation = doc["activation"].get<std::string>();
  }
  const json& weights = field(doc, "weights", path);
  const json& biases = field(doc, "biases", path);
  const size_t n_layers = file.sizes.size() - 1;
  if (!weights.is_array() || weights.size() != n_layers)
    bad_network2_file(path, "weights",
                      "must be a list of " + std::to_string(n_layers) + " matrices (one per layer after the input)");
  if (!biases.is_array() || biases.size() != n_layers)
    bad_network2_file(path, "biases",
                      "must be a list of " + std::to_string(n_layers) + " columns (one per layer after the input)");
  for (size_t l = 0; l < n_layers; ++l) {
    const int64_t n_in = file.sizes[l], n_out = file.sizes[l + 1];
    file.weights.push_back(
        read_matrix(weights[l], n_out, n_in, Shape{n_out, n_in}, path, "weights[" + std::to_string(l) + "]"));
    file.biases.push_back(read_matrix(biases[l], n_out, 1, Shape{n_out}, path, "biases[" + std::to_string(l) + "]"));
  }
  return file;
}

}  // namespace nabla::nn
