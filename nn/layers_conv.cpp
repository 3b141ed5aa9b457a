// Conv2D, MaxPool2D and ConvPool: image layers over (batch, maps, H, W).
#include <cstdio>

#include "core/distributed.hpp"
#include "core/error.hpp"
#include "nn/layers.hpp"
#include "ops/api.hpp"

namespace nabla::nn {

namespace {

std::string shape4(const std::array<int64_t, 4>& s) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "(%lld,%lld,%lld,%lld)", (long long)s[0], (long long)s[1], (long long)s[2],
                (long long)s[3]);
  return buf;
}

std::string shape2(const std::array<int64_t, 2>& s) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "(%lld,%lld)", (long long)s[0], (long long)s[1]);
  return buf;
}

void require_positive(int64_t v, const char* what, const std::string& layer) {
  if (v <= 0) throw ValueError("nabla: " + layer + ": " + what + " must be positive, got " + std::to_string(v));
}

// image_shape names the global mini-batch; under mpirun the network is built
// for this rank's share of it (nn/book/network3.cpp).
bool same_batch(int64_t network_batch, int64_t image_batch) {
  return network_batch == image_batch || network_batch * distributed::size() == image_batch;
}

// x as (batch, C, H, W); the batch from the context when fixed, else from image_shape.
Var as_images(const Var& x, const std::array<int64_t, 4>& image, const LayerContext& ctx) {
  const int64_t batch = ctx.batch >= 0 ? ctx.batch : image[0];
  if (x.rank() == 4 && x.shape()[0] == batch && batch >= 0 && x.shape()[1] == image[1] && x.shape()[2] == image[2] &&
      x.shape()[3] == image[3])
    return x;
  return reshape(x, {batch, image[1], image[2], image[3]});
}

}  // namespace

// ---- Conv2D ---------------------------------------------------------------------------

Conv2D::Conv2D(std::array<int64_t, 4> filter_shape_, std::array<int64_t, 4> image_shape_, Activation activation_,
               bool flip_, const std::string& name)
    : filter_shape(filter_shape_), image_shape(image_shape_), activation(activation_), flip(flip_) {
  const std::string me = "conv layer (filter " + shape4(filter_shape) + ", image " + shape4(image_shape) + ")";
  for (int64_t v : filter_shape) require_positive(v, "every filter_shape entry", me);
  for (int k = 1; k < 4; ++k) require_positive(image_shape[size_t(k)], "every image_shape entry after the batch", me);
  if (image_shape[0] == 0 || image_shape[0] < -1)
    throw ValueError("nabla: " + me + ": image_shape's batch must be positive or -1 (any)");
  if (filter_shape[1] != image_shape[1])
    throw ShapeError("nabla: " + me + ": the filters read " + std::to_string(filter_shape[1]) +
                     " input maps but the image has " + std::to_string(image_shape[1]));
  if (filter_shape[2] > image_shape[2] || filter_shape[3] > image_shape[3])
    throw ShapeError("nabla: " + me + ": the filters are larger than the image");
  w = shared(Tensor::zeros(floatX, {filter_shape[0], filter_shape[1], filter_shape[2], filter_shape[3]}), name + ".w");
  b = shared(Tensor::zeros(floatX, {filter_shape[0]}), name + ".b");
}

std::array<int64_t, 4> Conv2D::output_shape() const {
  return {image_shape[0], filter_shape[0], image_shape[2] - filter_shape[2] + 1, image_shape[3] - filter_shape[3] + 1};
}

Paths Conv2D::apply(const Paths& input, LayerContext& ctx) {
  if (ctx.batch >= 0 && image_shape[0] >= 0 && !same_batch(ctx.batch, image_shape[0]))
    throw ShapeError("nabla: " + describe() + ": image_shape's mini-batch " + std::to_string(image_shape[0]) +
                     " differs from the network's " + std::to_string(ctx.batch));
  in.eval = in.train = as_images(input.eval, image_shape, ctx);
  out.eval = out.train = activate(activation, conv2d(in.eval, w, flip) + dimshuffle(b, {bcast, 0, bcast, bcast}));
  if (!input.train.same(input.eval)) {  // a masked input upstream: the training path convolves it too
    in.train = as_images(input.train, image_shape, ctx);
    out.train = activate(activation, conv2d(in.train, w, flip) + dimshuffle(b, {bcast, 0, bcast, bcast}));
  }
  return out;
}

void Conv2D::initialize(Rng& rng, Init init) {
  const auto& f = filter_shape;
  initialize_parameters(w, b, init, double(f[1] * f[2] * f[3]), double(f[0] * f[2] * f[3]), rng);
}

std::string Conv2D::describe() const {
  return "Conv2D(filter " + shape4(filter_shape) + ", image " + shape4(image_shape) + ", " +
         activation_name(activation) + (flip ? "" : ", correlation") + ")";
}

// ---- MaxPool2D ------------------------------------------------------------------------

MaxPool2D::MaxPool2D(std::array<int64_t, 2> poolsize_) : poolsize(poolsize_) {
  for (int64_t v : poolsize) require_positive(v, "every poolsize entry", "MaxPool2D");
}

Paths MaxPool2D::apply(const Paths& input, LayerContext&) {
  if (input.eval.rank() != 4)
    throw ShapeError("nabla: " + describe() + " needs (batch, maps, H, W) input, got rank " +
                     std::to_string(input.eval.rank()));
  const std::vector<int> ws{int(poolsize[0]), int(poolsize[1])};
  in = input;
  out.eval = pool_2d(input.eval, ws, true);
  out.train = input.train.same(input.eval) ? out.eval : pool_2d(input.train, ws, true);
  return out;
}

std::string MaxPool2D::describe() const { return "MaxPool2D" + shape2(poolsize); }

// ---- ConvPool -------------------------------------------------------------------------

ConvPool::ConvPool(std::array<int64_t, 4> filter_shape_, std::array<int64_t, 4> image_shape_,
                   std::array<int64_t, 2> poolsize_, Activation activation_, bool flip_, const std::string& name)
    : Conv2D(filter_shape_, image_shape_, activation_, flip_, name), poolsize(poolsize_) {
  for (int64_t v : poolsize) require_positive(v, "every poolsize entry", describe());
}

int64_t ConvPool::n_out() const {
  const auto o = output_shape();
  return o[1] * (o[2] / poolsize[0]) * (o[3] / poolsize[1]);
}

Paths ConvPool::apply(const Paths& input, LayerContext& ctx) {
  if (ctx.batch >= 0 && image_shape[0] >= 0 && !same_batch(ctx.batch, image_shape[0]))
    throw ShapeError("nabla: " + describe() + ": image_shape's mini-batch " + std::to_string(image_shape[0]) +
                     " differs from the network's " + std::to_string(ctx.batch));
  const std::vector<int> ws{int(poolsize[0]), int(poolsize[1])};
  auto path = [&](const Var& images) {
    return activate(activation, pool_2d(conv2d(images, w, flip), ws, true) + dimshuffle(b, {bcast, 0, bcast, bcast}));
  };
  in.eval = in.train = as_images(input.eval, image_shape, ctx);
  out.eval = out.train = path(in.eval);
  if (!input.train.same(input.eval)) {
    in.train = as_images(input.train, image_shape, ctx);
    out.train = path(in.train);
  }
  return out;
}

void ConvPool::initialize(Rng& rng, Init init) {
  const auto& f = filter_shape;
  initialize_parameters(w, b, init, double(f[1] * f[2] * f[3]),
                        double(f[0] * f[2] * f[3]) / double(poolsize[0] * poolsize[1]), rng);
}

std::string ConvPool::describe() const {
  return "ConvPool(filter " + shape4(filter_shape) + ", image " + shape4(image_shape) + ", pool " + shape2(poolsize) +
         ", " + activation_name(activation) + (flip ? "" : ", correlation") + ")";
}

}  // namespace nabla::nn
