// Saving without losing what was saved before: the bytes go to a temporary file
// beside the target, are flushed to disk (fsync), and only then renamed over the
// target, so a crash, a kill or a full disk mid-write leaves the old file whole.
// Every file nabla writes goes through here (models, checkpoints, results,
// the expanded-MNIST cache).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nabla {

// Throws ValueError naming `what` and the path when any step fails; the target
// is then untouched and the temporary file removed.
void write_file_atomically(const std::string& path, const std::string& bytes, const std::string& what);
// The same for a file made of several pieces, written one after the other
// (large payloads need not be joined into one string first).
void write_file_atomically(const std::string& path, const std::vector<std::string_view>& parts,
                           const std::string& what);

// Tests: the next atomic write fails as a full disk would (ENOSPC) once it has
// written `bytes` bytes of the temporary file; -1 turns it off.
void fail_next_atomic_write_after(int64_t bytes);

}  // namespace nabla
