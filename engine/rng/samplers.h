#pragma once
//! Samplers over a counter-based Stream. PLACEHOLDER: to be written by the rng helper.
#include "engine/rng/stream.h"
