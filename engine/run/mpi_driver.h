#pragma once
//! The MPI driver (`mpirun -np N clvsim run ...`, docs/scaling.md): the run's units (a path
//! with all its variants, engine/run/unit.h) are dealt out to the ranks round-robin, each
//! rank simulates its own with `--threads` threads, and sends each unit's record to rank 0,
//! which folds it exactly as a one-process run folds its own (and journals it, with
//! --checkpoint), so the results are bitwise those of one process for any number of ranks.
//! No floating-point value is reduced by MPI: records are gathered and folded in the fixed
//! order. One thread of a rank calls MPI at a time (MPI_THREAD_SERIALIZED), and a rank that
//! waits (rank 0 for records, the others for their sends to leave or at the end) polls and
//! sleeps instead of spinning, so it does not take a core from the ranks that compute.
//!
//! Built when CMake finds MPI (-DCLVSIM_MPI=AUTO, the default; ON requires it, OFF leaves it
//! out); without it, mpi_absent.cpp gives a one-process Session. A process started without
//! an MPI launcher never initialises MPI and runs as one process.
#include "engine/run/checkpoint.h"
#include "engine/run/exchange.h"

#include <functional>
#include <memory>
#include <string>

namespace clvsim::mpi {

//! Whether this clvsim was built with MPI.
bool built_with_mpi();

//! Whether an MPI launcher started this process (its environment: Open MPI's
//! OMPI_COMM_WORLD_RANK, PMI_RANK of MPICH's and Intel MPI's Hydra, MVAPICH's, PMIx's).
bool launched();

//! The number of processes the launcher started: 1 without a launcher, 0 when the launcher's
//! environment does not say.
int launched_size();

//! MPI for the life of the process: started by the constructor when clvsim was built with MPI
//! and an MPI launcher started it, finalised by the destructor.
class Session {
public:
  Session(int* argc, char*** argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  //! Whether MPI is running (also with one rank: `mpirun -np 1`).
  bool active() const { return active_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  //! Whether this rank writes the results and prints (rank 0, or a process without MPI).
  bool root() const { return rank_ == 0; }
  //! Ranks on this rank's machine (MPI_COMM_TYPE_SHARED).
  int local_size() const { return local_size_; }
  //! Worker threads of a rank when --threads is 0: the machine's cores shared by its ranks.
  int default_threads() const;
  //! The thread support MPI gave (MPI_THREAD_FUNNELED or more; MPI_THREAD_SERIALIZED asked).
  int thread_level() const { return thread_level_; }

  //! How an input stage ended on every rank: the exit code they share (0 = every rank may
  //! work) and whether this rank prints its error (the lowest rank that met one).
  struct Outcome {
    int code = 0;
    bool print = false;
  };
  //! Collective, once per run: each rank calls it when its input stage ends, with 0 (it
  //! succeeded: called before the work) or the exit code of the error it met (called from
  //! main's error handler). After an outcome of 0 the ranks are working().
  Outcome agree(int code);
  //! Whether every rank passed its input stage: an error from now on ends the job (fail_working()).
  bool working() const { return working_; }
  //! Ends every rank of the job with `code` (MPI_Abort) after printing `message` once: rank 0
  //! prints its own, another rank sends its to rank 0, which prints it and ends the job when
  //! it next looks (between its batches of paths, or while it waits); if rank 0 does not
  //! within a minute, the rank prints and ends the job itself.
  [[noreturn]] void fail_working(int code, const std::string& message) const;
  //! Waits until every rank calls it (the end of a run), without spinning.
  void barrier() const;
  //! Collective: rank 0's `value` on every rank (a decision rank 0 alone can take, such as
  //! clvsim batch's skipping of a scenario whose results exist); `value` without MPI.
  int broadcast(int value) const;

private:
  bool active_ = false, working_ = false;
  int rank_ = 0, size_ = 1, local_size_ = 1, thread_level_ = 0;
};

//! The exchange of this rank (the session is active): the paths not in `journal` dealt out
//! round-robin (rank r simulates the r-th, (r + N)-th, ... of them), records sent to rank 0,
//! which folds them and appends them to `journal` (rank 0's, may be null; other ranks pass
//! null). `note` receives rank 0's notes (the journal's paths done, idle ranks).
std::unique_ptr<runner::UnitExchange> make_exchange(Session& session, runner::Journal* journal,
                                                    std::function<void(const std::string&)> note);

}  // namespace clvsim::mpi
