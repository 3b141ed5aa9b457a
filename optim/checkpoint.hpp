// The checkpoint file format: a framed, checksummed byte payload, and the small
// writer/reader the trainer and its clients use to fill it.
//
//   "NABLACKP" | u32 format version | u64 payload bytes | u64 FNV-1a of the payload | payload
//
// Integers are little-endian as the machine stores them (checkpoints are for
// resuming on the same kind of machine, not an interchange format). A short,
// long or altered file fails the length or checksum test before anything is
// parsed, and every read past the end names the field it wanted.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace nabla::optim {

constexpr uint32_t kCheckpointVersion = 1;

class CheckpointWriter {
 public:
  void u64(uint64_t v);
  void i64(int64_t v) { u64(uint64_t(v)); }
  void f64(double v);
  void str(const std::string& s);
  void doubles(const std::vector<double>& v);
  void ints(const std::vector<int64_t>& v);
  void tensor(const std::string& name, const Tensor& t);  // name, dtype, shape, bytes
  const std::string& payload() const { return bytes_; }

 private:
  std::string bytes_;
};

// A tensor as read from a file, before it is checked against the network.
struct StoredTensor {
  std::string name;
  DType dtype = DType::Float32;
  Shape shape;
  std::string bytes;
};

// Reads a payload; `file` names the checkpoint in every error.
class CheckpointReader {
 public:
  CheckpointReader(std::string payload, std::string file) : bytes_(std::move(payload)), file_(std::move(file)) {}
  uint64_t u64(const char* field);
  int64_t i64(const char* field) { return int64_t(u64(field)); }
  double f64(const char* field);
  std::string str(const char* field);
  std::vector<double> doubles(const char* field);
  std::vector<int64_t> ints(const char* field);
  StoredTensor tensor(const char* field);
  bool at_end() const { return pos_ == bytes_.size(); }
  const std::string& file() const { return file_; }
  [[noreturn]] void fail(const std::string& what) const;  // "checkpoint FILE: what"

 private:
  const char* take(size_t n, const char* field);
  // A length, checked against the bytes left, then that many 8-byte values.
  template <class T, class ReadOne> std::vector<T> list(const char* field, ReadOne read_one);
  std::string bytes_;
  std::string file_;
  size_t pos_ = 0;
};

// Frames the payload and writes it atomically (temp file, fsync, rename): a
// failed write leaves the previous checkpoint as it was.
void write_checkpoint(const std::string& path, const std::string& payload);
// Reads and verifies a checkpoint (magic, version, length, checksum); throws
// ValueError naming the file and what is wrong.
CheckpointReader read_checkpoint(const std::string& path);

uint64_t fnv1a64(const std::string& bytes);

}  // namespace nabla::optim
