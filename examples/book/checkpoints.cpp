// Where nabla-book keeps a run's checkpoint: DIR/<experiment>-<run label>.ckpt,
// one file per training run, so experiments that compare several runs resume
// each from its own file.
#include <cctype>
#include <filesystem>

#include "experiment.hpp"

namespace book {

std::string checkpoint_file(const Context& ctx, const std::string& run_label) {
  if (ctx.checkpoint_dir.empty()) return {};
  std::string name = ctx.experiment_id + "-" + (run_label.empty() ? std::string("run") : run_label);
  for (char& c : name)  // labels like "eta=0.5, lambda 5" become file-name safe
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
  return (std::filesystem::path(ctx.checkpoint_dir) / (name + ".ckpt")).string();
}

}  // namespace book
