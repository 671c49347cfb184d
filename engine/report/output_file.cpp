#include "engine/report/output_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/core/errors.h"
#include "engine/core/temp_files.h"

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

std::string temporary_path(const std::string& path)
{
  return temp_files::temporary_path(path);
}

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

void write_text_file(const std::string& file, const std::string& text, const std::string& what,
                     const std::string& display)
{
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw IoError(message("error: cannot write ", what, display, std::string(": ") + std::strerror(errno)));
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
  if (!out) throw IoError(message("error: cannot write ", what, display, std::string(": ") + std::strerror(errno)));
}

void write_text_atomically(const std::string& path, const std::string& text, const std::string& what)
{
  temp_files::TempFile tmp(path, what + " '" + path + "'");  // removed unless renamed
  write_text_file(tmp.path(), text, what, path);
  std::error_code ec;
  fs::rename(tmp.path(), path, ec);
  if (ec) throw IoError(message("error: cannot write ", what, path, ": " + ec.message()));
  tmp.release();
}

}  // namespace clvsim::report
