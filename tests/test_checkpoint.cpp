// Resumable training: a run checkpointed after epoch k and resumed by NEW
// objects ends bit for bit where the uninterrupted run does (a Trainer with
// dropout and Adam; network2's shuffled SGD with a tail batch and L2); broken,
// truncated and mismatched checkpoints are refused naming the file and the
// field, and a failed save leaves the previous checkpoint byte-identical.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "nabla.hpp"
#include "nn/nn.hpp"
#include "optim/checkpoint.hpp"

using namespace nabla;
namespace fs = std::filesystem;

namespace {

std::string temp_path(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("nabla_test_checkpoint_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return (dir / name).string();
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// Three noisy blobs in 6 dimensions.
void blobs(int64_t n, Tensor& X, Tensor& y) {
  std::mt19937 gen(11);
  std::normal_distribution<float> noise(0.0f, 0.7f);
  X = Tensor(DType::Float32, {n, 6});
  y = Tensor(DType::Int32, {n});
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t d = 0; d < 6; ++d) X.data<float>()[i * 6 + d] = (d % 3 == i % 3 ? 2.0f : 0.0f) + noise(gen);
    y.data<int32_t>()[i] = int32_t(i % 3);
  }
}

// A dropout network trained by Adam on shuffled mini-batches, built afresh
// each time (same seeds): what a restarted process would build.
struct DropoutModel {
  explicit DropoutModel(int64_t hidden = 10) : srng(99) {
    Tensor X, y;
    blobs(200, X, y);
    data = optim::share_data(X, y, "blobs");
    nn::Rng rng(5);
    auto fc = std::make_shared<nn::FullyConnected>(6, hidden, nn::Activation::ReLU, 0.3, "fc1");
    auto out = std::make_shared<nn::Softmax>(hidden, 3, 0.2);
    layers = {fc, out};
    for (auto& l : layers) l->initialize(rng, nn::Init::Default);
    nn::LayerContext ctx{-1, &srng};
    Var x = matrix("x"), labels = ivector("y");
    const nn::Paths a = nn::apply_layers(layers, nn::Paths::same(x), ctx);
    optim::Objective o{x, labels, nn::log_likelihood_cost(a.train, labels), nn::params_of(layers), {}, {}};
    optim::TrainerOptions t;
    t.mini_batch_size = 16;  // 200 = 12 * 16 + a tail of 8
    t.shuffle = true;
    t.progress = false;
    trainer = std::make_unique<optim::Trainer>(o, std::make_shared<optim::Adam>(0.01), data, t);
    trainer->add_accuracy_monitor("accuracy", a.eval, data, 64);
  }
  RandomStreams srng;
  optim::SharedData data;
  std::vector<nn::LayerPtr> layers;
  std::unique_ptr<optim::Trainer> trainer;
};

std::vector<Tensor> values_of(const std::vector<Var>& vars) {
  std::vector<Tensor> out;
  for (const Var& v : vars) out.push_back(v.get_value());
  return out;
}

void check_bitwise_equal(const std::vector<Var>& vars, const std::vector<Tensor>& expected) {
  REQUIRE(vars.size() == expected.size());
  for (size_t k = 0; k < vars.size(); ++k) {
    CAPTURE(vars[k].name());
    const Tensor& got = vars[k].value_ref();
    REQUIRE(got.shape() == expected[k].shape());
    CHECK(std::memcmp(got.raw(), expected[k].raw(), got.nbytes()) == 0);
  }
}

// n examples of `width` pixels and labels below `classes`.
nn::Split synthetic(int64_t n, int64_t width, int64_t classes, unsigned seed) {
  nn::Rng rng(seed);
  nn::Split s;
  s.x = Tensor(DType::Float32, {n, width});
  s.y = Tensor(DType::Int32, {n});
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c = i % classes;
    s.y.set(i, double(c));
    for (int64_t d = 0; d < width; ++d) s.x.set(i * width + d, rng.uniform() * 0.5 + (d % classes == c ? 0.5 : 0.0));
  }
  return s;
}

}  // namespace

TEST_CASE("checkpoint: a dropout network under Adam resumed by a new trainer ends bit for bit as the uninterrupted run") {
  DropoutModel reference;
  reference.trainer->fit(4);
  const std::vector<Var> ref_vars = reference.trainer->state_variables();
  // params (4), Adam's two moments per param and its step, the two dropout streams, eta
  bool has_stream = false;
  for (const Var& v : ref_vars) has_stream = has_stream || v.name().rfind("rng_state", 0) == 0;
  CHECK(has_stream);
  CHECK(ref_vars.size() >= 4 * 3 + 1 + 2 + 1);
  const std::vector<Tensor> expected = values_of(ref_vars);

  const std::string path = temp_path("dropout.ckpt");
  {
    DropoutModel first;
    first.trainer->set_checkpoint(path);
    first.trainer->fit(2);  // the process "dies" here
  }
  DropoutModel resumed;
  resumed.trainer->load_checkpoint(path);
  CHECK(resumed.trainer->result().epochs_run() == 2);
  resumed.trainer->fit(2);
  check_bitwise_equal(resumed.trainer->state_variables(), expected);
  CHECK(resumed.trainer->result().series("accuracy") == reference.trainer->result().series("accuracy"));
  const auto& re = resumed.trainer->result().epochs;
  for (size_t k = 0; k < re.size(); ++k) CHECK(re[k].training_cost == reference.trainer->result().epochs[k].training_cost);

  // The dropout streams' state is part of what made that match: resumed with
  // the streams back at their start, the run ends elsewhere.
  DropoutModel rewound;
  rewound.trainer->load_checkpoint(path);
  const DropoutModel initial;
  const std::vector<Var> start = initial.trainer->state_variables();
  const std::vector<Var> vars = rewound.trainer->state_variables();
  for (size_t k = 0; k < vars.size(); ++k)
    if (vars[k].name().rfind("rng_state", 0) == 0) Var(vars[k]).set_value(start[k].get_value());
  rewound.trainer->fit(2);
  bool params_differ = false;
  for (size_t k = 0; k < vars.size(); ++k)
    if (vars[k].name() == "fc1.W")
      params_differ = std::memcmp(vars[k].value_ref().raw(), expected[k].raw(), expected[k].nbytes()) != 0;
  CHECK(params_differ);
}

TEST_CASE("checkpoint: network2's shuffled SGD resumed in a new Network gives the uninterrupted parameters and result") {
  const nn::Split training = synthetic(205, 12, 4, 1), evaluation = synthetic(60, 12, 4, 2);
  nn::SGDOptions o;
  o.lmbda = 1.0;
  o.evaluation = &evaluation;
  o.monitor_evaluation_accuracy = true;
  o.monitor_training_cost = true;
  o.schedule_patience = 1;  // the rules' state matters too
  o.verbose = false;
  auto make = [] {
    nn::Network net({12, 7, 4}, nn::Cost::CrossEntropy, 21);
    return net;
  };
  nn::Network reference = make();
  const nn::SGDResult want = reference.SGD(training, 5, 10, 0.8, o);
  const std::vector<Tensor> expected = values_of(reference.params());

  const std::string path = temp_path("network2.ckpt");
  fs::remove(path);
  o.checkpoint = path;
  o.resume = true;  // no file yet: starts from the beginning
  {
    nn::Network first = make();
    first.SGD(training, 2, 10, 0.8, o);
  }
  nn::Network resumed = make();
  const nn::SGDResult got = resumed.SGD(training, 5, 10, 0.8, o);
  check_bitwise_equal(resumed.params(), expected);
  CHECK(got.epochs_run == want.epochs_run);
  CHECK(got.evaluation_accuracy == want.evaluation_accuracy);
  CHECK(got.training_cost == want.training_cost);
  CHECK(got.learning_rate == want.learning_rate);

  // Resuming a finished run trains nothing and returns the saved result.
  nn::Network again = make();
  const nn::SGDResult done = again.SGD(training, 5, 10, 0.8, o);
  CHECK(done.evaluation_accuracy == want.evaluation_accuracy);
  check_bitwise_equal(again.params(), expected);

  // Other settings are refused, naming what differs.
  nn::Network other = make();
  CHECK_THROWS_WITH_AS(other.SGD(training, 5, 10, 0.5, o), doctest::Contains("but this run has eta 0.5"), ValueError);
}

TEST_CASE("checkpoint: truncated, altered and foreign files are refused naming the file; a failed save keeps the old one") {
  DropoutModel model;
  const std::string path = temp_path("good.ckpt");
  model.trainer->save_checkpoint(path);
  const std::string good = file_bytes(path);
  REQUIRE(good.size() > 100);
  const std::vector<Tensor> before = values_of(model.trainer->state_variables());

  const std::string broken = temp_path("broken.ckpt");
  write_bytes(broken, good.substr(0, good.size() - 7));
  const std::string truncated = "checkpoint " + broken + ": truncated";
  CHECK_THROWS_WITH_AS(model.trainer->load_checkpoint(broken), doctest::Contains(truncated.c_str()), ValueError);
  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x10;
  write_bytes(broken, flipped);
  CHECK_THROWS_WITH_AS(model.trainer->load_checkpoint(broken), doctest::Contains("checksum"), ValueError);
  write_bytes(broken, "{\"sizes\": [784, 30, 10]}");
  CHECK_THROWS_WITH_AS(model.trainer->load_checkpoint(broken), doctest::Contains("not a nabla checkpoint"), ValueError);
  CHECK_THROWS_WITH_AS(model.trainer->load_checkpoint(temp_path("missing.ckpt")), doctest::Contains("cannot be opened"),
                       ValueError);
  check_bitwise_equal(model.trainer->state_variables(), before);  // failed loads changed nothing

  // Train on, then make the save fail (its temporary file's name is taken by a
  // directory): the previous checkpoint stays byte for byte, and loads.
  model.trainer->fit(1);
  const fs::path blocker = path + ".tmp-" + std::to_string(::getpid());
  fs::create_directories(blocker);
  CHECK_THROWS_WITH_AS(model.trainer->save_checkpoint(path), doctest::Contains("unchanged"), ValueError);
  fs::remove(blocker);
  CHECK(file_bytes(path) == good);
  CHECK_THROWS_AS(model.trainer->save_checkpoint(temp_path("no/such/dir.ckpt")), ValueError);
  CHECK(file_bytes(path) == good);
  model.trainer->load_checkpoint(path);
  check_bitwise_equal(model.trainer->state_variables(), before);
  CHECK(model.trainer->result().epochs_run() == 0);
}

TEST_CASE("checkpoint: another network's checkpoint names the variable and both shapes") {
  const std::string path = temp_path("ten.ckpt");
  DropoutModel ten(10);
  ten.trainer->save_checkpoint(path);
  DropoutModel twelve(12);
  const std::string want = "checkpoint " + path +
                           ": variable #1 'fc1.W.adam_m' has shape (10,6) float32 in the file but (12,6) float32 in the network";
  CHECK_THROWS_WITH_AS(twelve.trainer->load_checkpoint(path), doctest::Contains(want.c_str()), ValueError);

  const nn::Split training = synthetic(50, 12, 4, 1);
  nn::SGDOptions o;
  o.verbose = false;
  o.checkpoint = temp_path("net.ckpt");
  nn::Network({12, 7, 4}).SGD(training, 1, 10, 0.5, o);
  o.resume = true;
  nn::Network wider({12, 9, 4});
  CHECK_THROWS_WITH_AS(wider.SGD(training, 2, 10, 0.5, o), doctest::Contains("(7,12) float32 in the file but (9,12)"),
                       ValueError);
  nn::SGDOptions bad;
  bad.resume = true;
  CHECK_THROWS_WITH_AS(wider.SGD(training, 1, 10, 0.5, bad), doctest::Contains("options.checkpoint"), ValueError);
}
