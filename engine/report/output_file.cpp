#include "engine/report/output_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/errors.h"

namespace clvsim::report {

namespace fs = std::filesystem;

std::string temporary_path(const std::string& path) { return path + ".tmp-" + std::to_string(::getpid()); }

void check_output_path(const std::string& path, bool force, const std::string& what)
{
  std::error_code ec;
  if (path.empty()) throw InputError("error: the " + what + " path is empty");
  if (fs::is_directory(path, ec)) throw InputError("error: " + what + " '" + path + "' is a directory");
  if (fs::exists(fs::symlink_status(path, ec)) && !force)
    throw InputError("error: " + what + " '" + path + "' exists; use --force to overwrite");
  const fs::path dir = fs::path(path).has_parent_path() ? fs::path(path).parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec))
    throw IoError("error: cannot write " + what + " '" + path + "': directory '" + dir.string() + "' does not exist");
}

void write_text_atomically(const std::string& path, const std::string& text, const std::string& what)
{
  const std::string tmp = temporary_path(path);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError("error: cannot write " + what + " '" + path + "': " + std::strerror(errno));
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) {
      const std::string why = std::strerror(errno);
      out.close();
      std::remove(tmp.c_str());
      throw IoError("error: cannot write " + what + " '" + path + "': " + why);
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw IoError("error: cannot write " + what + " '" + path + "': " + ec.message());
  }
}

}  // namespace clvsim::report
