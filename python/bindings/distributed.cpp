// nabla._nabla.distributed: the MPI runtime (core/distributed) and the
// collective ops, wrapped by the nabla.distributed package module.
#include "bindings.hpp"
#include "core/distributed.hpp"

namespace nabla::python {

void bind_distributed(py::module_& m) {
  namespace d = distributed;
  m.def("built_with_mpi", &d::built_with_mpi);
  m.def("rank", &d::rank, "this process's rank (0 when not under mpirun)");
  m.def("size", &d::size, "the number of processes (1 when not under mpirun)");
  m.def("describe", &d::describe);
  m.def("abort_job", [](const std::string& why) { d::abort_job(why, 1); }, py::arg("why"));
  m.def("stats", [] { return py::make_tuple(d::stats().calls, d::stats().bytes); },
        "(collective calls, bytes this rank sent) since the last reset_stats()");
  m.def("reset_stats", &d::reset_stats);
  m.def("allreduce", [](const Var& x, const std::string& op) { AtUser at; return allreduce(x, op, at.loc); },
        py::arg("x"), py::arg("op") = "sum");
  m.def("broadcast", [](const Var& x, int root) { AtUser at; return broadcast(x, root, at.loc); }, py::arg("x"),
        py::arg("root") = 0);
  m.def("reduce_to_root", [](const Var& x, int root) { AtUser at; return reduce_to_root(x, root, at.loc); },
        py::arg("x"), py::arg("root") = 0);
  m.def("broadcast_value", [](Var v, int root) {
    if (v.role() != Role::Shared) throw ValueError("nabla: broadcast_value takes shared variables, got " + v.label());
    Tensor t = v.value_ref().copy();
    {
      py::gil_scoped_release release;
      d::broadcast(t, root);
    }
    v.set_value(t);
  }, py::arg("var"), py::arg("root") = 0);
  m.def("allreduce_value", [](py::handle value, const std::string& op) {
    Tensor t = tensor_from_array(value);
    if (op != "sum" && op != "mean") throw ValueError("nabla: allreduce: op must be \"sum\" or \"mean\", got \"" + op + "\"");
    {
      py::gil_scoped_release release;
      d::allreduce(t, op == "sum" ? d::Reduce::Sum : d::Reduce::Mean);
    }
    return array_from_tensor(t);
  }, py::arg("value"), py::arg("op") = "sum");
  // A context manager: inside, this thread sees one process (rank 0 of 1).
  py::class_<d::LocalScope>(m, "_LocalScope");
  m.def("_enter_local", [] { return new d::LocalScope(); }, py::return_value_policy::take_ownership);
}

}  // namespace nabla::python
