// Average pooling (Theano's pool_2d modes "average_exc_pad" and
// "average_inc_pad", which agree without padding) as a composition: crop to
// whole windows, reshape (..., H, W) into (..., H/wh, wh, W/ww, ww) and take the
// mean over the two window axes. No op of its own: its gradient is the
// composition's, and the elementwise/reduction kernels do the work.
#include "ops/api.hpp"

namespace nabla {

Var avg_pool_2d(const Var& x, const std::vector<int>& ws, bool ignore_border, Loc loc) {
  auto fail = [&](const std::string& why) -> Var {
    throw ValueError("nabla: avg_pool_2d: " + why + "\n  in the expression created at " + loc.str());
  };
  if (!x.defined()) return fail("the input is an undefined Var");
  if (ws.size() != 2 || ws[0] < 1 || ws[1] < 1) return fail("ws must be two positive window sizes");
  const int r = x.rank();
  if (r < 2) return fail("the input must have at least 2 axes, got shape " + x.shape().str());
  const int64_t H = x.shape()[r - 2], W = x.shape()[r - 1];
  if (H < 0 || W < 0)
    return fail("the last two axes must have static sizes (got " + x.shape().str() +
                "); give the input a fixed image shape");
  const int64_t wh = ws[0], ww = ws[1];
  if (!ignore_border && (H % wh || W % ww))
    return fail("ignore_border=False with partial windows (shape " + x.shape().str() + ", ws (" +
                std::to_string(wh) + "," + std::to_string(ww) + ")) is not supported; use ignore_border=True");
  const int64_t oh = H / wh, ow = W / ww;
  if (oh == 0 || ow == 0) return fail("the window is larger than the image " + x.shape().str());
  Var cropped = x;
  if (oh * wh != H || ow * ww != W) {
    std::vector<Index> idx(size_t(r), Index::all());
    idx[size_t(r - 2)] = Index::slice(Bound(), Bound(oh * wh));
    idx[size_t(r - 1)] = Index::slice(Bound(), Bound(ow * ww));
    cropped = subtensor(x, idx, loc);
  }
  Dims dims;
  for (int k = 0; k < r - 2; ++k)
    dims.push_back(x.shape()[k] >= 0 ? Dim(x.shape()[k]) : Dim(shape_i(x, k, loc)));
  for (int64_t d : {oh, wh, ow, ww}) dims.push_back(Dim(d));
  Var windows = reshape(cropped, dims, loc);
  return mean(windows, Axes{r - 1, r + 1}, false, loc);
}

}  // namespace nabla
