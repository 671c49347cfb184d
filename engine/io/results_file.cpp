#include "engine/io/results_file.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstring>
#include <mutex>

#include "engine/errors.h"

namespace clvsim::io {
namespace {

using VersionFn = const char* (*)();
using SizeFn = unsigned long (*)();
using WriteFn = int (*)(const Results*, const char*, int, std::string*);
using ReadFn = int (*)(const char*, Results*, std::string*);

struct Module {
  WriteFn write = nullptr;
  ReadFn read = nullptr;
};

//! Opens the module once per process; throws IoError naming it when it cannot be used.
const Module& module()
{
  static std::once_flag once;
  static Module m;
  static std::string failure;
  std::call_once(once, [] {
    const std::string path = hdf5_module_path();
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = ::dlerror();
      failure = "error: cannot load the HDF5 module '" + path + "' (built beside clvsim-engine): " +
                (why != nullptr ? why : "unknown reason");
      return;
    }
    const auto version = reinterpret_cast<VersionFn>(::dlsym(handle, "clvsim_hdf5_version"));
    const auto size = reinterpret_cast<SizeFn>(::dlsym(handle, "clvsim_hdf5_results_size"));
    const auto write = reinterpret_cast<WriteFn>(::dlsym(handle, "clvsim_hdf5_write"));
    const auto read = reinterpret_cast<ReadFn>(::dlsym(handle, "clvsim_hdf5_read"));
    if (version == nullptr || size == nullptr || write == nullptr || read == nullptr) {
      failure = "error: '" + path + "' is not a clvsim HDF5 module";
      return;
    }
    if (std::strcmp(version(), CLVSIM_VERSION) != 0 || size() != sizeof(Results)) {
      failure = "error: the HDF5 module '" + path + "' is from another build (clvsim " + version() + "), not this clvsim " + CLVSIM_VERSION +
                "'s: rebuild";
      return;
    }
    m.write = write;
    m.read = read;
  });
  if (m.write == nullptr) throw IoError(failure);
  return m;
}

[[noreturn]] void rethrow(int code, const std::string& message)
{
  if (code == 2) throw InputError(message);
  if (code == 3) throw IoError(message);
  throw std::runtime_error(message);
}

}  // namespace

std::string hdf5_module_path()
{
  char self[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "clvsim-hdf5.so";
  const std::string exe(self, static_cast<std::size_t>(n));
  return exe.substr(0, exe.rfind('/') + 1) + "clvsim-hdf5.so";
}

void require_hdf5_module() { module(); }

void save_results(const Results& results, const std::string& path, bool force)
{
  std::string error;
  if (const int code = module().write(&results, path.c_str(), force ? 1 : 0, &error)) rethrow(code, error);
}

Results load_results(const std::string& path)
{
  Results out;
  std::string error;
  if (const int code = module().read(path.c_str(), &out, &error)) rethrow(code, error);
  return out;
}

}  // namespace clvsim::io
