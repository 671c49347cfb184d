#pragma once
//! Temporary output files: every clvsim writer writes "<output>.tmp-<pid>" and renames it into
//! place when complete. Each such file is registered here while it exists, so that a signal
//! handler can remove them all (remove_all_registered() is async-signal-safe) and say which
//! outputs were not written; remove_stale() deletes the temporaries a killed run (kill -9, a
//! crash, a power cut) left behind. Layer-free: the standard library and POSIX only.
#include <cstddef>
#include <string>

namespace clvsim::temp_files {

//! "<path>.tmp-<pid of this process>".
std::string temporary_path(const std::string& path);

//! Registers `tmp` (a file about to be created) for removal by remove_all_registered();
//! `label` names the output in the interrupted message (e.g. "results file 'out.h5'").
//! At most MAX_REGISTERED files at once (std::length_error beyond: a programming error).
void add(const std::string& tmp, const std::string& label);

//! Forgets `tmp` (after it was renamed into place or removed).
void forget(const std::string& tmp);

//! Files registered at most at once.
constexpr std::size_t MAX_REGISTERED = 64;

//! Async-signal-safe: unlinks every registered file and writes to file descriptor `fd`
//! "interrupted: <label>, <label> not written\n" (or "interrupted: nothing was being written\n").
void remove_all_registered(int fd) noexcept;

//! Removes "<name>.tmp-<pid>..." regular files in the directory of `path` (name = its file
//! name) whose process <pid> no longer exists: temporaries of a run that was killed. Returns
//! how many were removed; never throws (a file it cannot remove stays).
std::size_t remove_stale(const std::string& path) noexcept;

//! Installs the handler of SIGINT, SIGTERM, SIGHUP and SIGQUIT: it removes every registered
//! file, writes the interrupted message to stderr and ends the process with 128 + the
//! signal's number (130, 143, 129, 131). While a commit is in progress (begin_commit) the
//! signal is held until end_commit(), so a set of outputs is renamed into place whole. Also
//! ignores SIGXFSZ, so a file-size limit fails the write (an I/O error) instead of killing.
void install_signal_handlers();

//! From now on the handler removes the registered files without a word: for a process whose
//! interruption another one reports (an MPI rank other than 0: rank 0 writes and speaks).
void quiet_when_interrupted() noexcept;

//! Holds signals until end_commit(), which acts on a held one (exits 128 + signal, saying that
//! every output was written).
void begin_commit() noexcept;
void end_commit() noexcept;

//! A registered temporary file that is removed when the object is destroyed, unless
//! release()d (after it was renamed into place).
class TempFile {
public:
  //! Registers temporary_path(path) with `label`; creates nothing.
  TempFile(const std::string& path, const std::string& label);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  //! The temporary file's name.
  const std::string& path() const { return tmp_; }
  //! The file was renamed into place: do not remove it, forget it.
  void release();

private:
  std::string tmp_;
  bool owned_ = true;
};

}  // namespace clvsim::temp_files
