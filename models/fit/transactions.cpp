#include "models/fit/transactions.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <string_view>

#include "engine/core/csv.h"
#include "engine/core/errors.h"

namespace clvsim::fit {

namespace {

//! The first of `wanted` missing from the header, as an InputError naming the header (with a
//! separator hint).
void check_columns(const csv::Reader& reader, const std::vector<std::string>& wanted)
{
  for (const auto& w : wanted)
    if (!reader.column(w))
      throw InputError("error: " + reader.name() + ":" + std::to_string(reader.line()) + ": missing column '" + w +
                       "' (header: " + csv::excerpt(reader.header_line()) + ")" + reader.separator_hint());
}

//! Customer id -> index into `ids`: open addressing with linear probing over a power-of-two
//! table of (hash, index) slots. A node-based std::unordered_map spent half of a
//! 2.8M-row read in its bucket chains and rehashes (one allocation per customer).
class IdIndex {
public:
  explicit IdIndex(std::vector<std::string>& ids) : ids_(ids) { slots_.assign(1u << 12, Slot{}); }

  //! The index of `id`, appending it to `ids` when it is new; sets `inserted`.
  std::uint32_t find_or_add(std::string_view id, bool& inserted)
  {
    const std::uint64_t h = std::hash<std::string_view>{}(id) | 1u;  // 0 marks an empty slot
    std::size_t mask = slots_.size() - 1;
    for (std::size_t k = h & mask;; k = (k + 1) & mask) {
      Slot& s = slots_[k];
      if (s.hash == 0) {
        inserted = true;
        const auto index = static_cast<std::uint32_t>(ids_.size());
        ids_.emplace_back(id);
        s = {h, index};
        if (2 * ids_.size() > slots_.size()) grow();
        return index;
      }
      if (s.hash == h && ids_[s.index] == id) {
        inserted = false;
        return s.index;
      }
    }
  }

private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t index = 0;
  };
  void grow()
  {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.hash == 0) continue;
      std::size_t k = s.hash & mask;
      while (slots_[k].hash != 0) k = (k + 1) & mask;
      slots_[k] = s;
    }
  }
  std::vector<std::string>& ids_;
  std::vector<Slot> slots_;
};

}  // namespace

TransactionLog read_transactions(const std::string& path, const LogFormat& format)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("error: " + path + ": cannot open for reading (" + std::strerror(errno) + ")");
  return read_transactions(in, path, format);
}

TransactionLog read_transactions(std::istream& in, const std::string& name, const LogFormat& format)
{
  TransactionLog log;
  log.source = name;
  log.has_amounts = !format.amount_column.empty();

  // Header: the first non-blank line (engine/core/csv.h).
  csv::Reader reader(in, name);
  const bool has_header = reader.read_header();
  if (reader.bad()) throw IoError("error: " + name + ": read error");
  if (!has_header)
    throw InputError("error: " + name + ": empty file (expected a header line, e.g. customer_id,date,amount)");
  if (!reader.header_ok())
    throw InputError("error: " + name + ":" + std::to_string(reader.line()) + ": unterminated quote in the header");
  std::vector<std::string> wanted = {format.id_column, format.date_column};
  if (log.has_amounts) wanted.push_back(format.amount_column);
  check_columns(reader, wanted);
  const std::size_t header_fields = reader.header().size();
  const std::size_t id_col = *reader.column(format.id_column);
  const std::size_t date_col = *reader.column(format.date_column);
  const std::size_t amount_col = log.has_amounts ? *reader.column(format.amount_column) : 0;

  // Rows: every problem of every row is collected (up to csv::MAX_PROBLEMS shown).
  csv::Problems problems(name);
  std::vector<std::string> fields;
  IdIndex index(log.customer_ids);
  // Logs are usually grouped by customer: the previous row's id needs no look-up.
  std::string last_id;
  std::uint32_t last_index = 0;
  bool have_last = false;
  while (true) {
    const auto status = reader.next(fields);
    if (status == csv::Reader::Row::end) break;
    const std::size_t line_no = reader.line();
    if (status == csv::Reader::Row::unterminated_quote) {
      problems.add(line_no, "unterminated quote");
      continue;
    }
    if (fields.size() != header_fields) {
      problems.add(line_no, "row has " + std::to_string(fields.size()) + " field" + (fields.size() == 1 ? "" : "s") +
                                ", the header has " + std::to_string(header_fields));
      continue;
    }
    ++log.rows_read;
    bool ok = true;
    const std::string& id = fields[id_col];
    if (id.empty()) {
      problems.add(line_no, "empty customer id (column '" + csv::excerpt(format.id_column) + "')");
      ok = false;
    }
    const auto day = format.date_format.parse(fields[date_col]);
    if (!day) {
      problems.add(line_no,
                   "bad date '" + csv::excerpt(fields[date_col]) + "' (expected " + format.date_format.pattern() + ")");
      ok = false;
    }
    double amount = 0.0;
    if (log.has_amounts) {
      const std::string& text = fields[amount_col];
      switch (csv::parse_number(text, amount, 0.0)) {
        case csv::NumberStatus::ok:
          break;
        case csv::NumberStatus::below_min:
          problems.add(line_no, "amount " + csv::excerpt(text) + " is negative");
          ok = false;
          break;
        default:
          problems.add(line_no, "amount '" + csv::excerpt(text) + "' is not a number");
          ok = false;
      }
    }
    if (!ok || !problems.empty()) continue;  // a bad file is reported, not summarised
    if (format.last_day && *day > *format.last_day) continue;
    if (!have_last || id != last_id) {
      if (log.customer_ids.size() >= 0xFFFFFFFFu)
        throw InputError("error: " + name + ": more than 4294967295 customers");
      bool inserted = false;
      last_index = index.find_or_add(id, inserted);
      last_id = id;
      have_last = true;
    }
    log.transactions.push_back({last_index, static_cast<std::int32_t>(*day), amount});
  }
  if (reader.bad()) throw IoError("error: " + name + ": read error after line " + std::to_string(reader.line()));
  problems.throw_if_any();
  log.rows_kept = log.transactions.size();

  // Merge same-day transactions of a customer (amounts summed). A stable sort keeps the
  // file order of same-day rows, so the sums are reproducible.
  auto& t = log.transactions;
  const auto by_customer_day = [](const Transaction& l, const Transaction& r) {
    return l.customer != r.customer ? l.customer < r.customer : l.day < r.day;
  };
  // A log grouped by customer in date order is sorted already (customers are numbered in
  // order of first appearance): one pass instead of a merge sort.
  if (!std::is_sorted(t.begin(), t.end(), by_customer_day)) std::stable_sort(t.begin(), t.end(), by_customer_day);
  std::size_t out = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (out > 0 && t[out - 1].customer == t[i].customer && t[out - 1].day == t[i].day)
      t[out - 1].amount += t[i].amount;
    else
      t[out++] = t[i];
  }
  t.resize(out);
  t.shrink_to_fit();
  return log;
}

}  // namespace clvsim::fit
