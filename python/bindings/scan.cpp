// nabla._nabla._scan: the C++ scan, called by nabla.scan (python/nabla/scan_module.py),
// which turns Theano's argument forms into these plain lists.
#include "bindings.hpp"

namespace nabla::python {

void bind_scan(py::module_& m) {
  m.def("_scan", [](py::function step, const std::vector<std::pair<Var, std::vector<int>>>& sequences,
                    const std::vector<std::pair<std::optional<Var>, std::vector<int>>>& outputs_info,
                    const std::vector<Var>& non_sequences, py::object n_steps, bool go_backwards,
                    int truncate_gradient) {
    AtUser at;
    std::vector<ScanSequence> seqs;
    for (const auto& s : sequences) seqs.emplace_back(s.first, s.second);
    std::vector<ScanOutput> outs;
    for (const auto& o : outputs_info)
      outs.push_back(o.first ? ScanOutput(*o.first, o.second) : ScanOutput::none());
    Dim steps(int64_t(-1));
    if (!n_steps.is_none()) {
      if (py::isinstance<Var>(n_steps)) steps = Dim(n_steps.cast<Var>());
      else steps = Dim(n_steps.cast<int64_t>());
    }
    ScanStep fn = [&step](const std::vector<Var>& args) {
      py::list a;
      for (const Var& v : args) a.append(v);
      return step(*a).cast<std::vector<Var>>();
    };
    ScanResult r = scan(fn, seqs, outs, non_sequences, steps, go_backwards, truncate_gradient, at.loc);
    return py::make_tuple(r.outputs, r.updates);
  }, py::arg("step"), py::arg("sequences"), py::arg("outputs_info"), py::arg("non_sequences"),
     py::arg("n_steps"), py::arg("go_backwards"), py::arg("truncate_gradient"));
}

}  // namespace nabla::python
