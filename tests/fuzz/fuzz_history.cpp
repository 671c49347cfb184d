// libFuzzer harness: the population.history reader (scenarios::read_history, through the one
// CSV reader engine/core/csv.h). The first byte picks the purchase model (bg_nbd, pareto_nbd,
// sbg); the rest is the file. Every accepted row must be within the documented bounds, since
// the engine casts x and renewals to integers.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "engine/core/errors.h"
#include "scenarios/history.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  if (size == 0) return 0;
  using clvsim::models::PurchaseModel;
  const PurchaseModel models[] = {PurchaseModel::bg_nbd, PurchaseModel::pareto_nbd, PurchaseModel::sbg};
  const PurchaseModel model = models[data[0] % 3];
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  std::vector<std::string> problems;
  try {
    const auto rows = clvsim::scenarios::read_history(in, "fuzz.csv", model, problems);
    if (problems.empty() && rows.empty()) std::abort();  // no rows must be a problem
    for (const auto& c : rows) {
      const bool ok = c.x >= 0 && c.x <= clvsim::scenarios::MAX_HISTORY_ORDERS && c.t_x >= 0 && c.t_x <= c.T &&
                      c.T <= clvsim::scenarios::MAX_HISTORY_TIME && c.renewals >= 0 && c.m_x >= 0 &&
                      c.m_x <= clvsim::scenarios::MAX_HISTORY_ORDER_VALUE && !c.id.empty();
      if (!ok) {
        std::fprintf(stderr, "accepted a row out of bounds: x = %g, t_x = %g, T = %g, renewals = %d\n", c.x, c.t_x, c.T,
                     c.renewals);
        std::abort();
      }
    }
  } catch (const std::exception& e) {  // the reader reports problems, it does not throw
    std::fprintf(stderr, "exception: %s\n", e.what());
    std::abort();
  }
  return 0;
}
