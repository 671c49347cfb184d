// What a process learns of an MPI launcher without MPI (engine/run/mpi_driver.h): built with
// MPI or not, the launcher's environment is read the same way.
#include "engine/run/mpi_driver.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace clvsim::mpi {

namespace {

//! The size variables of the common launchers: Open MPI's mpirun, MPICH's and Intel MPI's
//! Hydra (PMI), MVAPICH, Slurm's srun with PMIx.
constexpr const char* SIZE_VARIABLES[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "MV2_COMM_WORLD_SIZE", "PMIX_SIZE"};
//! Set by every launcher above, with or without its size.
constexpr const char* RANK_VARIABLES[] = {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "MV2_COMM_WORLD_RANK", "PMIX_RANK"};

}  // namespace

bool launched()
{
  for (const char* name : RANK_VARIABLES)
    if (std::getenv(name) != nullptr) return true;
  return false;
}

int launched_size()
{
  if (!launched()) return 1;
  for (const char* name : SIZE_VARIABLES)
    if (const char* value = std::getenv(name)) {
      const int n = std::atoi(value);
      if (n > 0) return n;
    }
  return 0;
}

int Session::default_threads() const
{
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / std::max(1, local_size_));
}

}  // namespace clvsim::mpi
