#include <algorithm>

#include "experiment.hpp"

namespace book {

static std::vector<Experiment>& table() {
  static std::vector<Experiment> t;
  return t;
}

bool register_experiment(Experiment e) {
  table().push_back(std::move(e));
  return true;
}

// Book order: by chapter, then by number; exercises (X..) after the chapters.
static bool book_order(const Experiment& a, const Experiment& b) {
  auto key = [](const std::string& id) {
    bool exercise = !id.empty() && id[0] == 'X';
    std::string num = exercise ? id.substr(1) : id;
    size_t dot = num.find('.');
    int major = std::stoi(num.substr(0, dot));
    int minor = dot == std::string::npos ? 0 : std::stoi(num.substr(dot + 1));
    return std::make_tuple(exercise, major, minor);
  };
  return key(a.id) < key(b.id);
}

const std::vector<Experiment>& experiments() {
  auto& t = table();
  std::sort(t.begin(), t.end(), book_order);
  return t;
}

}  // namespace book
