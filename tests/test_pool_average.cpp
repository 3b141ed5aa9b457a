// Average pooling, a composition (crop, reshape, mean): values against plain
// loops and finite-difference gradients through the op table, and its errors.
#include <doctest/doctest.h>

#include <string>

#include "op_table.hpp"

using namespace nabla;

namespace {

// Mean of each whole (wh, ww) window of the last two axes; partial windows dropped.
Tensor ref_avg_pool(const Tensor& x, int64_t wh, int64_t ww) {
  const Shape& s = x.shape();
  const int r = s.rank();
  const int64_t H = s[r - 2], W = s[r - 1], oh = H / wh, ow = W / ww;
  const int64_t lead = x.size() / (H * W);
  Shape os = s;
  os[r - 2] = oh;
  os[r - 1] = ow;
  Tensor out(DType::Float64, os);
  for (int64_t n = 0; n < lead; ++n)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        double acc = 0;
        for (int64_t a = 0; a < wh; ++a)
          for (int64_t b = 0; b < ww; ++b) acc += x.at(n * H * W + (i * wh + a) * W + j * ww + b);
        out.set((n * oh + i) * ow + j, acc / double(wh * ww));
      }
  return out;
}

bool add_avg_rows(const Shape& xs, int wh, int ww, bool ignore_border, unsigned seed) {
  const std::vector<int> ws = {wh, ww};
  return add_op_row({"api:avg_pool_2d", {sample(xs, -1, 1, seed)},
                     [=](const std::vector<Var>& v) { return avg_pool_2d(v[0], ws, ignore_border); }, {0}, 2,
                     [=](const std::vector<Tensor>& t) { return ref_avg_pool(t[0], wh, ww); }});
}
const bool rows_avg = add_avg_rows({2, 3, 4, 6}, 2, 2, true, 301) &&  // network3's 2x2 on a 4-D batch
                      add_avg_rows({5, 7}, 2, 3, true, 302) &&        // partial windows dropped
                      add_avg_rows({1, 2, 6, 4}, 3, 2, false, 303);   // ignore_border=False, no partial window

}  // namespace

TEST_CASE("avg_pool_2d: errors name the shape and what to do") {
  Var x = input(DType::Float32, Shape{2, 1, 5, 5}, "x");
  auto message = [](auto&& f) {
    try {
      f();
    } catch (const ValueError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message([&] { avg_pool_2d(x, {2, 2}, false); }).find("partial windows") != std::string::npos);
  CHECK(message([&] { avg_pool_2d(x, {6, 6}, true); }).find("larger than the image") != std::string::npos);
  CHECK(message([&] { avg_pool_2d(tensor4("t"), {2, 2}, true); }).find("static sizes") != std::string::npos);
  CHECK(message([&] { avg_pool_2d(x, {2, 2}, true); }) == "no error");
}
