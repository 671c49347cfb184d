#pragma once
//! Error types shared by every layer. Libraries throw; only engine/cli/main.cpp catches
//! and maps them to exit codes (README "Exit codes"): InputError -> 2, IoError -> 3, anything else -> 1.
#include <stdexcept>
#include <string>

namespace clvsim {

//! Bad usage, an invalid scenario or invalid input data (exit code 2). The message is
//! complete and user-facing, e.g. "shop.toml:12:5: service.courtesy = 1.3 is out of range [0, 1]".
class InputError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

//! A file could not be read or written (exit code 3).
class IoError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

}  // namespace clvsim
