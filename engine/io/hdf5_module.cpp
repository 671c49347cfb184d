//! The HDF5 module `clvsim-hdf5.so` (engine/io/results_file.h): io::write_results and
//! io::read_results behind a C interface, so that exceptions never cross the module's
//! boundary. Each function returns 0 on success, 2 for an InputError, 3 for an IoError and
//! 1 for anything else, with the exception's message in *error.
#include <exception>
#include <string>

#include "engine/errors.h"
#include "engine/io/hdf5_results.h"

namespace {

template <class F>
int guarded(std::string* error, F&& f)
{
  try {
    f();
    return 0;
  } catch (const clvsim::InputError& e) {
    *error = e.what();
    return 2;
  } catch (const clvsim::IoError& e) {
    *error = e.what();
    return 3;
  } catch (const std::exception& e) {
    *error = e.what();
    return 1;
  }
}

}  // namespace

extern "C" {

//! The clvsim version the module was built for and the size of its Results: the loader
//! refuses a module of another build.
[[gnu::visibility("default")]] const char* clvsim_hdf5_version() { return CLVSIM_VERSION; }
[[gnu::visibility("default")]] unsigned long clvsim_hdf5_results_size() { return sizeof(clvsim::Results); }

[[gnu::visibility("default")]] int clvsim_hdf5_write(const clvsim::Results* results, const char* path, int force,
                                                     std::string* error)
{
  return guarded(error, [&] { clvsim::io::write_results(*results, path, force != 0); });
}

[[gnu::visibility("default")]] int clvsim_hdf5_read(const char* path, clvsim::Results* out, std::string* error)
{
  return guarded(error, [&] { *out = clvsim::io::read_results(path); });
}

}  // extern "C"
