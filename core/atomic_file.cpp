#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/error.hpp"

namespace nabla {

void write_file_atomically(const std::string& path, const std::string& bytes, const std::string& what) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  auto fail = [&](const char* step, int err) {
    ::unlink(tmp.c_str());
    throw ValueError("nabla: " + what + ": " + step + " \"" + path + "\" failed (" + std::strerror(err) +
                     "); the previous file, if any, is unchanged");
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("writing", errno);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      ::close(fd);
      fail("writing", err);
    }
    done += size_t(n);
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
