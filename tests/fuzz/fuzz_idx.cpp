// IDX files (nn/datasets.cpp), raw and gzipped: read_idx on the bytes, and
// load_idx_pair on the bytes split into an images file and a labels file.
// Built twice: FUZZ_GZIP compresses the input first, so the gzip path sees
// well-formed streams with arbitrary contents.
#include <zlib.h>

#include "fuzz_common.hpp"
#include "nn/datasets.hpp"

namespace {

std::string idx_file(const std::string& name, const uint8_t* data, size_t size) {
#ifdef FUZZ_GZIP
  const std::string path = nabla_fuzz::scratch(name + ".gz");
  gzFile f = gzopen(path.c_str(), "wb");
  if (size) gzwrite(f, data, unsigned(size));
  gzclose(f);
  return path;
#else
  return nabla_fuzz::write_file(name, data, size);
#endif
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string whole = idx_file("whole", data, size);
  nabla_fuzz::refused_or_read([&] { nabla::nn::read_idx(whole); });
  if (size < 2) return 0;
  const size_t split = 2 + (size_t(data[0]) << 8 | data[1]) % (size - 1);  // where the labels file begins
  const std::string images = idx_file("images", data + 2, split - 2);
  const std::string labels = idx_file("labels", data + split, size - split);
  nabla_fuzz::refused_or_read([&] { nabla::nn::load_idx_pair(images, labels, 0, -1); });
  return 0;
}
