// libFuzzer harness: the transaction log reader of `clvsim fit` and what is built from it
// (fit::read_transactions, summarize, collapse, write_summary_csv), and the survival table
// reader. The first byte picks the input: bit 0 a survival table (else a log), bits 1-2 the
// date format, bit 3 a log without amounts, bit 4 a holdout period, bits 5-6 the time unit. The
// customer summary fit writes is the population.history `clvsim run` reads: it must read back
// without a problem whenever its values are within the history's bounds.
#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/core/errors.h"
#include "models/fit/fit_models.h"
#include "models/fit/summary.h"
#include "models/fit/transactions.h"
#include "scenarios/history.h"

namespace {

using namespace clvsim;

void survival(const std::string& text)
{
  static const std::string path = "/tmp/clvsim_fuzz_survival_" + std::to_string(::getpid()) + ".csv";
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  try {
    (void)fit::read_survival_table(path);
  } catch (const InputError&) {}
  std::remove(path.c_str());
}

bool within_history_bounds(const fit::CustomerSummary& s)
{
  for (std::size_t i = 0; i < s.customers(); ++i)
    if (!(s.T[i] <= scenarios::MAX_HISTORY_TIME && s.m_x[i] <= scenarios::MAX_HISTORY_ORDER_VALUE &&
          std::isfinite(s.m_x[i])))
      return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  if (size == 0) return 0;
  const unsigned options = data[0];
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    if (options & 1) {
      survival(text);
      return 0;
    }
    static const char* formats[] = {"%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%m.%d.%Y"};
    fit::LogFormat format;
    format.date_format = fit::DateFormat(formats[(options >> 1) & 3]);
    if (options & 8) format.amount_column.clear();
    fit::SummaryOptions so;
    so.calibration_end = *format.date_format.parse(format.date_format.format() == "%Y-%m-%d"   ? "1997-09-30"
                                                   : format.date_format.format() == "%Y%m%d"   ? "19970930"
                                                   : format.date_format.format() == "%d/%m/%Y" ? "30/09/1997"
                                                                                               : "09.30.1997");
    if (options & 16) so.holdout_end = so.calibration_end + 273;
    const fit::TimeUnit units[] = {fit::TimeUnit::day, fit::TimeUnit::week, fit::TimeUnit::month, fit::TimeUnit::week};
    so.time_unit = units[(options >> 5) & 3];
    format.last_day = so.holdout_end.value_or(so.calibration_end);

    std::istringstream in(text);
    const fit::TransactionLog log = fit::read_transactions(in, "fuzz.csv", format);
    const fit::CustomerSummary summary = fit::summarize(log, so);
    (void)fit::collapse(summary.x, summary.t_x, summary.T);
    std::ostringstream csv;
    fit::write_summary_csv(summary, csv);
    if (within_history_bounds(summary)) {
      std::istringstream back(csv.str());
      std::vector<std::string> problems;
      const auto rows = scenarios::read_history(back, "summary.csv", models::PurchaseModel::bg_nbd, problems);
      if (!problems.empty() || rows.size() != summary.customers()) {
        std::fprintf(stderr, "fit's summary is not a valid history: %s\n",
                     problems.empty() ? "row count differs" : problems.front().c_str());
        std::abort();
      }
    }
  } catch (const InputError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "non-InputError exception: %s\n", e.what());
    std::abort();
  }
  return 0;
}
