#pragma once
//! The output files of one command, written together or not at all: each is checked before
//! any work (so a bad path costs no simulation), reserved as a registered temporary file
//! "<output>.tmp-<pid>" (engine/core/temp_files.h), written by the command, and renamed into
//! place by commit() only when every one is complete. Temporaries not committed are removed
//! when the set is destroyed (an exception), or by the signal handler (an interruption).
#include <memory>
#include <string>
#include <vector>

#include "engine/core/temp_files.h"

namespace clvsim {

class OutputSet {
public:
  //! `force`: existing outputs may be replaced.
  explicit OutputSet(bool force) : force_(force) {}
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  //! Checks `path` as an output called `what` ("results file") and creates its temporary
  //! file; returns the temporary's name, which the command writes. Removes the stale
  //! temporaries of `path` left by killed runs. Throws InputError (exit 2) when the path is
  //! empty, a directory, the same file as another output of the set, or exists without
  //! `force`; IoError (exit 3) when its directory does not exist or the temporary cannot be
  //! created (permissions, a read-only file system) -- nothing is left behind either way.
  std::string add(const std::string& path, const std::string& what);

  //! Renames every temporary into place, in the order added, with signals held meanwhile.
  //! Throws InputError if an output appeared meanwhile (without `force`), IoError if a rename
  //! fails (the outputs not yet renamed are removed).
  void commit();

  //! The outputs added, in order.
  const std::vector<std::string>& paths() const { return paths_; }

private:
  bool force_;
  std::vector<std::string> paths_, whats_, keys_;
  std::vector<std::unique_ptr<temp_files::TempFile>> temps_;  // destroyed: uncommitted ones removed
};

}  // namespace clvsim
