#pragma once
//! Process-level memory tuning shared by the clvsim command and the benchmark runner.
#include <cstdlib>
#include <cstring>
#include <string>

#include <unistd.h>

namespace clvsim {

//! Memory tuning of glibc's malloc, applied by re-executing the program once with
//! GLIBC_TUNABLES set (glibc reads tunables only at start-up). A run allocates up to about 60 bytes
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
inline void tune_malloc(char** argv)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
  const char* off = std::getenv("CLVSIM_MALLOC_TUNING");
  if (off != nullptr && (std::strcmp(off, "0") == 0 || std::strcmp(off, "off") == 0 || std::strcmp(off, "no") == 0 ||
                         std::strcmp(off, "false") == 0))
    return;
  const char* current = std::getenv("GLIBC_TUNABLES");
  if (current != nullptr && std::strstr(current, "glibc.malloc.hugetlb") != nullptr) return;
  std::string tunables = current != nullptr && *current != '\0' ? std::string(current) + ":" : std::string();
  tunables += "glibc.malloc.hugetlb=1:glibc.malloc.trim_threshold=1073741824:glibc.malloc.mmap_threshold=33554432"
              ":glibc.malloc.arena_max=1";
  if (::setenv("GLIBC_TUNABLES", tunables.c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);  // returns only if it failed: run untuned
  ::unsetenv("GLIBC_TUNABLES");
  if (current != nullptr) ::setenv("GLIBC_TUNABLES", current, 1);
#else
  (void)argv;
#endif
}

}  // namespace clvsim
