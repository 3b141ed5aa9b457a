// What pickling a built-in nabla.nn layer needs (nabla/nn/_pickling.py does the
// rest): its constructor arguments and its shared variables, and a way to put
// the unpickled shared variables back into a newly built layer, so a function
// and the layer loaded together keep sharing them.
#include "bindings.hpp"
#include "nn/activation.hpp"
#include "nn/layers.hpp"

namespace nabla::python {

namespace {

py::tuple shape_of(const int64_t* d, size_t n) {
  py::tuple t(n);
  for (size_t i = 0; i < n; ++i) t[i] = d[i];
  return t;
}

// (kind, constructor keyword arguments, params); None for a layer written in Python.
py::object layer_state(const std::shared_ptr<nn::Layer>& layer) {
  py::dict kw;
  const char* kind = nullptr;
  if (auto* s = dynamic_cast<nn::Softmax*>(layer.get())) {
    kind = "Softmax";
    kw["n_in"] = s->n_in();
    kw["n_out"] = s->n_out();
    kw["p_dropout"] = s->p_dropout();
  } else if (auto* f = dynamic_cast<nn::FullyConnected*>(layer.get())) {
    kind = "FullyConnected";
    kw["n_in"] = f->n_in();
    kw["n_out"] = f->n_out();
    kw["activation"] = nn::activation_name(f->activation());
    kw["p_dropout"] = f->p_dropout();
  } else if (auto* c = dynamic_cast<nn::Conv2D*>(layer.get())) {
    auto* cp = dynamic_cast<nn::ConvPool*>(layer.get());
    kind = cp ? "ConvPool" : "Conv2D";
    kw["filter_shape"] = shape_of(c->filter_shape.data(), 4);
    kw["image_shape"] = shape_of(c->image_shape.data(), 4);
    kw["activation"] = nn::activation_name(c->activation);
    kw["flip"] = c->flip;
    if (cp) kw["poolsize"] = shape_of(cp->poolsize.data(), 2);
  } else if (auto* p = dynamic_cast<nn::MaxPool2D*>(layer.get())) {
    kind = "MaxPool2D";
    kw["poolsize"] = shape_of(p->poolsize.data(), 2);
  } else {
    return py::none();
  }
  return py::make_tuple(kind, kw, layer->params());
}

void set_layer_params(const std::shared_ptr<nn::Layer>& layer, const std::vector<Var>& params) {
  const std::vector<Var> own = layer->params();
  if (own.size() != params.size())
    throw ValueError("nabla: cannot unpickle " + layer->describe() + ": it has " + std::to_string(own.size()) +
                     " params, the pickle " + std::to_string(params.size()));
  for (size_t k = 0; k < own.size(); ++k)
    if (!(params[k].type() == own[k].type()) || params[k].role() != Role::Shared)
      throw ValueError("nabla: cannot unpickle " + layer->describe() + ": param " + std::to_string(k) + " is " +
                       params[k].type().str() + ", the layer needs a shared " + own[k].type().str());
  if (auto* f = dynamic_cast<nn::FullyConnected*>(layer.get())) {
    f->W = params[0];
    f->b = params[1];
  } else if (auto* c = dynamic_cast<nn::Conv2D*>(layer.get())) {
    c->w = params[0];
    c->b = params[1];
  }
}

}  // namespace

void bind_nn_pickling(py::module_& nn) {
  nn.def("_layer_state", &layer_state, "(kind, constructor kwargs, params) of a built-in layer, else None.");
  nn.def("_set_layer_params", &set_layer_params, "Puts unpickled shared variables into a built-in layer.");
}

}  // namespace nabla::python
