#include "speed_of_learning.hpp"

#include "tensor_rows.hpp"

namespace book {

using namespace nabla;

SpeedOfLearning::SpeedOfLearning(const std::vector<int64_t>& sizes, uint64_t seed, const nn::Split& training, int64_t n)
    : net_(sizes, nn::Cost::CrossEntropy, seed), n_(n), hidden_(sizes.size() - 2) {
  // The images live in shared variables, so each call runs on them with no copying.
  Var X = shared(rows(training.x, 0, n), "x[:n]");
  Var Y = shared(nn::one_hot(rows(training.y, 0, n), sizes.back()), "y[:n]");
  Var a = X;
  for (auto& layer : net_.layers()) a = layer(a);
  Var cost = nn::cross_entropy_cost(a, Y);  // mean over the n images: the average gradient

  std::vector<Var> params = net_.params();  // W1, b1, W2, b2, ...
  std::vector<Var> g = grad(cost, params);
  std::vector<Var> outputs;  // ||delta^l|| for the hidden layers, then delta^l
  for (size_t l = 0; l < hidden_; ++l) outputs.push_back(sqrt(sum(sqr(g[2 * l + 1]))));
  for (size_t l = 0; l < hidden_; ++l) outputs.push_back(g[2 * l + 1]);
  measure_ = function({}, outputs);

  Var eta = shared(Tensor::scalar<float>(0.1f), "eta"), decay = shared(Tensor::scalar<float>(1.0f), "decay");
  Updates updates;
  for (size_t k = 0; k < params.size(); ++k) {
    const bool weight = k % 2 == 0;
    updates.push_back({params[k], (weight ? decay * params[k] : params[k]) - eta * g[k]});
  }
  step_ = function({}, std::vector<Var>(outputs.begin(), outputs.begin() + long(hidden_)), updates);
  eta_ = eta;
  decay_ = decay;
}

std::vector<double> SpeedOfLearning::norms() {
  const auto& out = measure_();
  std::vector<double> r;
  for (size_t l = 0; l < hidden_; ++l) r.push_back(out[l].item());
  return r;
}

std::vector<std::vector<double>> SpeedOfLearning::gradients() {
  const auto& out = measure_();
  std::vector<std::vector<double>> r;
  for (size_t l = 0; l < hidden_; ++l) r.push_back(out[hidden_ + l].to_vector());
  return r;
}

std::vector<double> SpeedOfLearning::step(double eta, double lmbda) {
  eta_.set_value(Tensor::scalar<float>(float(eta)));
  decay_.set_value(Tensor::scalar<float>(float(1.0 - eta * lmbda / double(n_))));
  const auto& out = step_();
  std::vector<double> r;
  for (size_t l = 0; l < hidden_; ++l) r.push_back(out[l].item());
  return r;
}

}  // namespace book
