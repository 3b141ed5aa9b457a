// Data sets for Python (nn/datasets.hpp): Split holds images and labels as
// nabla Tensors, shown to Python as numpy views (no copy); the MNIST and
// Fashion-MNIST loaders run without the GIL.
#include "bindings.hpp"
#include "nn/datasets.hpp"
#include "nn/book/network2.hpp"

namespace nabla::python {

namespace {

using nn::Split;

std::string type_of(const py::array& a) {
  std::string shape = "(";
  for (py::ssize_t i = 0; i < a.ndim(); ++i) shape += (i ? ", " : "") + std::to_string(a.shape(i));
  return a.dtype().attr("name").cast<std::string>() + " array of shape " + shape + (a.ndim() == 1 ? ",)" : ")");
}

// x: a float matrix, one example per row, stored as float32.
Tensor images_from(py::handle value) {
  py::array a = py::module_::import("numpy").attr("asarray")(value);
  if (a.dtype().kind() != 'f')
    throw TypeError("nabla: Split: x must hold floats (one example per row), got a " + type_of(a) +
                    (a.dtype().kind() == 'u' ? " (scale bytes to [0, 1) first, e.g. x / 256)" : ""));
  if (a.ndim() != 2) throw ShapeError("nabla: Split: x must be a matrix (one example per row), got a " + type_of(a));
  return tensor_from_array(py::module_::import("numpy").attr("ascontiguousarray")(a, "float32"));
}

// y: integer class labels, one per row of x.
Tensor labels_from(py::handle value, int64_t rows) {
  py::array a = py::module_::import("numpy").attr("asarray")(value);
  if (a.dtype().kind() != 'i' && a.dtype().kind() != 'u')
    throw TypeError("nabla: Split: y must hold integer class labels, got a " + type_of(a));
  if (a.ndim() != 1) throw ShapeError("nabla: Split: y must be a vector of labels, got a " + type_of(a));
  if (a.shape(0) != rows)
    throw ShapeError("nabla: Split: x has " + std::to_string(rows) + " rows but y has " + std::to_string(a.shape(0)) +
                     " labels");
  py::array wide = py::module_::import("numpy").attr("ascontiguousarray")(a, "int64");
  py::array narrow = py::module_::import("numpy").attr("ascontiguousarray")(a, "int32");
  if (!py::module_::import("numpy").attr("array_equal")(wide, narrow).cast<bool>())
    throw ValueError("nabla: Split: a label does not fit in int32");
  return tensor_from_array(narrow);
}

py::object load_with(nn::MnistData (*load)(const std::string&, int64_t), const std::string& dir, int64_t training_size) {
  if (training_size < 0 || training_size > 50000)
    throw ValueError("nabla: training_size must be in 0..50000, got " + std::to_string(training_size));
  nn::MnistData data;
  {
    py::gil_scoped_release release;
    data = load(dir, training_size);
  }
  return py::make_tuple(data.training, data.validation, data.test);
}

}  // namespace

void bind_data(py::module_& nn) {
  py::class_<Split>(nn, "Split", "Images x (float32, one row per example) and integer labels y (int32).")
      .def(py::init([](py::handle x, py::handle y) {
        Split s;
        s.x = images_from(x);
        s.y = labels_from(y, s.x.shape()[0]);
        return s;
      }), py::arg("x"), py::arg("y"), "Copies x (as float32) and y (as int32).")
      .def_property_readonly("x", [](const Split& s) { return array_view_of(s.x); },
                             "The images, float32 (n, pixels): a view of nabla's buffer.")
      .def_property_readonly("y", [](const Split& s) { return array_view_of(s.y); },
                             "The labels, int32 (n,): a view of nabla's buffer.")
      .def("__len__", &Split::size);

  nn.def("default_mnist_dir", &nn::default_mnist_dir, "$NABLA_DATA/mnist, else <source>/data/mnist.");
  nn.def("default_fashion_mnist_dir", &nn::default_fashion_mnist_dir);
  nn.def("load_mnist", [](const std::string& dir, int64_t n) { return load_with(&nn::load_mnist, dir, n); },
         py::arg("dir"), py::arg("training_size") = 50000, "(training, validation, test) Splits.");
  nn.def("load_fashion_mnist",
         [](const std::string& dir, int64_t n) { return load_with(&nn::load_fashion_mnist, dir, n); },
         py::arg("dir"), py::arg("training_size") = 50000);
  nn.def("read_idx", [](const std::string& path) {
    nn::IdxData d;
    {
      py::gil_scoped_release release;
      d = nn::read_idx(path);
    }
    py::array_t<uint8_t> out(std::vector<py::ssize_t>(d.dims.begin(), d.dims.end()));
    std::copy(d.bytes.begin(), d.bytes.end(), out.mutable_data());
    return out;
  }, py::arg("path"), "An IDX file (plain or gzipped) as a uint8 numpy array.");
  nn.def("one_hot", [](py::handle labels, int64_t classes) {
    return array_from_tensor(nn::one_hot(tensor_from_array(labels), classes));
  }, py::arg("labels"), py::arg("classes"), "One-hot float32 rows (n, classes) from integer labels.");
}

}  // namespace nabla::python
