// Counts every global operator new in the test binary, so tests can show that a
// compiled function's steady-state call allocates nothing at all.
#pragma once
#include <cstdint>

uint64_t heap_allocations();
