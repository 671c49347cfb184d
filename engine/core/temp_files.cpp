#include "engine/core/temp_files.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>

namespace clvsim::temp_files {

namespace {

//! One registered file. `used` is set after the names are complete and cleared before they
//! change, so a signal handler reading a used slot sees whole names.
struct Slot {
  std::atomic<bool> used{false};
  char tmp[4096];
  char label[1024];
};

Slot g_slots[MAX_REGISTERED];
std::mutex g_mutex;  // serialises add/forget between threads (never taken in the handler)

void copy_truncated(char* dst, std::size_t size, const std::string& src)
{
  const std::size_t n = std::min(size - 1, src.size());
  std::memcpy(dst, src.data(), n);
  dst[n] = '\0';
}

void write_all(int fd, const char* text) noexcept
{
  std::size_t left = std::strlen(text);
  while (left > 0) {
    const ssize_t n = ::write(fd, text, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text += n;
    left -= static_cast<std::size_t>(n);
  }
}

//! The pid in "<name>.tmp-<digits>[anything]", or 0 when `entry` is not such a name.
long stale_pid(const std::string& entry, const std::string& name)
{
  const std::string prefix = name + ".tmp-";
  if (entry.size() <= prefix.size() || entry.compare(0, prefix.size(), prefix) != 0) return 0;
  long pid = 0;
  std::size_t i = prefix.size();
  for (; i < entry.size() && entry[i] >= '0' && entry[i] <= '9'; ++i) {
    pid = pid * 10 + (entry[i] - '0');
    if (pid > 1L << 30) return 0;
  }
  if (i == prefix.size()) return 0;
  // the writers' own suffixes only: nothing, or ".part" (engine/report/csv_export.cpp)
  if (i != entry.size() && entry.compare(i, std::string::npos, ".part") != 0) return 0;
  return pid;
}

std::atomic<bool> g_committing{false};
std::atomic<bool> g_quiet{false};
volatile std::sig_atomic_t g_held_signal = 0;

void on_signal(int sig)
{
  if (g_committing.load()) {
    g_held_signal = sig;
    return;
  }
  if (g_quiet.load()) {  // remove, say nothing
    for (Slot& s : g_slots)
      if (s.used.load(std::memory_order_acquire)) ::unlink(s.tmp);
  } else {
    remove_all_registered(STDERR_FILENO);
  }
  ::_exit(128 + sig);
}

}  // namespace

void install_signal_handlers()
{
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&sa.sa_mask, sig);  // one at a time
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) ::sigaction(sig, &sa, nullptr);
  std::signal(SIGXFSZ, SIG_IGN);
}

void quiet_when_interrupted() noexcept
{
  g_quiet.store(true);
}

void begin_commit() noexcept
{
  g_committing.store(true);
}

void end_commit() noexcept
{
  g_committing.store(false);
  if (const int sig = g_held_signal) {
    write_all(STDERR_FILENO, "interrupted: every output was written\n");
    ::_exit(128 + sig);
  }
}

std::string temporary_path(const std::string& path)
{
  return path + ".tmp-" + std::to_string(::getpid());
}

void add(const std::string& tmp, const std::string& label)
{
  const std::lock_guard<std::mutex> lock(g_mutex);
  for (Slot& s : g_slots) {
    if (s.used.load(std::memory_order_acquire)) continue;
    copy_truncated(s.tmp, sizeof s.tmp, tmp);
    copy_truncated(s.label, sizeof s.label, label);
    s.used.store(true, std::memory_order_release);
    return;
  }
  throw std::length_error("temp_files::add: more than " + std::to_string(MAX_REGISTERED) + " temporary files");
}

void forget(const std::string& tmp)
{
  const std::lock_guard<std::mutex> lock(g_mutex);
  for (Slot& s : g_slots)
    if (s.used.load(std::memory_order_acquire) && tmp.compare(0, std::string::npos, s.tmp) == 0) {
      s.used.store(false, std::memory_order_release);
      return;
    }
}

void remove_all_registered(int fd) noexcept
{
  bool any = false;
  write_all(fd, "interrupted: ");
  for (Slot& s : g_slots) {
    if (!s.used.load(std::memory_order_acquire)) continue;
    ::unlink(s.tmp);
    if (any) write_all(fd, ", ");
    write_all(fd, s.label);
    any = true;
  }
  write_all(fd, any ? " not written\n" : "nothing was being written\n");
}

std::size_t remove_stale(const std::string& path) noexcept
{
  try {
    namespace fs = std::filesystem;
    const fs::path p(path);
    const std::string name = p.filename().string();
    if (name.empty()) return 0;
    const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    std::size_t removed = 0;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string entry = it->path().filename().string();
      const long pid = stale_pid(entry, name);
      if (pid <= 0 || pid == static_cast<long>(::getpid())) continue;
      // A live process (or one we may not signal) keeps its temporary.
      if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
      struct stat st;
      if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      if (::unlink(it->path().c_str()) == 0) ++removed;
    }
    return removed;
  } catch (...) {
    return 0;
  }
}

TempFile::TempFile(const std::string& path, const std::string& label) : tmp_(temporary_path(path))
{
  add(tmp_, label);
}

TempFile::~TempFile()
{
  if (!owned_) return;
  ::unlink(tmp_.c_str());
  forget(tmp_);
}

void TempFile::release()
{
  if (!owned_) return;
  owned_ = false;
  forget(tmp_);
}

}  // namespace clvsim::temp_files
