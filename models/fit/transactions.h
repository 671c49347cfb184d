#pragma once
//! Streaming reader of a transaction log CSV (docs/model.md §13): one row per transaction with a
//! customer id, a date and (optionally) an amount. Same-day transactions of a customer are
//! merged into one (amounts summed). The file is read line by line; only the parsed rows
//! (16 bytes each) and the distinct customer ids are kept.
#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "models/fit/dates.h"

namespace clvsim::fit {

//! How to read a transaction log.
struct LogFormat {
  std::string id_column = "customer_id";
  std::string date_column = "date";
  std::string amount_column = "amount";  //!< empty: the log has no amounts (no gamma-gamma fit)
  DateFormat date_format;                //!< default %Y-%m-%d
  //! Rows dated after this day are validated but not kept (e.g. the holdout end).
  std::optional<int> last_day;
};

//! One customer-day after merging: `customer` indexes TransactionLog::customer_ids,
//! `day` is a day number (dates.h), `amount` the sum of that day's amounts (0 without amounts).
struct Transaction {
  std::uint32_t customer;
  std::int32_t day;
  double amount;
};

//! A parsed transaction log.
struct TransactionLog {
  std::string source;                     //!< file name used in messages
  std::vector<std::string> customer_ids;  //!< in order of first appearance
  std::vector<Transaction> transactions;  //!< merged, sorted by (customer, day)
  bool has_amounts = false;
  std::size_t rows_read = 0;  //!< data rows in the file
  std::size_t rows_kept = 0;  //!< rows on or before LogFormat::last_day, before merging
};

//! Reads `path` through engine/core/csv.h (quoted fields, BOM, CRLF). Throws IoError when the
//! file cannot be opened or read, InputError for a missing header or column, and one
//! InputError listing every bad row ("error: file:line: ...", up to csv::MAX_PROBLEMS): a
//! short/long row, an unterminated quote, an empty customer id, a bad date or a bad or
//! negative amount.
TransactionLog read_transactions(const std::string& path, const LogFormat& format);
//! Same, from a stream; `name` is used in the messages.
TransactionLog read_transactions(std::istream& in, const std::string& name, const LogFormat& format);

}  // namespace clvsim::fit
