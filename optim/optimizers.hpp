// Optimizers as symbolic updates: each returns the (param, new value) pairs a
// compiled function applies after every call. The learning rate and any state
// (velocities, moment estimates, step count) are shared variables, so a
// schedule changes eta without recompiling.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/function.hpp"
#include "core/var.hpp"

namespace nabla::optim {

class Optimizer {
 public:
  explicit Optimizer(double learning_rate);
  virtual ~Optimizer() = default;
  // Updates for params given grads (same order, same shapes); call once per
  // compiled function. Creates the optimizer's state variables.
  virtual Updates updates(const std::vector<Var>& params, const std::vector<Var>& grads) = 0;
  // The same with closed-form gradient terms: extra_grads[k] is added to
  // grads[k], and weight_decay[k] (a scalar d) adds d * params[k] (undefined
  // entries or shorter lists: none). SGD applies both in front of the gradient
  // step, as network2 writes it, so the step stays one GEMM.
  virtual Updates updates(const std::vector<Var>& params, const std::vector<Var>& grads,
                          const std::vector<Var>& extra_grads, const std::vector<Var>& weight_decay = {});
  virtual std::string name() const = 0;
  // Zeroes velocities / moments / step count (e.g. after re-initializing the net).
  virtual void reset_state();

  void set_learning_rate(double eta);
  double learning_rate() const;
  const Var& learning_rate_var() const { return eta_; }  // float32 shared scalar

 protected:
  Var eta_;
  std::vector<Var> state_;  // every state shared variable, for reset_state()
  Var make_state(const Var& like, const std::string& name);  // zeros shaped like a param
};

// p <- p - eta g
class SGD : public Optimizer {
 public:
  explicit SGD(double eta) : Optimizer(eta) {}
  Updates updates(const std::vector<Var>& params, const std::vector<Var>& grads) override;
  // p <- (p (1 - eta d) - eta e) - eta g
  Updates updates(const std::vector<Var>& params, const std::vector<Var>& grads,
                  const std::vector<Var>& extra_grads, const std::vector<Var>& weight_decay = {}) override;
  std::string name() const override { return "sgd"; }
};

// The book's momentum (ch3): v <- mu v - eta g; p <- p + v
class Momentum : public Optimizer {
 public:
  Momentum(double eta, double mu);
  Updates updates(const std::vector<Var>& params, const std::vector<Var>& grads) override;
  std::string name() const override { return "momentum"; }
  double mu;
};

// Nesterov momentum (the "look-ahead" form on the current params):
// v <- mu v - eta g; p <- p + mu v_new - eta g
class Nesterov : public Optimizer {
 public:
  Nesterov(double eta, double mu);
  Updates updates(const std::vector<Var>& params, const std::vector<Var>& grads) override;
  std::string name() const override { return "nesterov"; }
  double mu;
};

// r <- r + g^2; p <- p - eta g / (sqrt(r) + eps)
class Adagrad : public Optimizer {
 public:
  explicit Adagrad(double eta, double eps = 1e-8);
  Updates updates(const std::vector<Var>& params, const std::vector<Var>& grads) override;
  std::string name() const override { return "adagrad"; }
  double eps;
};

// r <- rho r + (1-rho) g^2; p <- p - eta g / (sqrt(r) + eps)
class RMSProp : public Optimizer {
 public:
  explicit RMSProp(double eta, double rho = 0.9, double eps = 1e-8);
  Updates updates(const std::vector<Var>& params, const std::vector<Var>& grads) override;
  std::string name() const override { return "rmsprop"; }
  double rho, eps;
};

// Kingma & Ba with bias correction: t <- t+1; m <- b1 m + (1-b1) g; v <- b2 v + (1-b2) g^2;
// p <- p - eta * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)
class Adam : public Optimizer {
 public:
  explicit Adam(double eta = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8);
  Updates updates(const std::vector<Var>& params, const std::vector<Var>& grads) override;
  std::string name() const override { return "adam"; }
  double beta1, beta2, eps;
};

// By name ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"); `mu`
// is used by the momentum kinds. Unknown names throw ValueError listing them.
std::shared_ptr<Optimizer> make_optimizer(const std::string& name, double eta, double mu = 0.9);

}  // namespace nabla::optim
