#include "models/fit/parallel.h"

namespace clvsim::fit {

void run_in_order(std::size_t count, const std::function<void(std::size_t)>& body)
{
  for (std::size_t k = 0; k < count; ++k) body(k);
}

}  // namespace clvsim::fit
