#pragma once
//! Checkpoint and restart (`clvsim run --checkpoint FILE [--resume]`, docs/scaling.md): a
//! journal of the run's finished units (engine/run/unit.h), appended as each unit finishes,
//! so a run that is stopped (preempted, killed, out of time) continues where it stopped and
//! gives the same bits as an uninterrupted run.
//!
//! File layout (host byte order; the header records it):
//!
//!   header   8 bytes "CLVSIMCK", u32 0x01020304 (byte order), u32 JOURNAL_FORMAT,
//!            u32 M, M bytes of manifest text, u32 CRC-32 of the manifest text
//!   records  one per finished unit, appended:
//!            u32 0x54494E55 ("UNIT" read as little-endian bytes), u32 path, u64 L (payload bytes),
//!            u32 CRC-32 of the payload, u32 CRC-32 of the 20 bytes before it,
//!            then the L bytes of the payload: the unit's record (engine/run/unit.h)
//!
//! CRC-32 is zlib's (polynomial 0xEDB88320, as Python's zlib.crc32). The manifest is
//! "key = value" lines (a backslash and a newline in a value written \\ and \n): what makes the
//! units what they are (run_manifest()). The header is written to a temporary file, synced
//! and renamed into place, so it is whole or absent. A record is written with one write() as
//! its unit finishes (a killed process loses only the units it was simulating), and the
//! journal is synced (fdatasync) after each batch of units and at least every SYNC_SECONDS
//! while records are appended (a machine that stops loses at most the records of that
//! time); a record cut short by a stop (a torn write), a record
//! whose header is damaged and everything after it, or a record whose payload does not
//! match its CRC is found on --resume, reported, and its unit runs again: a torn tail and a
//! damaged header are cut off the file, a record with a bad payload is skipped in place.
#include "engine/run/exchange.h"
#include "scenarios/scenario.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clvsim::runner {

//! Version of the journal layout above.
inline constexpr std::uint32_t JOURNAL_FORMAT = 1;
//! The longest time appended records wait for a sync.
inline constexpr double SYNC_SECONDS = 1.0;

//! zlib's CRC-32 of `bytes`, continuing from `crc` (0 to start).
std::uint32_t crc32(std::span<const std::byte> bytes, std::uint32_t crc = 0);

//! FNV-1a 64-bit hash of a text, as 16 hexadecimal digits (a fingerprint of the scenario's
//! text and of the history's rows: it tells a changed input, it is no protection against a
//! forged one).
std::string fnv1a64_hex(std::string_view text);

//! The manifest of a run: named values, in order.
struct Manifest {
  std::vector<std::pair<std::string, std::string>> fields;

  //! The manifest as text ("key = value" lines).
  std::string text() const;
  //! The manifest of a text written by text() (lines without " = " are skipped).
  static Manifest parse(std::string_view text);
  //! The values of `key`, in order (a key may repeat: one "set" per --set).
  std::vector<std::string> values(std::string_view key) const;
};

//! What makes a run's units what they are: the clvsim version, the scenario's text (hash) and
//! file (not compared: a file may move), the history's rows (hash), paths, seed, the --set
//! overrides other than --paths/--seed, the --sweep grids and the kernel. Threads and the
//! number of MPI ranks are not in it: they never change results.
Manifest run_manifest(const scenarios::Scenario& scenario, const std::vector<std::string>& sets,
                      const std::vector<std::string>& sweeps, const std::string& kernel, const std::string& version);

//! The content hash of a run: FNV-1a 64 (16 hexadecimal digits) of the text of `manifest`'s
//! fields that decide the results -- every field but the scenario file, which may move. Runs
//! with equal hashes have the same version, scenario text, history, paths, seed, --set,
//! --sweep and kernel; it is recorded as the results file's `run_hash` (`clvsim batch` reuses
//! a result only when it matches).
std::string run_hash(const Manifest& manifest);

//! A checkpoint file, open for appending.
class Journal {
public:
  //! A readable record: its unit's path, where its payload is and how long.
  struct Entry {
    std::uint32_t path = 0;
    std::uint64_t offset = 0, bytes = 0;
  };

  //! Opens `path` for a run whose manifest is `manifest`. Without `resume` a new journal
  //! replaces the file (which may exist only with `force`); with `resume` the file is read
  //! (a missing one is started afresh): its manifest must equal `manifest`, its readable
  //! records are listed (entries()), and a torn or damaged tail is cut off. Throws
  //! InputError (exit 2) when the file exists without resume or force, is not a checkpoint,
  //! or its manifest differs (the message names every difference); IoError when it cannot be
  //! read or written.
  Journal(std::string path, const Manifest& manifest, bool resume, bool force);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  const std::string& path() const { return path_; }
  //! The readable records found when opening, in file order.
  const std::vector<Entry>& entries() const { return entries_; }
  //! What opening found and did, one line each (a new journal, records damaged, a tail cut off).
  const std::vector<std::string>& notes() const { return notes_; }
  //! The payload of an entry.
  std::vector<std::byte> read(const Entry& entry) const;
  //! Appends the record of a unit (one write; a sync if the last was SYNC_SECONDS ago). Safe to
  //! call from several threads.
  void append(std::uint32_t path, std::span<const std::byte> payload);
  //! Makes the records appended so far durable (fdatasync), if there are new ones.
  void sync();

private:
  void create(const Manifest& manifest);
  void scan(const Manifest& manifest);
  void sync_locked();

  std::string path_;
  int fd_ = -1;
  std::vector<Entry> entries_;
  std::vector<std::string> notes_;
  std::mutex mutex_;
  bool unsynced_ = false;
  std::chrono::steady_clock::time_point last_sync_ = std::chrono::steady_clock::now();
};

//! Folds the journal's units that fit this run (each path once) and returns which paths
//! were folded ([path] = 1). A record that does not decode into a unit of this run is
//! reported through `note` and its path is not marked.
std::vector<char> fold_journal(const Journal& journal, const UnitCodec& codec, int paths, const FoldUnit& fold,
                               const std::function<void(const std::string&)>& note);

//! The exchange of a one-process run with a checkpoint: the journal's units are folded
//! first, the other paths are simulated here and journalled as they finish.
class CheckpointExchange : public UnitExchange {
public:
  //! `note` receives what the journal's records held (e.g. "12 of 40 paths done").
  CheckpointExchange(Journal& journal, std::function<void(const std::string&)> note);
  bool folds() const override { return true; }
  std::vector<std::uint32_t> start(const UnitCodec& codec, int paths, const FoldUnit& fold) override;
  void finished(const PathUnit& unit) override;
  void batch_done(const FoldUnit& fold) override;
  void finish(const FoldUnit& fold) override;

private:
  Journal& journal_;
  std::function<void(const std::string&)> note_;
  const UnitCodec* codec_ = nullptr;
};

}  // namespace clvsim::runner
