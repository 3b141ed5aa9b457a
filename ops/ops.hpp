// Umbrella header for ops/.
#pragma once
#include "ops/api.hpp"
#include "ops/scan.hpp"
