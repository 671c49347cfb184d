#pragma once
//! Writing a report or export file the way every clvsim output is written: refused when it
//! exists (unless forced) before any work, written to "<path>.tmp-<pid>" and renamed into
//! place only when complete.
#include <string>

namespace clvsim::report {

//! Throws InputError "error: <what> '<path>' exists; use --force to overwrite" when `path`
//! exists and `force` is false, InputError when it is a directory, and IoError when its
//! directory does not exist. Call it before doing the work.
void check_output_path(const std::string& path, bool force, const std::string& what);

//! Writes `text` to `path` atomically (a temporary file in the same directory, renamed
//! into place); IoError naming the file when it cannot be written (the temporary file is
//! removed). Does not check for an existing file: see check_output_path.
void write_text_atomically(const std::string& path, const std::string& text, const std::string& what);

//! Writes `text` into `file` exactly (no temporary: the caller commits it); IoError naming
//! `display` when it cannot be written.
void write_text_file(const std::string& file, const std::string& text, const std::string& what,
                     const std::string& display);

//! The temporary file name write_text_atomically uses for `path`.
std::string temporary_path(const std::string& path);

}  // namespace clvsim::report
