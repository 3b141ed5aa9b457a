// Costs as functions on Vars (nn/costs.hpp): each returns the mean over rows
// of a per-example cost, so they mix with costs and penalties written in Python.
#include "bindings.hpp"
#include "nn/costs.hpp"
#include "nn_names.hpp"

namespace nabla::python {

void bind_nn_costs(py::module_& nn) {
  nn.def("quadratic_cost", [](const Var& a, const Var& y) { AtUser at; return nn::quadratic_cost(a, y); },
         py::arg("a"), py::arg("y"), "mean over rows of 0.5 * ||a - y||^2 (y one-hot rows)");
  nn.def("cross_entropy_cost", [](const Var& a, const Var& y) { AtUser at; return nn::cross_entropy_cost(a, y); },
         py::arg("a"), py::arg("y"),
         "mean over rows of sum_j -(y ln a + (1-y) ln(1-a)); stable when a is sigmoid(z)");
  nn.def("log_likelihood_cost",
         [](const Var& a, const Var& labels) { AtUser at; return nn::log_likelihood_cost(a, labels); },
         py::arg("a"), py::arg("labels"), "-mean ln a[x, label_x] (integer labels); stable when a is softmax(z)");
  nn.def("l2_norm_squared", [](const std::vector<Var>& w) { AtUser at; return nn::l2_norm_squared(w); },
         py::arg("weights"), "sum of w^2 over a list of weight Vars");
  nn.def("l1_norm", [](const std::vector<Var>& w) { AtUser at; return nn::l1_norm(w); }, py::arg("weights"),
         "sum of |w| over a list of weight Vars");
  nn.def("cost_expr", [](py::handle cost, const Var& a, const Var& y) {
    AtUser at;
    return nn::cost_expr(cost_from(cost), a, y);
  }, py::arg("cost"), py::arg("a"), py::arg("y"), "A built-in cost by name (y: one-hot, or labels for log-likelihood).");
  nn.def("cost_class_name", [](py::handle cost) { return std::string(nn::cost_class_name(cost_from(cost))); },
         py::arg("cost"), "network2's class name of a cost: 'CrossEntropyCost', ...");
}

}  // namespace nabla::python
