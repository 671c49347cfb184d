// libFuzzer harness: the results file reader (io::read_results, what `clvsim show`, `report`
// and `export` read) on arbitrary bytes written to a temporary file, then the console and JSON
// summaries of whatever it accepted. The only acceptable failure is InputError.
//
// Not run in CI: Debian 12's libhdf5 1.10.8 itself crashes on corrupted files within seconds
// (docs/reliability.md, "Fuzzing"), which hides everything else; fuzz_results builds valid
// HDF5 files of arbitrary structure instead, the part of reading that is clvsim's.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/core/errors.h"
#include "engine/io/console_summary.h"
#include "engine/io/hdf5_results.h"
#include "engine/io/json_summary.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const std::string path = "/tmp/clvsim_fuzz_results_bytes_" + std::to_string(::getpid()) + ".h5";
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const clvsim::Results r = clvsim::io::read_results(path);
    std::ostringstream out;
    clvsim::io::print_summary(r, out);
    out << clvsim::io::to_json(r);
  } catch (const clvsim::InputError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "non-InputError exception: %s\n", e.what());
    std::abort();
  }
  std::remove(path.c_str());
  return 0;
}
