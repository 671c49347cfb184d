//! The `clvsim` command: sets glibc's malloc tunables (engine/malloc_tuning.h) and executes
//! the engine, `clvsim-engine` in the same directory, with the same arguments. The engine
//! would otherwise re-execute itself to apply them, loading its ~40 shared libraries (HDF5
//! and its dependencies, Boost, TBB) twice; this program links only the C++ runtime, so the
//! detour costs about a millisecond instead of about 20 (bench/README.md §5).
#include "engine/malloc_tuning.h"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>

#include <unistd.h>

int main(int, char** argv)
{
  char self[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  std::string engine = "clvsim-engine";
  if (n > 0) {
    self[n] = '\0';
    const std::string path(self);
    engine = path.substr(0, path.rfind('/') + 1) + engine;
  }
  clvsim::set_malloc_tunables();
  ::execv(engine.c_str(), argv);
  std::fprintf(stderr, "clvsim: cannot run the engine '%s': %s\n", engine.c_str(), std::strerror(errno));
  return 2;
}
