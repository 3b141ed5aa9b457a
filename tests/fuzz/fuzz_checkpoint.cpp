// Trainer checkpoints (optim/checkpoint.cpp, trainer_checkpoint_head.cpp,
// checkpoint_summary.cpp). The first input byte picks how the rest is used:
// even, as the whole file (the frame checks: magic, version, length,
// checksum); odd, as a payload the harness frames correctly, so the fuzzer
// reaches the field readers behind the checksum.
#include <cstring>

#include "fuzz_common.hpp"
#include "optim/checkpoint.hpp"
#include "optim/checkpoint_summary.hpp"

namespace {

std::string framed(const std::string& payload) {
  std::string file = "NABLACKP";
  auto put = [&](const void* p, size_t n) { file.append(static_cast<const char*>(p), n); };
  const uint32_t version = nabla::optim::kCheckpointVersion;
  const uint64_t length = payload.size(), sum = nabla::optim::fnv1a64(payload);
  put(&version, 4);
  put(&length, 8);
  put(&sum, 8);
  return file + payload;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) rest = framed(rest);
  const std::string path =
      nabla_fuzz::write_file("ckpt", reinterpret_cast<const uint8_t*>(rest.data()), rest.size());
  nabla_fuzz::refused_or_read([&] {
    nabla::optim::CheckpointReader r = nabla::optim::read_checkpoint(path);
    nabla::optim::read_trainer_head(r);
  });
  nabla_fuzz::refused_or_read([&] { nabla::optim::summarize_checkpoint(path).text(); });
  return 0;
}
