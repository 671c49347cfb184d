#pragma once
//! Process-level memory tuning shared by the clvsim command and the benchmark runner.
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include <unistd.h>

namespace clvsim {

//! Memory tuning of glibc's malloc, through GLIBC_TUNABLES (glibc reads tunables only at
//! start-up): the `clvsim` launcher (engine/cli/launcher) sets them and executes the engine;
//! the engine, and the benchmark runner, re-execute themselves once when they are not set. A run allocates up to about 60 bytes
//! per customer in block-sized arrays and frees it between paths; by default glibc hands
//! freed memory back to the kernel and faults fresh 4 KiB pages in again, which cost a
//! quarter of a 1M-customer run. The tuning asks for:
//! * transparent huge pages for malloc'd memory (the kernel's default THP mode is "madvise");
//! * no trimming, and the mmap threshold at its maximum (32 MiB), so memory is reused;
//! * one arena: worker threads' own arenas live in mmap'd heaps that glibc shrinks page by
//!   page regardless of the trim threshold, which made two paths on two threads fault 11
//!   times as many pages. The hot loops do not allocate, so the shared lock is not contended.
//! bench/README.md §5 has the measurements. CLVSIM_MALLOC_TUNING=0 (or off, no, false) turns
//! it off; a GLIBC_TUNABLES that already sets glibc.malloc.hugetlb is left as it is.

//! The tunable of the tuning that makes glibc keep freed heap memory (up to 1 GiB of it).
inline constexpr const char* KEEP_HEAP_TUNABLE = "glibc.malloc.trim_threshold=1073741824";
//! Freed heap memory stays with the process (up to KEEP_HEAP_BYTES at the top of the heap):
//! this process runs with the tuning above.
inline constexpr std::size_t KEEP_HEAP_BYTES = std::size_t{1} << 30;
inline bool heap_is_kept()
{
  const char* current = std::getenv("GLIBC_TUNABLES");
  return current != nullptr && std::strstr(current, KEEP_HEAP_TUNABLE) != nullptr;
}

//! Sets GLIBC_TUNABLES for the tuning above, for a program about to be executed; false when
//! the tuning is off, already set, or unavailable (glibc older than 2.35).
inline bool set_malloc_tunables()
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
  const char* off = std::getenv("CLVSIM_MALLOC_TUNING");
  if (off != nullptr && (std::strcmp(off, "0") == 0 || std::strcmp(off, "off") == 0 || std::strcmp(off, "no") == 0 ||
                         std::strcmp(off, "false") == 0))
    return false;
  const char* current = std::getenv("GLIBC_TUNABLES");
  if (current != nullptr && std::strstr(current, "glibc.malloc.hugetlb") != nullptr) return false;
  std::string tunables = current != nullptr && *current != '\0' ? std::string(current) + ":" : std::string();
  tunables += std::string("glibc.malloc.hugetlb=1:") + KEEP_HEAP_TUNABLE +
              ":glibc.malloc.mmap_threshold=33554432:glibc.malloc.arena_max=1";
  return ::setenv("GLIBC_TUNABLES", tunables.c_str(), 1) == 0;
#else
  return false;
#endif
}

//! The tuning for this process: re-executes it with the tunables set (the `clvsim` launcher
//! sets them before executing the engine, so the engine finds them and goes on).
inline void tune_malloc(char** argv)
{
  const char* current = std::getenv("GLIBC_TUNABLES");
  const std::string saved = current != nullptr ? current : "";
  if (!set_malloc_tunables()) return;
  ::execv("/proc/self/exe", argv);  // returns only if it failed: run untuned
  if (current != nullptr) ::setenv("GLIBC_TUNABLES", saved.c_str(), 1);
  else ::unsetenv("GLIBC_TUNABLES");
}

}  // namespace clvsim
