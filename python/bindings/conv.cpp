// Convolution, max pooling and the fused softmax cross-entropy (ops/conv.cpp,
// ops/pool.cpp, ops/nnet_xent.cpp). Their gradient ops are bound too, so tests
// can check them like any other op.
#include "bindings.hpp"
#include "ops/nnet_ops.hpp"

namespace nabla::python {

void bind_conv(py::module_& m) {
  m.def("conv2d", [](const Var& x, const Var& f, bool flip) { AtUser at; return conv2d(x, f, flip, at.loc); },
        py::arg("input"), py::arg("filters"), py::arg("flip") = true,
        "valid 2-D convolution, stride 1: (N,C,H,W) * (K,C,kh,kw) -> (N,K,H-kh+1,W-kw+1); "
        "flip=True is Theano's conv2d, flip=False cross-correlation");
  m.def("conv2d_grad_input", [](const Var& g, const Var& f, bool flip) {
    AtUser at;
    return conv2d_grad_input(g, f, flip, at.loc);
  }, py::arg("gout"), py::arg("filters"), py::arg("flip") = true);
  m.def("conv2d_grad_filters", [](const Var& x, const Var& g, bool flip) {
    AtUser at;
    return conv2d_grad_filters(x, g, flip, at.loc);
  }, py::arg("input"), py::arg("gout"), py::arg("flip") = true);
  m.def("pool_2d", [](const Var& x, const std::vector<int>& ws, bool ignore_border) {
    AtUser at;
    return pool_2d(x, ws, ignore_border, at.loc);
  }, py::arg("x"), py::arg("ws"), py::arg("ignore_border"),
     "max pooling of the last two axes over non-overlapping ws windows");
  m.def("avg_pool_2d", [](const Var& x, const std::vector<int>& ws, bool ignore_border) {
    AtUser at;
    return avg_pool_2d(x, ws, ignore_border, at.loc);
  }, py::arg("x"), py::arg("ws"), py::arg("ignore_border"),
     "average pooling of the last two axes over non-overlapping ws windows (a composition)");
  m.def("max_pool_grad", [](const Var& x, const Var& g, const std::vector<int>& ws, bool ignore_border) {
    AtUser at;
    return max_pool_grad(x, g, ws, ignore_border, at.loc);
  }, py::arg("x"), py::arg("gout"), py::arg("ws"), py::arg("ignore_border"));
  m.def("max_pool_select", [](const Var& x, const Var& h, const std::vector<int>& ws, bool ignore_border) {
    AtUser at;
    return max_pool_select(x, h, ws, ignore_border, at.loc);
  }, py::arg("x"), py::arg("h"), py::arg("ws"), py::arg("ignore_border"));
  m.def("softmax_xent", [](const Var& z, const Var& labels) { AtUser at; return softmax_xent(z, labels, at.loc); },
        "-log(softmax(z))[arange(n), labels], stable");
  m.def("softmax_xent_grad", [](const Var& z, const Var& labels, const Var& g) {
    AtUser at;
    return softmax_xent_grad(z, labels, g, at.loc);
  });
  m.def("class_labels", [](const Var& labels, const Var& z, const std::string& what) {
    AtUser at;
    return class_labels(labels, z, what, at.loc);
  }, "labels unchanged, checked at run time to be class indices of z's rows (an IndexError naming `what`)");
}

}  // namespace nabla::python
