// nabla's version, from the CMake project (the Python package reports the same).
#pragma once

namespace nabla {

const char* version();  // "0.1.0"

}  // namespace nabla
