// The Session of a clvsim built without MPI (-DCLVSIM_MPI=OFF, or no MPI found): always one
// process (engine/run/mpi_driver.h). The command line refuses to run under a launcher that
// started more than one process (engine/cli/main.cpp).
#include "engine/run/mpi_driver.h"

#include <cstdlib>
#include <stdexcept>

namespace clvsim::mpi {

bool built_with_mpi()
{
  return false;
}

Session::Session(int*, char***) {}

Session::~Session() = default;

Session::Outcome Session::agree(int code)
{
  return {code, true};
}

void Session::fail_working(int, const std::string&) const
{
  throw std::logic_error("clvsim was built without MPI: no session to fail");  // never active, never working
}

void Session::barrier() const {}

int Session::broadcast(int value) const
{
  return value;
}

std::unique_ptr<runner::UnitExchange> make_exchange(Session&, runner::Journal*, std::function<void(const std::string&)>)
{
  throw std::logic_error("clvsim was built without MPI: no MPI exchange");
}

}  // namespace clvsim::mpi
