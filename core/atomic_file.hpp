// Saving without losing what was saved before: the bytes go to a temporary file
// beside the target, are flushed to disk (fsync), and only then renamed over the
// target, so a crash, a kill or a full disk mid-write leaves the old file whole.
#pragma once
#include <string>

namespace nabla {

// Throws ValueError naming `what` and the path when any step fails; the target
// is then untouched and the temporary file removed.
void write_file_atomically(const std::string& path, const std::string& bytes, const std::string& what);

}  // namespace nabla
