#include "engine/report/output_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/core/errors.h"

namespace clvsim::report {

namespace fs = std::filesystem;

namespace {

//! "error: <what> '<path>'<tail>", built by appending (a chain of operator+ on literals and
//! strings sets off a false -Wrestrict in GCC 12's string headers).
std::string message(const char* prefix, const std::string& what, const std::string& path, const std::string& tail)
{
  std::string m = prefix;
  m.append(what).append(" '").append(path).append("'").append(tail);
  return m;
}

}  // namespace

std::string temporary_path(const std::string& path) { return path + ".tmp-" + std::to_string(::getpid()); }

void check_output_path(const std::string& path, bool force, const std::string& what)
{
  std::error_code ec;
  if (path.empty()) throw InputError(std::string("error: the ").append(what).append(" path is empty"));
  if (fs::is_directory(path, ec)) throw InputError(message("error: ", what, path, " is a directory"));
  if (fs::exists(fs::symlink_status(path, ec)) && !force)
    throw InputError(message("error: ", what, path, " exists; use --force to overwrite"));
  const fs::path dir = fs::path(path).has_parent_path() ? fs::path(path).parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec))
    throw IoError(message("error: cannot write ", what, path, ": directory '" + dir.string() + "' does not exist"));
}

void write_text_atomically(const std::string& path, const std::string& text, const std::string& what)
{
  const std::string tmp = temporary_path(path);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError(message("error: cannot write ", what, path, std::string(": ") + std::strerror(errno)));
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) {
      const std::string why = std::strerror(errno);
      out.close();
      std::remove(tmp.c_str());
      throw IoError(message("error: cannot write ", what, path, ": " + why));
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw IoError(message("error: cannot write ", what, path, ": " + ec.message()));
  }
}

}  // namespace clvsim::report
