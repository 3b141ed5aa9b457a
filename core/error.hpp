// Errors nabla throws, and the source location recorded when a user builds an
// expression, so that a shape error can say where the offending line is.
#pragma once
#include <stdexcept>
#include <string>

namespace nabla {

// Where user code created an expression. C++ callers get it for free through a
// defaulted argument (GCC/Clang builtins evaluate at the call site); the Python
// bindings fill it from the Python frame.
struct Loc {
  const char* file = nullptr;
  int line = 0;
  static Loc current(const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
    return Loc{file, line};
  }
  bool known() const { return file != nullptr && line > 0; }
  std::string str() const;  // "train.cpp:42" or "<unknown>"
};

// Overrides the location recorded for new expressions while alive (used by the
// Python bindings, which know the user's file and line better than C++ does).
class ScopedLoc {
 public:
  explicit ScopedLoc(Loc loc);
  ~ScopedLoc();
  static const Loc* active();
 private:
  Loc saved_;
  bool had_;
};

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Shapes that cannot go together (maps to Python's ValueError).
struct ShapeError : Error {
  using Error::Error;
};
// Wrong dtype or kind of argument (maps to Python's TypeError).
struct TypeError : Error {
  using Error::Error;
};
// A bad value: out-of-range index, missing input, NaN under NAN_GUARD (ValueError).
struct ValueError : Error {
  using Error::Error;
};
// A tensor too large to represent or to allocate (maps to Python's MemoryError):
// raised before any allocation is tried for sizes past 64 bits.
struct MemoryError : Error {
  using Error::Error;
};
// Asking for a gradient that does not exist (cost not scalar, wrt disconnected).
struct GradError : Error {
  using Error::Error;
};

}  // namespace nabla
