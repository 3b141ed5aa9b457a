// Theano's RandomStreams: every draw is a Var whose state lives in a shared
// variable that advances on each call of a compiled function.
#include "bindings.hpp"
#include "ops/random_streams_state.hpp"

namespace nabla::python {

void bind_random(py::module_& m) {
  py::class_<RandomStreams>(m, "RandomStreams", "Random draws as graph nodes; same seed, same sequence.")
      .def(py::init([](py::handle seed) { return RandomStreams(py::int_(py::reinterpret_borrow<py::object>(seed)).cast<uint64_t>()); }),
           py::arg("seed") = 12345)
      .def("uniform", [](RandomStreams& r, py::handle size, double low, double high, py::handle dtype) {
        AtUser at;
        return r.uniform(to_dims(size), low, high, dtype_from_object(dtype), at.loc);
      }, py::arg("size"), py::arg("low"), py::arg("high"), py::arg("dtype"))
      .def("normal", [](RandomStreams& r, py::handle size, double mean, double std, py::handle dtype) {
        AtUser at;
        return r.normal(to_dims(size), mean, std, dtype_from_object(dtype), at.loc);
      }, py::arg("size"), py::arg("avg"), py::arg("std"), py::arg("dtype"))
      .def("binomial", [](RandomStreams& r, py::handle size, int64_t n, double p, py::handle dtype) {
        AtUser at;
        return r.binomial(to_dims(size), n, p, dtype_from_object(dtype), at.loc);
      }, py::arg("size"), py::arg("n"), py::arg("p"), py::arg("dtype"))
      .def("seed", [](RandomStreams& r, py::handle seed) {
        RunLock lock;
        r.seed(py::int_(py::reinterpret_borrow<py::object>(seed)).cast<uint64_t>());
      }, "Reseeds every stream drawn from this object.");
  m.def("_stream_seed", &random_stream_seed, py::arg("seed"), py::arg("k"),
        "The seed of the k-th stream of RandomStreams(seed) (its state is [that seed, 0]).");
}

}  // namespace nabla::python
