#include "engine/core/output_set.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "engine/core/errors.h"

namespace clvsim {

namespace fs = std::filesystem;

namespace {

//! "error: <prefix><what> '<path>'<tail>" built by appending (GCC 12's -Wrestrict false
//! positive on chains of operator+).
std::string message(const char* prefix, const std::string& what, const std::string& path, const std::string& tail)
{
  std::string m = "error: ";
  m.append(prefix).append(what).append(" '").append(path).append("'").append(tail);
  return m;
}

//! The file `path` names, for comparing two outputs: absolute, normal, symbolic links of the
//! directory resolved.
std::string identity(const std::string& path)
{
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) p = fs::absolute(path, ec).lexically_normal();
  return p.string();
}

bool exists_no_follow(const std::string& path)
{
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec));
}

}  // namespace

std::string OutputSet::add(const std::string& path, const std::string& what)
{
  std::error_code ec;
  if (path.empty()) throw InputError(std::string("error: the ").append(what).append(" path is empty"));
  if (fs::is_directory(path, ec)) throw InputError(message("", what, path, " is a directory"));
  const std::string key = identity(path);
  for (std::size_t i = 0; i < keys_.size(); ++i)
    if (keys_[i] == key)
      throw InputError(message("", what, path, " is the same file as the " + whats_[i] + " '" + paths_[i] + "'"));
  if (!force_ && exists_no_follow(path)) throw InputError(message("", what, path, " exists; use --force to overwrite"));
  const fs::path dir = fs::path(path).has_parent_path() ? fs::path(path).parent_path() : fs::path(".");
  if (!fs::exists(dir, ec))
    throw IoError(message("cannot write ", what, path, ": directory '" + dir.string() + "' does not exist"));
  if (!fs::is_directory(dir, ec))
    throw IoError(message("cannot write ", what, path, ": '" + dir.string() + "' is not a directory"));

  temp_files::remove_stale(path);
  auto temp = std::make_unique<temp_files::TempFile>(path, what + " '" + path + "'");
  const int fd = ::open(temp->path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    const int e = errno;
    throw IoError(message("cannot write ", what, path, std::string(": ") + std::strerror(e)));
  }
  ::close(fd);
  temps_.push_back(std::move(temp));
  paths_.push_back(path);
  whats_.push_back(what);
  keys_.push_back(key);
  return temps_.back()->path();
}

void OutputSet::commit()
{
  temp_files::begin_commit();
  try {
    for (std::size_t i = 0; i < temps_.size(); ++i) {
      if (!force_ && exists_no_follow(paths_[i]))
        throw InputError(message("", whats_[i], paths_[i], " exists; use --force to overwrite"));
      if (std::rename(temps_[i]->path().c_str(), paths_[i].c_str()) != 0) {
        const int e = errno;
        throw IoError(message("cannot write ", whats_[i], paths_[i], std::string(": ") + std::strerror(e)));
      }
      temps_[i]->release();
    }
  } catch (...) {
    temp_files::end_commit();
    throw;
  }
  temp_files::end_commit();
}

}  // namespace clvsim
