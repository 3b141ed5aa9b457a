#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/error.hpp"

namespace nabla {

namespace {
std::atomic<int64_t> g_fail_after{-1};
}  // namespace

void fail_next_atomic_write_after(int64_t bytes) { g_fail_after = bytes; }

void write_file_atomically(const std::string& path, const std::string& bytes, const std::string& what) {
  write_file_atomically(path, std::vector<std::string_view>{bytes}, what);
}

void write_file_atomically(const std::string& path, const std::vector<std::string_view>& parts,
                           const std::string& what) {
  const int64_t fail_after = g_fail_after.exchange(-1);
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  auto fail = [&](const char* step, int err) {
    ::unlink(tmp.c_str());
    throw ValueError("nabla: " + what + ": " + step + " \"" + path + "\" failed (" + std::strerror(err) +
                     "); the previous file, if any, is unchanged");
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("writing", errno);
  size_t written = 0;  // over all parts, for the test fault
  for (const std::string_view bytes : parts) {
    size_t done = 0;
    while (done < bytes.size()) {
      size_t want = bytes.size() - done;
      if (fail_after >= 0 && written + want > size_t(fail_after)) want = size_t(fail_after) - written;
      const ssize_t n = want ? ::write(fd, bytes.data() + done, want) : 0;
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int err = n < 0 ? errno : ENOSPC;
        ::close(fd);
        fail("writing", err);
      }
      done += size_t(n);
      written += size_t(n);
    }
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    fail("flushing", err);
  }
  if (::close(fd) != 0) fail("closing", errno);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) fail("replacing", errno);
}

}  // namespace nabla
