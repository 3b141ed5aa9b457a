// Where nabla-book keeps a run's checkpoint: DIR/<experiment>-<run label>.ckpt,
// one file per training run, so experiments that compare several runs resume
// each from its own file.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/distributed.hpp"
#include "experiment.hpp"

namespace book {

std::string checkpoint_file(const Context& ctx, const std::string& run_label) {
  if (ctx.checkpoint_dir.empty()) return {};
  std::string name = ctx.experiment_id + "-" + (run_label.empty() ? std::string("run") : run_label);
  for (char& c : name)  // labels like "eta=0.5, lambda 5" become file-name safe
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
  return (std::filesystem::path(ctx.checkpoint_dir) / (name + ".ckpt")).string();
}

CheckpointLock::CheckpointLock(const std::string& checkpoint) {
  // Under mpirun every rank names the same file and rank 0 writes it: one lock.
  if (checkpoint.empty() || nabla::distributed::rank() != 0) return;
  const std::string path = checkpoint + ".lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw nabla::ValueError("cannot open the lock file " + path + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw nabla::ValueError("another process is training into " + checkpoint + " (it holds " + path +
                            "); two writers would overwrite each other's epochs. Give each process other --members "
                            "or another --checkpoint DIR");
  }
}

CheckpointLock::~CheckpointLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock; the empty file stays (harmless)
}

}  // namespace book
