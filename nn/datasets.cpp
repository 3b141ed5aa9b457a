#include "nn/datasets.hpp"

#include <algorithm>
#include <zlib.h>

#include <cstdlib>
#include <fstream>

#include "core/error.hpp"

#ifndef NABLA_SOURCE_DIR
#define NABLA_SOURCE_DIR "."
#endif

namespace nabla::nn {

namespace {

const char* kFix = "run `make setup` (or scripts/fetch_mnist.sh) to fetch the MNIST files again";

bool exists(const std::string& path) { return std::ifstream(path).good(); }

// The file as given, or with .gz appended when only that exists.
std::string resolve(const std::string& dir, const std::string& name) {
  std::string plain = dir + "/" + name;
  if (exists(plain)) return plain;
  if (exists(plain + ".gz")) return plain + ".gz";
  throw ValueError("nabla: data file " + plain + " (or " + name + ".gz) is missing; " + kFix);
}

uint32_t big_endian(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

// Reads exactly n bytes or reports how many there were.
size_t read_some(gzFile f, uint8_t* dst, size_t n) {
  size_t got = 0;
  while (got < n) {
    int chunk = int(std::min<size_t>(n - got, 1 << 30));
    int r = gzread(f, dst + got, unsigned(chunk));
    if (r <= 0) break;
    got += size_t(r);
  }
  return got;
}

}  // namespace

IdxData read_idx(const std::string& path) {
  if (!exists(path)) throw ValueError("nabla: IDX file " + path + " is missing; " + kFix);
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw ValueError("nabla: cannot open IDX file " + path);
  struct Closer {
    gzFile f;
    ~Closer() { gzclose(f); }
  } closer{f};
  uint8_t header[4];
  if (read_some(f, header, 4) != 4)
    throw ValueError("nabla: IDX file " + path + " is truncated: it ends inside the 4-byte header; " + kFix);
  if (header[0] != 0 || header[1] != 0 || header[2] != 0x08 || header[3] < 1 || header[3] > 4)
    throw ValueError("nabla: " + path + " is not an IDX file of unsigned bytes (magic " +
                     std::to_string(big_endian(header)) + ", expected 2049 or 2051); " + kFix);
  IdxData out;
  const int ndim = header[3];
  int64_t total = 1;
  for (int d = 0; d < ndim; ++d) {
    uint8_t b[4];
    if (read_some(f, b, 4) != 4)
      throw ValueError("nabla: IDX file " + path + " is truncated inside its dimension list; " + kFix);
    out.dims.push_back(int64_t(big_endian(b)));
    if (__builtin_mul_overflow(total, out.dims.back(), &total))
      throw ValueError("nabla: IDX file " + path + " is corrupt: its dimensions multiply to more than 2^63 bytes; " +
                       kFix);
  }
  // Read in pieces, growing the buffer as data arrives: a corrupt header that
  // promises terabytes fails as truncated instead of allocating them first.
  constexpr size_t kPiece = size_t(64) << 20;
  size_t got = 0;
  while (got < size_t(total)) {
    const size_t want = std::min(kPiece, size_t(total) - got);
    out.bytes.resize(got + want);
    const size_t r = read_some(f, out.bytes.data() + got, want);
    got += r;
    if (r < want) break;
  }
  if (got != size_t(total)) {
    std::string dims;
    for (int64_t d : out.dims) dims += (dims.empty() ? "" : "x") + std::to_string(d);
    throw ValueError("nabla: IDX file " + path + " is truncated: its header promises " + dims + " = " +
                     std::to_string(total) + " bytes of data, found " + std::to_string(got) + "; " + kFix);
  }
  uint8_t extra;
  if (read_some(f, &extra, 1) != 0)
    throw ValueError("nabla: IDX file " + path + " has data past the " + std::to_string(total) +
                     " bytes its header declares (corrupt or not the file it claims to be); " + kFix);
  return out;
}

namespace {

void check_pair(const IdxData& images, const IdxData& labels, const std::string& images_path,
                const std::string& labels_path) {
  if (images.dims.size() != 3)
    throw ValueError("nabla: " + images_path + " should hold images (3 dims), it has " +
                     std::to_string(images.dims.size()) + " dims");
  if (labels.dims.size() != 1)
    throw ValueError("nabla: " + labels_path + " should hold labels (1 dim), it has " +
                     std::to_string(labels.dims.size()) + " dims");
  if (images.dims[0] != labels.dims[0])
    throw ValueError("nabla: " + images_path + " has " + std::to_string(images.dims[0]) + " images but " +
                     labels_path + " has " + std::to_string(labels.dims[0]) + " labels");
}

// Rows [begin, end) as float32 pixels byte/256 and int32 labels.
Split rows(const IdxData& images, const IdxData& labels, int64_t begin, int64_t end,
           const std::string& images_path, const std::string& labels_path) {
  const int64_t n_all = images.dims[0];
  if (end < 0) end = n_all;
  if (begin < 0 || begin > end || end > n_all)
    throw ValueError("nabla: rows [" + std::to_string(begin) + ", " + std::to_string(end) +
                     ") are outside the " + std::to_string(n_all) + " images of " + images_path);
  const int64_t n = end - begin, pixels = images.dims[1] * images.dims[2];
  Split s;
  s.x = Tensor(DType::Float32, {n, pixels});
  s.y = Tensor(DType::Int32, {n});
  float* x = s.x.data<float>();
  const uint8_t* src = images.bytes.data() + begin * pixels;
  for (int64_t i = 0; i < n * pixels; ++i) x[i] = float(src[i]) / 256.0f;
  for (int64_t i = 0; i < n; ++i) {
    uint8_t label = labels.bytes[size_t(begin + i)];
    if (label > 9)
      throw ValueError("nabla: " + labels_path + " has label " + std::to_string(label) + " at row " +
                       std::to_string(begin + i) + " (expected 0..9)");
    s.y.data<int32_t>()[i] = label;
  }
  return s;
}

}  // namespace

Split load_idx_pair(const std::string& images_path, const std::string& labels_path, int64_t begin,
                    int64_t end) {
  IdxData images = read_idx(images_path);
  IdxData labels = read_idx(labels_path);
  check_pair(images, labels, images_path, labels_path);
  return rows(images, labels, begin, end, images_path, labels_path);
}

std::string default_mnist_dir() {
  if (const char* env = std::getenv("NABLA_DATA")) return std::string(env) + "/mnist";
  return std::string(NABLA_SOURCE_DIR) + "/data/mnist";
}

std::string default_fashion_mnist_dir() { return "/usr/share/datasets/fashion-mnist"; }

MnistData load_mnist(const std::string& dir, int64_t training_size) {
  if (training_size < 0 || training_size > 50000)
    throw ValueError("nabla: load_mnist: training_size must be in [0, 50000], got " +
                     std::to_string(training_size));
  MnistData d;
  {  // scoped: the training file's raw bytes are freed before the test file is read (peak memory)
    const std::string images_path = resolve(dir, "train-images-idx3-ubyte");
    const std::string labels_path = resolve(dir, "train-labels-idx1-ubyte");
    IdxData images = read_idx(images_path), labels = read_idx(labels_path);
    check_pair(images, labels, images_path, labels_path);
    if (images.dims[0] != 60000)
      throw ValueError("nabla: " + images_path + " has " + std::to_string(images.dims[0]) +
                       " images; the MNIST training file has 60,000");
    d.training = rows(images, labels, 0, training_size, images_path, labels_path);
    d.validation = rows(images, labels, 50000, 60000, images_path, labels_path);
  }
  d.test = load_idx_pair(resolve(dir, "t10k-images-idx3-ubyte"), resolve(dir, "t10k-labels-idx1-ubyte"));
  return d;
}

MnistData load_fashion_mnist(const std::string& dir, int64_t training_size) {
  if (!exists(dir + "/train-images-idx3-ubyte.gz") && !exists(dir + "/train-images-idx3-ubyte"))
    throw ValueError("nabla: Fashion-MNIST is not in " + dir +
                     "; install it with `apt-get install dataset-fashion-mnist` (make setup does)");
  return load_mnist(dir, training_size);
}

}  // namespace nabla::nn
