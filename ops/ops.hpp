// Umbrella header for ops/.
#pragma once
#include "ops/api.hpp"
