// What every fuzz target shares: the input bytes become a file (the readers
// take paths), and a nabla::Error is the expected way to refuse bad bytes;
// any other exception, a crash or a sanitizer report is a bug.
#pragma once
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "core/error.hpp"

namespace nabla_fuzz {

// A path in memory-backed storage, one per process (libFuzzer's -jobs).
inline std::string scratch(const std::string& name) {
  return "/dev/shm/nabla-fuzz-" + std::to_string(::getpid()) + "-" + name;
}

inline std::string write_file(const std::string& name, const uint8_t* data, size_t size) {
  const std::string path = scratch(name);
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), std::streamsize(size));
  return path;
}

template <class F>
void refused_or_read(F&& read) {
  try {
    read();
  } catch (const nabla::Error&) {
    // a refusal with a message: what bad bytes must get
  }
}

}  // namespace nabla_fuzz
