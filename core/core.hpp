// Umbrella header for core/.
#pragma once
#include "core/dtype.hpp"
#include "core/error.hpp"
#include "core/function.hpp"
#include "core/grad.hpp"
#include "core/graph.hpp"
#include "core/op.hpp"
#include "core/printing.hpp"
#include "core/registry.hpp"
#include "core/shape.hpp"
#include "core/tensor.hpp"
#include "core/var.hpp"
#include "core/version.hpp"
