// The checkpoint frame (magic, version, length, FNV-1a) and the payload's
// field encoding.
#include "optim/checkpoint.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "core/atomic_file.hpp"
#include "core/error.hpp"

namespace nabla::optim {

namespace {
constexpr char kMagic[8] = {'N', 'A', 'B', 'L', 'A', 'C', 'K', 'P'};
constexpr size_t kHeader = sizeof(kMagic) + 4 + 8 + 8;

template <class T> void put(std::string& out, T v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
}  // namespace

uint64_t fnv1a64(const std::string& bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

// ---- writer ------------------------------------------------------------------------------

void CheckpointWriter::u64(uint64_t v) { put(bytes_, v); }
void CheckpointWriter::f64(double v) { put(bytes_, v); }
void CheckpointWriter::str(const std::string& s) {
  u64(s.size());
  bytes_ += s;
}
void CheckpointWriter::doubles(const std::vector<double>& v) {
  u64(v.size());
  for (double d : v) f64(d);
}
void CheckpointWriter::ints(const std::vector<int64_t>& v) {
  u64(v.size());
  for (int64_t d : v) i64(d);
}
void CheckpointWriter::tensor(const std::string& name, const Tensor& t) {
  str(name);
  u64(uint64_t(t.dtype()));
  u64(uint64_t(t.rank()));
  for (int64_t d : t.shape()) i64(d);
  u64(t.nbytes());
  bytes_.append(static_cast<const char*>(t.raw()), t.nbytes());
}

// ---- reader ------------------------------------------------------------------------------

void CheckpointReader::fail(const std::string& what) const {
  throw ValueError("nabla: checkpoint " + file_ + ": " + what);
}

const char* CheckpointReader::take(size_t n, const char* field) {
  if (n > bytes_.size() - pos_)
    fail(std::string("ends inside the field '") + field + "' (" + std::to_string(bytes_.size() - pos_) +
         " bytes left, " + std::to_string(n) + " needed)");
  const char* p = bytes_.data() + pos_;
  pos_ += n;
  return p;
}

uint64_t CheckpointReader::u64(const char* field) {
  uint64_t v;
  std::memcpy(&v, take(sizeof v, field), sizeof v);
  return v;
}
double CheckpointReader::f64(const char* field) {
  double v;
  std::memcpy(&v, take(sizeof v, field), sizeof v);
  return v;
}
std::string CheckpointReader::str(const char* field) {
  const uint64_t n = u64(field);
  return std::string(take(size_t(n), field), size_t(n));
}
template <class T, class ReadOne>
std::vector<T> CheckpointReader::list(const char* field, ReadOne read_one) {
  const uint64_t n = u64(field);
  if (n > (bytes_.size() - pos_) / 8) fail(std::string("the field '") + field + "' is longer than the file");
  std::vector<T> v(static_cast<size_t>(n));
  for (T& x : v) x = read_one();
  return v;
}
std::vector<double> CheckpointReader::doubles(const char* field) {
  return list<double>(field, [&] { return f64(field); });
}
std::vector<int64_t> CheckpointReader::ints(const char* field) {
  return list<int64_t>(field, [&] { return i64(field); });
}
StoredTensor CheckpointReader::tensor(const char* field) {
  StoredTensor t;
  t.name = str(field);
  const uint64_t dtype = u64(field);
  if (dtype > uint64_t(DType::Float64)) fail("variable '" + t.name + "' has an unknown dtype code " + std::to_string(dtype));
  t.dtype = DType(dtype);
  const uint64_t rank = u64(field);
  if (rank > uint64_t(Shape::kMaxRank)) fail("variable '" + t.name + "' has rank " + std::to_string(rank));
  for (uint64_t k = 0; k < rank; ++k) {
    const int64_t d = i64(field);
    if (d < 0 || d > (int64_t(1) << 40)) fail("variable '" + t.name + "' has a dimension of " + std::to_string(d));
    t.shape.push_back(d);
  }
  const uint64_t n = u64(field);
  if (n != uint64_t(t.shape.numel()) * dtype_size(t.dtype))
    fail("variable '" + t.name + "' holds " + std::to_string(n) + " bytes for shape " + t.shape.str());
  t.bytes.assign(take(size_t(n), field), size_t(n));
  return t;
}

// ---- the frame ---------------------------------------------------------------------------

void write_checkpoint(const std::string& path, const std::string& payload) {
  std::string file;
  file.reserve(kHeader + payload.size());
  file.append(kMagic, sizeof kMagic);
  put(file, kCheckpointVersion);
  put(file, uint64_t(payload.size()));
  put(file, fnv1a64(payload));
  file += payload;
  write_file_atomically(path, file, "saving the checkpoint");
}

CheckpointReader read_checkpoint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ValueError("nabla: checkpoint " + path + ": cannot be opened (" + std::strerror(errno) + ")");
  std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bad = [&](const std::string& what) -> void { throw ValueError("nabla: checkpoint " + path + ": " + what); };
  if (file.size() < kHeader || std::memcmp(file.data(), kMagic, sizeof kMagic) != 0)
    bad("not a nabla checkpoint (no NABLACKP header; " + std::to_string(file.size()) + " bytes)");
  uint32_t version;
  uint64_t length, checksum;
  std::memcpy(&version, file.data() + 8, 4);
  std::memcpy(&length, file.data() + 12, 8);
  std::memcpy(&checksum, file.data() + 20, 8);
  if (version != kCheckpointVersion)
    bad("format version " + std::to_string(version) + ", this build reads version " +
        std::to_string(kCheckpointVersion));
  if (length != file.size() - kHeader)
    bad("truncated or padded: the header promises " + std::to_string(length) + " payload bytes, the file has " +
        std::to_string(file.size() - kHeader));
  std::string payload = file.substr(kHeader);
  if (fnv1a64(payload) != checksum) bad("corrupt: the payload's checksum does not match the header's");
  return CheckpointReader(std::move(payload), path);
}

}  // namespace nabla::optim
