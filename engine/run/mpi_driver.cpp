// The MPI driver (engine/run/mpi_driver.h), built when CMake finds MPI.
//
// Messages (MPI_COMM_WORLD, point to point, only to rank 0): per unit, a TAG_HEAD message
// of two u64 (the record's bytes, the unit's path), then the record in TAG_DATA messages of
// at most CHUNK bytes each. MPI does not let messages of one sender with one tag overtake
// each other, so rank 0 takes the data of the head it received next from the same sender.
// Collectives (all on MPI_COMM_WORLD, non-blocking and polled): Session's agree (an int per
// rank), barrier and broadcast (an int from rank 0), and the exchange's broadcast of the
// paths already done (a byte per path).
// With fewer paths than ranks (customer-block units, docs/scaling.md §8) no unit is sent: the
// ranks share each path's blocks, and per period allgather their blocks' tally rows (a u64
// count per rank, then the rows), and at the end of each path variant gather their blocks'
// customers to rank 0 (a u64 count per rank, then the bytes, in CHUNK-sized pieces).
// An error on a rank other than 0 while working: a TAG_ERROR message to rank 0 (an int exit
// code, then the message), which prints it and ends the job (Session::fail_working).
#include "engine/run/mpi_driver.h"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

namespace clvsim::mpi {

namespace {

constexpr int TAG_HEAD = 1, TAG_DATA = 2, TAG_ERROR = 3, TAG_BLOCKS = 4;
constexpr std::size_t CHUNK = std::size_t{1} << 30;
//! How long a rank that met an error while working waits for rank 0 to print it and end the
//! job before it does so itself (rank 0 may be busy with a batch of paths, or gone).
constexpr auto ERROR_GRACE = std::chrono::seconds(60);

//! Rank 0: if another rank reported an error (Session::fail_working), prints it and ends the job.
void abort_on_reported_error()
{
  int rank = 0, waiting = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank != 0) return;
  MPI_Status status;
  MPI_Iprobe(MPI_ANY_SOURCE, TAG_ERROR, MPI_COMM_WORLD, &waiting, &status);
  if (!waiting) return;
  int bytes = 0;
  MPI_Get_count(&status, MPI_CHAR, &bytes);
  std::string report(static_cast<std::size_t>(std::max(bytes, 4)), '\0');  // int code, then the message
  MPI_Recv(report.data(), bytes, MPI_CHAR, status.MPI_SOURCE, TAG_ERROR, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  int code = 1;
  std::memcpy(&code, report.data(), sizeof code);
  std::fprintf(stderr, "%s\n", report.c_str() + sizeof code);
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, code);
}

//! Polls `ready` until it is true, sleeping between polls (20 us growing to 2 ms): a blocking
//! MPI wait spins, and a spinning rank takes a core from the ranks (or threads) that compute.
//! Rank 0 meanwhile watches for errors other ranks report.
template <class Ready>
void wait_politely(const Ready& ready)
{
  auto pause = std::chrono::microseconds(20);
  while (!ready()) {
    abort_on_reported_error();
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(2000));
  }
}

void wait_politely(MPI_Request& request)
{
  wait_politely([&] {
    int done = 0;
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    return done != 0;
  });
}

std::string bytes_text(double b)
{
  char buf[32];
  if (b >= 1024.0 * 1024)
    std::snprintf(buf, sizeof buf, "%.1f MiB", b / (1024.0 * 1024));
  else
    std::snprintf(buf, sizeof buf, "%.1f KiB", b / 1024.0);
  return buf;
}

//! The customer-block exchange of the ranks (runner::BlockExchange): allgather and gather
//! of byte buffers, sizes first, waiting politely. Counts the bytes this rank received.
class MpiBlocks final : public runner::BlockExchange {
public:
  MpiBlocks(int rank, int size) : rank_(rank), size_(size) {}
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  std::vector<std::vector<std::byte>> allgather(std::vector<std::byte> mine) override
  {
    const std::vector<std::uint64_t> sizes = all_sizes(mine.size(), true);
    std::vector<int> counts(static_cast<std::size_t>(size_)), displs(counts.size());
    std::uint64_t total = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) {
      if (total + sizes[r] > static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
        throw std::runtime_error("the ranks' tallies of one exchange exceed 2 GiB");
      displs[r] = static_cast<int>(total);
      counts[r] = static_cast<int>(sizes[r]);
      total += sizes[r];
    }
    std::vector<std::byte> all(static_cast<std::size_t>(total));
    MPI_Request request;
    MPI_Iallgatherv(mine.data(), static_cast<int>(mine.size()), MPI_BYTE, all.data(), counts.data(), displs.data(),
                    MPI_BYTE, MPI_COMM_WORLD, &request);
    wait_politely(request);
    std::vector<std::vector<std::byte>> out(counts.size());
    for (std::size_t r = 0; r < counts.size(); ++r) {
      if (static_cast<int>(r) == rank_) {
        out[r] = std::move(mine);
        continue;
      }
      out[r].assign(all.begin() + displs[r], all.begin() + displs[r] + counts[r]);
      bytes_ += static_cast<std::uint64_t>(counts[r]);
    }
    ++exchanges_;
    return out;
  }

  std::vector<std::vector<std::byte>> gather(std::vector<std::byte> mine) override
  {
    const std::vector<std::uint64_t> sizes = all_sizes(mine.size(), false);
    std::vector<std::vector<std::byte>> out;
    std::vector<MPI_Request> requests;
    if (rank_ == 0) {
      out.resize(static_cast<std::size_t>(size_));
      for (int r = 1; r < size_; ++r) {
        std::vector<std::byte>& in = out[static_cast<std::size_t>(r)];
        in.resize(static_cast<std::size_t>(sizes[static_cast<std::size_t>(r)]));
        for (std::size_t at = 0; at < in.size(); at += CHUNK) {
          requests.emplace_back();
          MPI_Irecv(in.data() + at, static_cast<int>(std::min(CHUNK, in.size() - at)), MPI_BYTE, r, TAG_BLOCKS,
                    MPI_COMM_WORLD, &requests.back());
        }
        bytes_ += in.size();
      }
      out[0] = std::move(mine);
    } else {
      for (std::size_t at = 0; at < mine.size(); at += CHUNK) {
        requests.emplace_back();
        MPI_Isend(mine.data() + at, static_cast<int>(std::min(CHUNK, mine.size() - at)), MPI_BYTE, 0, TAG_BLOCKS,
                  MPI_COMM_WORLD, &requests.back());
      }
    }
    wait_politely([&] {
      int done = 0;
      MPI_Testall(static_cast<int>(requests.size()), requests.data(), &done, MPI_STATUSES_IGNORE);
      return done != 0;
    });
    return out;
  }

  //! Bytes this rank received from the others, and the number of allgathers.
  std::uint64_t bytes() const { return bytes_; }
  std::uint64_t exchanges() const { return exchanges_; }

private:
  //! Every rank's `n` (all: on every rank; else on rank 0).
  std::vector<std::uint64_t> all_sizes(std::size_t n, bool all) const
  {
    const std::uint64_t mine = n;
    std::vector<std::uint64_t> sizes(static_cast<std::size_t>(size_));
    MPI_Request request;
    if (all)
      MPI_Iallgather(&mine, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD, &request);
    else
      MPI_Igather(&mine, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, 0, MPI_COMM_WORLD, &request);
    wait_politely(request);
    return sizes;
  }

  const int rank_, size_;
  std::uint64_t bytes_ = 0, exchanges_ = 0;
};

//! One rank's side of the run: see make_exchange. With MPI_THREAD_SERIALIZED (Open MPI and
//! MPICH give it) the worker that finishes a unit sends it at once (other ranks), or takes in
//! the records that arrived and journals them (rank 0), under one lock, so the journal keeps
//! up with every rank while rank 0's own batch runs; with only MPI_THREAD_FUNNELED, records
//! move between batches, on the main thread.
class MpiExchange final : public runner::UnitExchange {
public:
  MpiExchange(const Session& session, runner::Journal* journal, std::function<void(const std::string&)> note)
      : rank_(session.rank()),
        size_(session.size()),
        serialized_(session.thread_level() >= MPI_THREAD_SERIALIZED),
        journal_(journal),
        note_(std::move(note))
  {}

  bool folds() const override { return rank_ == 0; }

  std::vector<std::uint32_t> start(const runner::UnitCodec& codec, int paths, const runner::FoldUnit& fold) override
  {
    codec_ = &codec;
    std::vector<char> done(static_cast<std::size_t>(paths), 0);
    if (rank_ == 0 && journal_) done = runner::fold_journal(*journal_, codec, paths, fold, note_);
    MPI_Request request;
    MPI_Ibcast(done.data(), paths, MPI_CHAR, 0, MPI_COMM_WORLD, &request);
    wait_politely(request);
    std::vector<std::uint32_t> remaining, mine;
    for (int p = 0; p < paths; ++p)
      if (!done[static_cast<std::size_t>(p)]) remaining.push_back(static_cast<std::uint32_t>(p));
    if (!remaining.empty() && remaining.size() < static_cast<std::size_t>(size_)) {
      // Fewer paths than ranks: customer-block units. Every rank runs every path on its share
      // of the blocks; no unit is sent (rank 0's are complete).
      blocks_ = std::make_unique<MpiBlocks>(rank_, size_);
      if (rank_ == 0)
        note_("mpi: " + std::to_string(remaining.size()) + " paths to run on " + std::to_string(size_) +
              " ranks, fewer paths than ranks: each path's customer blocks are shared out (block b to rank b mod " +
              std::to_string(size_) + "), the shop's tallies exchanged every period (docs/scaling.md §8)");
      return remaining;
    }
    for (std::size_t i = static_cast<std::size_t>(rank_); i < remaining.size(); i += static_cast<std::size_t>(size_))
      mine.push_back(remaining[i]);
    if (rank_ == 0) expected_ = remaining.size() - mine.size();
    return mine;
  }

  runner::BlockExchange* blocks() override { return blocks_.get(); }

  void finished(const runner::PathUnit& unit) override
  {
    if (blocks_) {  // customer-block units: rank 0's unit is the path's; nothing to send
      if (rank_ == 0 && journal_) journal_->append(unit.path, codec_->encode(unit));
      return;
    }
    if (rank_ == 0) {
      if (journal_) journal_->append(unit.path, codec_->encode(unit));
      if (serialized_) {
        std::lock_guard<std::mutex> lock(mpi_mutex_);
        receive(false);
      }
      return;
    }
    Outgoing out;
    out.record = codec_->encode(unit);
    out.head[0] = out.record.size();
    out.head[1] = unit.path;
    std::lock_guard<std::mutex> lock(mpi_mutex_);
    outbox_.push_back(std::move(out));
    if (serialized_) {
      send_outbox();
      sends_done();
    }
  }

  void batch_done(const runner::FoldUnit& fold) override
  {
    std::lock_guard<std::mutex> lock(mpi_mutex_);
    if (rank_ == 0) {
      receive(false);
      fold_arrived(fold);
    } else {
      send_outbox();
      sends_done();
    }
  }

  void finish(const runner::FoldUnit& fold) override
  {
    std::lock_guard<std::mutex> lock(mpi_mutex_);
    if (rank_ == 0) {
      receive(true);
      fold_arrived(fold);
      if (blocks_ && blocks_->exchanges() > 0)
        note_("mpi: customer-block units: " + bytes_text(static_cast<double>(blocks_->bytes())) +
              " received by rank 0 from ranks 1-" + std::to_string(size_ - 1) + " (" +
              std::to_string(blocks_->exchanges()) + " allgathers of tallies, and the customers' gathers)");
      if (received_ > 0)
        note_("mpi: " + std::to_string(received_) + " units from ranks 1-" + std::to_string(size_ - 1) + ", " +
              bytes_text(static_cast<double>(bytes_received_)) + " (" +
              bytes_text(static_cast<double>(bytes_received_) / static_cast<double>(received_)) + " per unit)");
    } else {
      send_outbox();
      wait_politely([&] { return sends_done(); });
    }
  }

private:
  //! A unit's record on its way to rank 0: the head, the record, their requests.
  struct Outgoing {
    std::uint64_t head[2];  //!< record bytes, path
    std::vector<std::byte> record;
    std::vector<MPI_Request> requests;
  };

  //! Rank 0: takes in (and journals) the records other ranks sent, until none is waiting, or
  //! (`all`) until every expected one arrived.
  void receive(bool all)
  {
    abort_on_reported_error();
    while (received_ < expected_) {
      int waiting = 0;
      MPI_Status status;
      MPI_Iprobe(MPI_ANY_SOURCE, TAG_HEAD, MPI_COMM_WORLD, &waiting, &status);
      if (!waiting) {
        if (!all) return;
        wait_politely([&] {
          MPI_Iprobe(MPI_ANY_SOURCE, TAG_HEAD, MPI_COMM_WORLD, &waiting, &status);
          return waiting != 0;
        });
      }
      const int source = status.MPI_SOURCE;
      std::uint64_t head[2];
      MPI_Recv(head, 2, MPI_UINT64_T, source, TAG_HEAD, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      std::vector<std::byte> record(static_cast<std::size_t>(head[0]));
      for (std::size_t at = 0; at < record.size(); at += CHUNK) {
        const std::size_t n = std::min(CHUNK, record.size() - at);
        MPI_Recv(record.data() + at, static_cast<int>(n), MPI_BYTE, source, TAG_DATA, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
      }
      if (journal_) journal_->append(static_cast<std::uint32_t>(head[1]), record);
      bytes_received_ += record.size() + sizeof head;
      arrived_.push_back({source, std::move(record)});
      ++received_;
    }
  }

  //! Rank 0: folds the records taken in (on the main thread).
  void fold_arrived(const runner::FoldUnit& fold)
  {
    if (journal_) journal_->sync();
    for (auto& [source, record] : arrived_) {
      std::optional<runner::PathUnit> unit = codec_->decode(record);
      if (!unit) throw std::runtime_error("rank " + std::to_string(source) + " sent a record that rank 0 cannot read");
      record = {};
      fold(std::move(*unit));
    }
    arrived_.clear();
  }

  //! Other ranks: starts sending the units in the outbox.
  void send_outbox()
  {
    for (Outgoing& out : outbox_) {
      Outgoing& o = in_flight_.emplace_back(std::move(out));
      o.requests.emplace_back();
      MPI_Isend(o.head, 2, MPI_UINT64_T, 0, TAG_HEAD, MPI_COMM_WORLD, &o.requests.back());
      for (std::size_t at = 0; at < o.record.size(); at += CHUNK) {
        const std::size_t n = std::min(CHUNK, o.record.size() - at);
        o.requests.emplace_back();
        MPI_Isend(o.record.data() + at, static_cast<int>(n), MPI_BYTE, 0, TAG_DATA, MPI_COMM_WORLD, &o.requests.back());
      }
    }
    outbox_.clear();
  }

  //! Other ranks: frees the records that have left; true when none is left in flight.
  bool sends_done()
  {
    for (auto it = in_flight_.begin(); it != in_flight_.end();) {
      int done = 0;
      MPI_Testall(static_cast<int>(it->requests.size()), it->requests.data(), &done, MPI_STATUSES_IGNORE);
      it = done ? in_flight_.erase(it) : std::next(it);
    }
    return in_flight_.empty();
  }

  const int rank_, size_;
  const bool serialized_;
  runner::Journal* journal_;
  std::function<void(const std::string&)> note_;
  const runner::UnitCodec* codec_ = nullptr;
  std::mutex mpi_mutex_;  //!< one MPI call at a time (MPI_THREAD_SERIALIZED), and the members below
  std::size_t expected_ = 0, received_ = 0;
  std::uint64_t bytes_received_ = 0;
  std::vector<std::pair<int, std::vector<std::byte>>> arrived_;  //!< rank 0: (source, record), not folded yet
  std::vector<Outgoing> outbox_;
  std::list<Outgoing> in_flight_;      //!< a list: MPI holds pointers into its elements
  std::unique_ptr<MpiBlocks> blocks_;  //!< customer-block units (fewer paths than ranks), else null
};

}  // namespace

bool built_with_mpi()
{
  return true;
}

Session::Session(int* argc, char*** argv)
{
  if (!launched()) return;
  MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &thread_level_);
  active_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm local;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &local);
  MPI_Comm_size(local, &local_size_);
  MPI_Comm_free(&local);
}

Session::~Session()
{
  if (active_) MPI_Finalize();
}

Session::Outcome Session::agree(int code)
{
  if (!active_) return {code, true};
  std::vector<int> codes(static_cast<std::size_t>(size_));
  MPI_Request request;
  MPI_Iallgather(&code, 1, MPI_INT, codes.data(), 1, MPI_INT, MPI_COMM_WORLD, &request);
  wait_politely(request);
  for (int r = 0; r < size_; ++r)
    if (codes[static_cast<std::size_t>(r)] != 0) return {codes[static_cast<std::size_t>(r)], r == rank_};
  working_ = true;
  return {0, false};
}

void Session::fail_working(int code, const std::string& message) const
{
  if (rank_ != 0) {
    // Rank 0 prints it and ends the job, so that ranks failing at once print one message.
    std::string report(sizeof code, '\0');
    std::memcpy(report.data(), &code, sizeof code);
    report += message;
    MPI_Request request;
    MPI_Isend(report.data(), static_cast<int>(report.size() + 1), MPI_CHAR, 0, TAG_ERROR, MPI_COMM_WORLD, &request);
    const auto until = std::chrono::steady_clock::now() + ERROR_GRACE;
    wait_politely([&] { return std::chrono::steady_clock::now() > until; });
  }
  std::fprintf(stderr, "%s\n", message.c_str());
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, code);
  std::abort();  // MPI_Abort does not return
}

void Session::barrier() const
{
  if (!active_) return;
  MPI_Request request;
  MPI_Ibarrier(MPI_COMM_WORLD, &request);
  wait_politely(request);
}

int Session::broadcast(int value) const
{
  if (!active_) return value;
  MPI_Request request;
  MPI_Ibcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD, &request);
  wait_politely(request);
  return value;
}

std::unique_ptr<runner::UnitExchange> make_exchange(Session& session, runner::Journal* journal,
                                                    std::function<void(const std::string&)> note)
{
  return std::make_unique<MpiExchange>(session, journal, std::move(note));
}

}  // namespace clvsim::mpi
