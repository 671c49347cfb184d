//! Scenario files: TOML -> validated Scenario (scenarios/loader.h). The only file that
//! includes toml++. Every key is read through the registry of scenarios/keys.h; every
//! problem is collected with its position and reported together in one InputError.
#include "scenarios/loader.h"

#include "engine/core/errors.h"
#include "engine/core/limits.h"
#include "engine/core/quoted.h"
#include "scenarios/history.h"
#include "scenarios/keys.h"

// GCC 12 reports '__Y may be used uninitialized' 40 times inside avx512fintrin.h for Eigen's
// matrix kernels: a false positive on the intrinsics' self-initialised _mm512_undefined_*
// (GCC PR 105593). The warning is off for the lines of the headers included here first.
#if defined(__GNUC__) && !defined(__clang__)  // (clang has no such warning)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <Eigen/Cholesky>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

namespace clvsim::scenarios {
namespace {

namespace fs = std::filesystem;

//! Where a value came from: a position in the file, or a --set argument.
struct Where {
  int line = 0, column = 0;
  int set_index = -1;    //!< index of the --set argument, -1 = the file
  std::string set_text;  //!< "--set service.courtesy=1.3", or the option option_set() names
};

struct Problem {
  int rank;  //!< 0 at a file position, 1 file level, 2 --set
  int line, column, set_index;
  std::string text;
};

//! A value read and type-checked against its KeyInfo.
struct Value {
  double number = 0.0;
  std::int64_t integer = 0;
  std::string text;
  bool is_text = false;
  std::optional<Distribution> dist;  //!< written as a distribution; `number` is its representative
};

struct Found {
  const toml::node* node;
  Where where;
};

//! The byte offset of the first non-ASCII byte outside strings and comments, if any.
//! TOML 1.0 allows non-ASCII only inside strings and comments, and toml++ 3.3 (Debian 12)
//! reaches __builtin_unreachable() on some such code points where whitespace may appear
//! (marzer/tomlplusplus#190, fixed upstream by PR #305): the loader finds them first.
std::optional<std::size_t> non_ascii_outside_strings(std::string_view t)
{
  enum class In { code, comment, basic, literal, ml_basic, ml_literal } in = In::code;
  const auto at = [&](std::size_t i, const char* s) { return t.compare(i, std::strlen(s), s) == 0; };
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    switch (in) {
      case In::code:
        if (static_cast<unsigned char>(c) >= 0x80) return i;
        if (c == '#')
          in = In::comment;
        else if (at(i, "\"\"\""))
          in = In::ml_basic, i += 2;
        else if (at(i, "'''"))
          in = In::ml_literal, i += 2;
        else if (c == '"')
          in = In::basic;
        else if (c == '\'')
          in = In::literal;
        break;
      case In::comment:
        if (c == '\n') in = In::code;
        break;
      case In::basic:  // one line; an unterminated one is toml++'s to report
        if (c == '\\')
          ++i;
        else if (c == '"' || c == '\n')
          in = In::code;
        break;
      case In::literal:
        if (c == '\'' || c == '\n') in = In::code;
        break;
      case In::ml_basic:
        if (c == '\\') {
          ++i;
        } else if (at(i, "\"\"\"")) {
          while (i + 3 < t.size() && t[i + 3] == '"') ++i;  // up to two quotes end the content
          i += 2;
          in = In::code;
        }
        break;
      case In::ml_literal:
        if (at(i, "'''")) {
          while (i + 3 < t.size() && t[i + 3] == '\'') ++i;
          i += 2;
          in = In::code;
        }
        break;
    }
  }
  return std::nullopt;
}

std::string quote(const std::string& s)
{
  return core::quoted(s);
}

std::string join(const std::string& path, const std::string& name)
{
  return path.empty() ? name : path + "." + name;
}

std::string got(const toml::node& n)
{
  switch (n.type()) {
    case toml::node_type::string:
      return "string " + quote(n.as_string()->get());
    case toml::node_type::integer:
      return "integer " + std::to_string(n.as_integer()->get());
    case toml::node_type::floating_point:
      return "float " + format_number(n.as_floating_point()->get());
    case toml::node_type::boolean:
      return std::string("boolean ") + (n.as_boolean()->get() ? "true" : "false");
    case toml::node_type::table:
      return "table";
    case toml::node_type::array:
      return "array";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
    default:
      return "nothing";
  }
}

std::string expected(const KeyInfo& k)
{
  switch (k.type) {
    case KeyType::number:
      return "a number";
    case KeyType::integer:
      return "an integer";
    case KeyType::boolean:
      return "a boolean (true or false)";
    case KeyType::string:
      return "a string";
    case KeyType::word:
      return "a string (one of " + words_text(k) + ")";
  }
  return "?";
}

//! What a missing key should be, for "missing required key 'K' (...)".
std::string wanted(const KeyInfo& k)
{
  switch (k.type) {
    case KeyType::number:
      return "a number in " + range_text(k);
    case KeyType::integer:
      return "an integer in " + range_text(k);
    case KeyType::boolean:
      return "true or false";
    case KeyType::string:
      return "a string";
    case KeyType::word:
      return "one of " + words_text(k);
  }
  return "?";
}

//! Segment and channel names become HDF5 groups and --set addresses.
bool valid_name(const std::string& s)
{
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

std::string list_params(const std::vector<std::string>& keys)
{
  std::string out;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i) out += ", ";
    out += keys[i].substr(keys[i].find('.') + 1);
  }
  return out;
}

//! The shape of the file: which tables exist and what each may contain.
struct Schema {
  std::map<std::string, std::vector<std::string>> children;  //!< table path -> names
  std::set<std::string> tables;                              //!< plain tables
  std::set<std::string> arrays = {"segment", "acquisition.channel"};

  Schema()
  {
    auto add = [&](const std::string& path, const std::string& name) {
      auto& c = children[path];
      if (std::find(c.begin(), c.end(), name) == c.end()) c.push_back(name);
    };
    for (const auto& k : all_keys()) {
      std::string path;
      std::size_t start = 0, dot;
      while ((dot = k.name.find('.', start)) != std::string::npos) {
        const std::string part = k.name.substr(start, dot - start);
        add(path, part);
        path = join(path, part);
        tables.insert(path);
        start = dot + 1;
      }
      add(path, k.name.substr(start));
    }
    add("", "acquisition");
    add("acquisition", "channel");
    tables.insert("acquisition");
    add("", "segment");
    add("", "investment");
    add("", "sweep");
  }
};

const Schema& schema()
{
  static const Schema s;
  return s;
}

class Loader {
public:
  Loader(std::string source_name, std::string base_dir)
      : source_(std::move(source_name)), base_dir_(std::move(base_dir))
  {}

  Scenario load(std::string_view text, const std::vector<std::string>& sets);

private:
  // --- problems
  //! The name of a segment, channel or investment (`kind`), given as `key` = `name`: letters,
  //! digits, '_' or '-'; not reserved (`reserved`: why it is, "" when it is not); not taken by
  //! another of its kind (`names`, which it joins).
  void check_name(const Where& w, const std::string& key, const std::string& name, const std::string& reserved,
                  const std::string& kind, std::set<std::string>& names)
  {
    if (!valid_name(name))
      error(w, key + " = " + quote(name) + " must be letters, digits, '_' or '-' (it names results and --set keys)");
    else if (!reserved.empty())
      error(w, key + " = " + quote(name) + reserved);
    else if (!names.insert(name).second)
      error(w, kind + " name " + quote(name) + " is used twice");
  }

  void error(const Where& w, const std::string& message)
  {
    Problem p{w.set_index >= 0 ? 2 : (w.line > 0 ? 0 : 1), w.line, w.column, w.set_index, ""};
    if (w.set_index >= 0)
      p.text = "error: " + w.set_text + ": " + message;
    else if (w.line > 0)
      p.text = "error: " + source_ + ":" + std::to_string(w.line) + ":" + std::to_string(w.column) + ": " + message;
    else
      p.text = "error: " + source_ + ": " + message;
    problems_.push_back(std::move(p));
  }
  void file_error(const std::string& message) { error(Where{}, message); }
  [[noreturn]] void throw_problems();

  Where where_of(const toml::key& key, const toml::node& node) const
  {
    if (auto it = origin_.find(&node); it != origin_.end()) return it->second;
    // Whichever starts first: the key of `key = value`, the '[' of a `[table]` header.
    const auto& k = key.source().begin;
    const auto& n = node.source().begin;
    const bool use_key = k.line > 0 && (k.line < n.line || (k.line == n.line && k.column <= n.column));
    const auto& p = use_key ? k : n;
    return Where{static_cast<int>(p.line), static_cast<int>(p.column), -1, {}};
  }
  Where where_of(const toml::node& node) const
  {
    if (auto it = origin_.find(&node); it != origin_.end()) return it->second;
    return Where{static_cast<int>(node.source().begin.line), static_cast<int>(node.source().begin.column), -1, {}};
  }

  // --- --set
  void apply_set(toml::table& root, int index, const std::string& arg);
  void unknown_set_key(const toml::table& root, const Where& w, const std::string& key);

  // --- reading
  std::optional<Value> read_value(const KeyInfo& info, const std::string& name, const toml::node& node, const Where& w,
                                  const std::string& prefix = "");
  void walk(const toml::table& table, const std::string& path);
  void unknown_key(const Where& w, const std::string& path, const std::string& name);
  void read_base(Scenario& s);
  void check_model_parameters(const std::string& model_key, const std::string& model);
  void read_segments(Scenario& s);
  //! One [[segment]] entry of read_segments: its name and share, and its overrides table.
  struct SegmentEntry {
    Segment segment;
    const toml::table* overrides = nullptr;
    bool share_valid = true;  //!< false when the share is missing or not a valid number
  };
  SegmentEntry read_segment_entry(const toml::node& element, int index, std::set<std::string>& names);
  //! A segment's overrides (flattened, --set over the file, duplicates refused), each read
  //! like the file's key of that name; only behaviour keys. Where each was given: `where`.
  std::map<std::string, Value> read_segment_overrides(const toml::table* overrides, const std::string& prefix,
                                                      const std::vector<std::string>& behaviour_keys,
                                                      std::map<std::string, Where>& where);
  //! A segment's overrides held to the run's models: one purchase model for every segment, a
  //! model's parameters only (and all of them when a segment changes the model), no spend
  //! with sbg, a discrete-time model's unit equal to the period. Refused overrides are removed.
  void check_segment_models(const Scenario& s, const std::string& prefix, std::map<std::string, Value>& values,
                            std::map<std::string, Where>& where);
  void read_channels(Scenario& s);
  void read_channel_segments(const Scenario& s, Channel& channel, const std::string& label, const toml::node& node,
                             const Where& w);
  void read_history(Scenario& s);
  void read_investments(Scenario& s);
  void read_change(Scenario& s, Investment& inv, const std::string& prefix, const std::string& key,
                   const toml::node& node, const Where& w,
                   std::vector<std::pair<std::string, std::pair<Distribution, Where>>>& dists);
  void read_sweep(Scenario& s);
  //! Scenario::satisfaction_described from the keys found and the segments, investments and sweep read.
  void describe_satisfaction(Scenario& s) const;
  void read_joint(Scenario& s);
  void read_seasonality(Scenario& s);
  void read_joint_table(Scenario& s, const std::string& name, const Found& found);

  // --- distributions (docs/model.md §9)
  std::optional<Distribution> read_distribution(const std::string& name, const toml::table& table, const Where& w,
                                                const std::string& prefix);
  bool check_support(const KeyInfo& info, const std::string& name, const Distribution& d, const Where& w,
                     const std::string& prefix);
  void check_result(const KeyInfo& info, const std::string& key, double base, ChangeOp op, double amount,
                    const Distribution* d, const Where& w, const std::string& prefix);
  void add_uncertain(const std::string& key, const Distribution& d, const Where& w)
  {
    uncertain_.push_back({w, UncertainInput{key, d}});
  }

  std::string source_;
  std::string base_dir_;
  std::vector<Problem> problems_;
  std::unordered_map<const toml::node*, Where> origin_;  //!< nodes inserted by --set
  std::map<std::string, Found> found_;                   //!< static key -> its node
  std::map<std::string, Where> table_where_;             //!< table path -> position
  std::map<std::string, Value> values_;                  //!< static key -> valid value
  const toml::node* segments_ = nullptr;
  Where segments_where_;
  const toml::node* channels_ = nullptr;
  Where channels_where_;
  std::optional<std::string> purchase_model_;  //!< valid purchase.model, when known
  const toml::node* investments_ = nullptr;
  Where investments_where_;
  const toml::node* sweep_ = nullptr;
  Where sweep_where_;
  std::vector<std::pair<Where, UncertainInput>> uncertain_;  //!< every distribution read
  std::vector<std::pair<std::string, Found>> joint_tables_;  //!< [purchase.uncertainty], [spend.uncertainty]
  std::optional<Found> seasonality_;                         //!< [seasonality]
};

void Loader::throw_problems()
{
  std::stable_sort(problems_.begin(), problems_.end(), [](const Problem& a, const Problem& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    if (a.rank == 0 && a.line != b.line) return a.line < b.line;
    if (a.rank == 0) return a.column < b.column;
    if (a.rank == 2) return a.set_index < b.set_index;
    return false;
  });
  std::string message;
  std::set<std::string> seen;
  for (const auto& p : problems_) {
    if (!seen.insert(p.text).second) continue;
    if (!message.empty()) message += '\n';
    message += p.text;
  }
  throw InputError(message);
}

// ---------------------------------------------------------------------------------------
// --set KEY=VALUE

//! Marks an option_set entry: OPTION_MARK + "--paths 0" + OPTION_MARK + "simulation.paths=0"
//! (a control character no --set argument typed on a command line starts with).
constexpr char OPTION_MARK = '\x1f';

//! Insert a copy of `value` at table[name] (replacing any value there).
const toml::node* put(toml::table& table, const std::string& name, const toml::node& value)
{
  value.visit([&](const auto& v) { table.insert_or_assign(name, v); });
  return table.get(name);
}

const toml::table* find_entry(const toml::node* array, const std::string& name)
{
  if (!array || !array->is_array()) return nullptr;
  for (const auto& e : *array->as_array())
    if (const auto* t = e.as_table())
      if (const auto* n = t->get("name"); n && n->is_string() && n->as_string()->get() == name) return t;
  return nullptr;
}

std::vector<std::string> entry_names(const toml::node* array)
{
  std::vector<std::string> names;
  if (array && array->is_array())
    for (const auto& e : *array->as_array())
      if (const auto* t = e.as_table())
        if (const auto* n = t->get("name"); n && n->is_string()) names.push_back(n->as_string()->get());
  return names;
}

//! "no segment named 'x' (the scenario has: a, b)", or "(the scenario has none)": an array
//! entry a --set names but the file does not have.
std::string no_entry(const std::string& what, const std::string& name, const toml::node* array)
{
  std::string have;
  for (const auto& n : entry_names(array)) have += (have.empty() ? "" : ", ") + n;
  return "no " + what + " named '" + name + "' (" +
         (have.empty() ? std::string("the scenario has none") : "the scenario has: " + have) + ")";
}

//! entry[name] as a table, inserted empty when absent; nullptr when it is something else.
toml::table* subtable(toml::table& entry, const std::string& name)
{
  if (!entry.get(name)) entry.insert(name, toml::table{});
  return entry.get(name)->as_table();
}

std::string trim(const std::string& s)
{
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

void Loader::unknown_set_key(const toml::table& root, const Where& w, const std::string& key)
{
  // An existing entry's field: suggest among that entry's fields.
  std::string prefix, field = key;
  std::vector<std::string> candidates;
  for (const auto& name : entry_names(root.at_path("segment").node()))
    if (key.rfind("segment." + name + ".", 0) == 0) {
      prefix = "segment." + name + ".";
      candidates.push_back("share");
      for (const auto& k : all_keys())
        if (k.segment_ok) candidates.push_back(k.name);
    }
  for (const auto& name : entry_names(root.at_path("acquisition.channel").node()))
    if (key.rfind("acquisition.channel." + name + ".", 0) == 0) {
      prefix = "acquisition.channel." + name + ".";
      for (const auto& k : channel_keys())
        if (k.name != "name") candidates.push_back(k.name);
    }
  for (const auto& name : entry_names(root.at_path("investment").node()))
    if (key.rfind("investment." + name + ".", 0) == 0) {
      prefix = "investment." + name + ".";
      for (const auto& k : investment_keys())
        if (k.name != "name") candidates.push_back(k.name);
    }
  if (prefix.empty()) {
    for (const auto& k : all_keys()) candidates.push_back(k.name);
  } else {
    field = key.substr(prefix.size());
  }
  std::string message = "unknown key '" + key + "'";
  if (auto s = did_you_mean(field, candidates)) message += "; did you mean '" + prefix + *s + "'?";
  error(w, message);
}

void Loader::apply_set(toml::table& root, int index, const std::string& entry)
{
  // option_set's entries carry the option as typed, before the assignment
  std::string arg = entry, shown = "--set " + entry;
  if (entry.size() > 1 && entry[0] == OPTION_MARK) {
    const auto end = entry.find(OPTION_MARK, 1);
    if (end != std::string::npos) {
      shown = entry.substr(1, end - 1);
      arg = entry.substr(end + 1);
    }
  }
  Where w{0, 0, index, shown};
  const auto eq = arg.find('=');
  const std::string key = eq == std::string::npos ? "" : trim(arg.substr(0, eq));
  if (key.empty()) {
    error(w, "expected KEY=VALUE (e.g. --set service.courtesy=0.9)");
    return;
  }
  const std::string raw = trim(arg.substr(eq + 1));

  // The value is TOML (0.9, 12, true, "text", { ... }); anything else is a bare string.
  toml::table parsed;
  bool is_toml = false;
  try {
    const std::string assignment = "v = " + raw;
    if (!non_ascii_outside_strings(assignment)) {  // else a bare string (see Loader::load)
      parsed = toml::parse(assignment);
      is_toml = parsed.size() == 1 && parsed.contains("v");
    }
  } catch (const toml::parse_error&) {}
  toml::value<std::string> bare(raw);
  auto value_for = [&](const KeyInfo* info) -> const toml::node& {
    // String keys take the text as written even when it looks like TOML (--set simulation.name=2024).
    const bool wants_text = info && (info->type == KeyType::string || info->type == KeyType::word);
    if (!is_toml || (wants_text && !parsed.get("v")->is_string())) return bare;
    return *parsed.get("v");
  };

  // Static key: create the tables on the way.
  if (const KeyInfo* info = find_key(key)) {
    toml::table* table = &root;
    std::string path;
    std::size_t start = 0, dot;
    while ((dot = key.find('.', start)) != std::string::npos) {
      const std::string part = key.substr(start, dot - start);
      path = join(path, part);
      toml::node* n = table->get(part);
      if (!n) {
        table->insert(part, toml::table{});
        n = table->get(part);
      }
      if (!n->is_table()) {
        error(w, "cannot set " + key + ": '" + path + "' in the scenario is not a table");
        return;
      }
      table = n->as_table();
      start = dot + 1;
    }
    origin_[put(*table, key.substr(start), value_for(info))] = w;
    return;
  }

  // Array entries by name: segment.<name>.<field>, acquisition.channel.<name>.<field>.
  const bool is_segment = key.rfind("segment.", 0) == 0;
  const bool is_channel = key.rfind("acquisition.channel.", 0) == 0;
  if (is_segment || is_channel) {
    const std::string rest = key.substr(is_segment ? 8 : 20);
    const auto dot = rest.find('.');
    if (dot != std::string::npos && dot > 0) {
      const std::string name = rest.substr(0, dot), field = rest.substr(dot + 1);
      const char* array_path = is_segment ? "segment" : "acquisition.channel";
      if (is_channel && (field == "segments" || field.rfind("segments.", 0) == 0)) {
        error(w, "cannot set " + key + ": a channel's segments mix is an inline table; edit it in the file");
        return;
      }
      const KeyInfo* info = nullptr;
      if (is_segment && field == "share")
        info = &segment_keys()[1];
      else if (is_segment)
        info = is_behaviour_key(field) ? find_key(field) : nullptr;
      else if (field != "name")
        info = find_channel_key(field);
      if (info) {
        auto* entry = const_cast<toml::table*>(find_entry(root.at_path(array_path).node(), name));
        if (!entry) {
          if (is_segment && name == "all" &&
              entry_names(root.at_path(array_path).node()).empty()) {  // the implicit segment validate shows
            error(w, "the scenario has no [[segment]]: its one segment 'all' is the base scenario" +
                         (field == "share" ? std::string(" and its share is 1")
                                           : "; set " + field + " itself (--set " + field + "=...)"));
            return;
          }
          error(w, no_entry(is_segment ? "segment" : "acquisition channel", name, root.at_path(array_path).node()));
          return;
        }
        if (is_segment && field != "share") {
          toml::table* overrides = subtable(*entry, "overrides");
          if (!overrides) {
            error(w, "cannot set " + key + ": segment '" + name + "' has overrides that are not a table");
            return;
          }
          origin_[put(*overrides, field, value_for(info))] = w;
        } else {
          origin_[put(*entry, field, value_for(info))] = w;
        }
        return;
      }
    }
  }

  // An investment's fields by its name: investment.<name>.<field> (costs, start, ramp,
  // description) and investment.<name>.changes.<key> (a change, added or replaced; its value
  // as in the file: a value, { add = x } or { multiply = x }). Read and checked with the
  // file's investments, the message naming this --set.
  if (key.rfind("investment.", 0) == 0) {
    const std::string rest = key.substr(11);
    const auto dot = rest.find('.');
    if (dot != std::string::npos && dot > 0) {
      const std::string name = rest.substr(0, dot), field = rest.substr(dot + 1);
      const bool is_change = field.rfind("changes.", 0) == 0 && field.size() > 8;
      const KeyInfo* info = is_change ? nullptr : find_investment_key(field);
      if (is_change || (info && field != "name")) {
        auto* entry = const_cast<toml::table*>(find_entry(root.at_path("investment").node(), name));
        if (!entry) {
          error(w, no_entry("investment", name, root.at_path("investment").node()));
          return;
        }
        if (!is_change) {
          origin_[put(*entry, field, value_for(info))] = w;
          return;
        }
        const std::string target = field.substr(8);
        toml::table* changes = subtable(*entry, "changes");
        if (!changes) {
          error(w, "cannot set " + key + ": investment '" + name + "' has changes that are not a table");
          return;
        }
        origin_[put(*changes, target, value_for(find_key(target)))] = w;
        return;
      }
    }
  }
  unknown_set_key(root, w, key);
}

// ---------------------------------------------------------------------------------------
// Reading values

std::optional<Value> Loader::read_value(const KeyInfo& info, const std::string& name, const toml::node& node,
                                        const Where& w, const std::string& prefix)
{
  auto wrong_type = [&] {
    error(w, prefix + name + " has the wrong type: expected " + expected(info) + ", got " + got(node));
    return std::nullopt;
  };
  Value v;
  const toml::table* dist = node.is_table() && node.as_table()->contains("dist") ? node.as_table() : nullptr;
  if (dist && !(info.type == KeyType::number && info.uncertain_ok)) {
    static const std::map<KeyType, std::string> what = {{KeyType::number, "cannot be uncertain"},
                                                        {KeyType::integer, "is an integer"},
                                                        {KeyType::boolean, "is a boolean"},
                                                        {KeyType::string, "is a string"},
                                                        {KeyType::word, "is a string"}};
    error(w, prefix + name + " " + what.at(info.type) +
                 (info.type == KeyType::number ? "" : " and cannot be uncertain (only numbers can)"));
    return std::nullopt;
  }
  switch (info.type) {
    case KeyType::number:
    case KeyType::integer: {
      if (dist) {
        auto d = read_distribution(name, *dist, w, prefix);
        if (!d || !check_support(info, name, *d, w, prefix)) return std::nullopt;
        v.number = representative_value(*d);
        v.dist = *d;
      } else if (const auto* i = node.as_integer()) {
        v.integer = i->get();
        v.number = static_cast<double>(v.integer);
      } else if (const auto* f = node.as_floating_point(); f && info.type == KeyType::number) {
        v.number = f->get();
      } else {
        return wrong_type();
      }
      if (auto message = check_number(info, name, v.number)) {
        // An integer is shown as written, not as the double it became (2^63 - 1, not 2^63).
        const std::string as_double = name + " = " + format_number(v.number);
        if (node.is_integer() && message->rfind(as_double, 0) == 0)
          message->replace(0, as_double.size(), name + " = " + std::to_string(v.integer));
        error(w, prefix + *message);
        return std::nullopt;
      }
      return v;
    }
    case KeyType::boolean:
      if (!node.is_boolean()) return wrong_type();
      v.number = node.as_boolean()->get() ? 1.0 : 0.0;
      return v;
    case KeyType::string:
    case KeyType::word:
      if (!node.is_string()) return wrong_type();
      v.text = node.as_string()->get();
      v.is_text = true;
      if (info.type == KeyType::word && std::find(info.words.begin(), info.words.end(), v.text) == info.words.end()) {
        const auto close = did_you_mean(v.text, info.words);
        error(w, prefix + name + " = " + quote(v.text) + " is not one of " + words_text(info) +
                     (close ? "; did you mean " + quote(*close) + "?" : ""));
        return std::nullopt;
      }
      return v;
  }
  return std::nullopt;
}

void Loader::unknown_key(const Where& w, const std::string& path, const std::string& name)
{
  const std::string full = join(path, name);
  std::string message = "unknown key '" + full + "'";
  auto it = schema().children.find(path);
  std::optional<std::string> suggestion;
  if (it != schema().children.end()) {
    if (auto s = did_you_mean(name, it->second)) suggestion = join(path, *s);
  }
  if (!suggestion) {
    // The right name in the wrong table ([service] decay = ...): suggest where it lives.
    for (const auto& k : all_keys())
      if (k.name.size() > name.size() && k.name.compare(k.name.size() - name.size(), name.size(), name) == 0 &&
          k.name[k.name.size() - name.size() - 1] == '.') {
        suggestion = k.name;
        break;
      }
  }
  if (suggestion) message += "; did you mean '" + *suggestion + "'?";
  error(w, message);
}

void Loader::walk(const toml::table& table, const std::string& path)
{
  for (auto&& [key, node] : table) {
    const std::string name(key.str());
    const std::string full = join(path, name);
    const Where w = where_of(key, node);
    if (find_key(full)) {
      found_[full] = Found{&node, w};
    } else if (full == "segment") {
      segments_ = &node;
      segments_where_ = w;
    } else if (full == "acquisition.channel") {
      channels_ = &node;
      channels_where_ = w;
    } else if (full == "seasonality") {
      seasonality_ = Found{&node, w};
    } else if (full == "purchase.uncertainty" || full == "spend.uncertainty") {
      joint_tables_.push_back({full, Found{&node, w}});
    } else if (schema().tables.count(full)) {
      if (!node.is_table()) {
        error(w, full + " has the wrong type: expected a table, got " + got(node));
        continue;
      }
      table_where_[full] = w;
      walk(*node.as_table(), full);
    } else if (full == "investment") {
      investments_ = &node;
      investments_where_ = w;
    } else if (full == "sweep") {
      sweep_ = &node;
      sweep_where_ = w;
    } else {
      unknown_key(w, path, name);
    }
  }
}

void Loader::check_model_parameters(const std::string& model_key, const std::string& model)
{
  const auto params = model_parameters(model_key, model);
  for (const auto& k : all_keys()) {
    if (k.model_key != model_key) continue;
    const bool used = std::find(params.begin(), params.end(), k.name) != params.end();
    auto f = found_.find(k.name);
    if (f != found_.end() && !used) {
      error(f->second.where, k.name + " is not a parameter of " + model_key + " = " + quote(model) +
                                 " (its parameters are " + list_params(params) + ")");
      values_.erase(k.name);
    }
  }
  for (const auto& p : params)
    if (!found_.count(p))
      file_error("missing required key '" + p + "' (" + wanted(*find_key(p)) + "; " + model_key + " = " + quote(model) +
                 " needs " + list_params(params) + ")");
}

void Loader::read_base(Scenario& s)
{
  for (const auto& info : all_keys()) {
    auto f = found_.find(info.name);
    if (f == found_.end()) continue;
    if (auto v = read_value(info, info.name, *f->second.node, f->second.where)) values_[info.name] = *v;
  }

  // Required keys and model parameters.
  for (const auto& info : all_keys())
    if (info.required && info.model_key.empty() && info.name != "spend.model" && !found_.count(info.name))
      file_error("missing required key '" + info.name + "' (" + wanted(info) + ")");
  if (values_.count("purchase.model")) purchase_model_ = values_["purchase.model"].text;
  if (purchase_model_) check_model_parameters("purchase.model", *purchase_model_);

  bool has_spend = false;
  for (const auto& [name, f] : found_)
    if (name.rfind("spend.", 0) == 0) has_spend = true;
  if (purchase_model_ == "sbg") {
    if (has_spend) {
      auto tw = table_where_.find("spend");
      Where w = tw != table_where_.end() ? tw->second : found_.lower_bound("spend.")->second.where;
      error(w,
            "[spend] is not used with purchase.model = \"sbg\" (a subscription pays "
            "purchase.fee per period and has no orders); remove it");
      for (auto it = values_.begin(); it != values_.end();)
        it = it->first.rfind("spend.", 0) == 0 ? values_.erase(it) : std::next(it);
    }
  } else if (purchase_model_) {
    if (!found_.count("spend.model"))
      file_error("missing required key 'spend.model' (" + wanted(*find_key("spend.model")) + ")");
    else if (values_.count("spend.model"))
      check_model_parameters("spend.model", values_["spend.model"].text);
  }

  // Store every valid value.
  for (const auto& [name, v] : values_) {
    if (v.dist) add_uncertain(name, *v.dist, found_[name].where);
    if (name == "simulation.seed")
      s.simulation.seed = static_cast<std::uint64_t>(v.integer);
    else if (v.is_text)
      set_text(s, name, v.text);
    else
      set_number(s, name, v.number);
  }

  // Derived defaults (docs/model.md §3.2, §5.1, §5.3).
  auto derive = [&](const std::string& key, auto apply) {
    if (!found_.count(key)) {
      apply();
      s.defaulted_keys.push_back(key);
    }
  };
  derive("purchase.time_unit",
         [&] { s.base.purchase.time_unit = s.simulation.period == Period::week ? TimeUnit::week : TimeUnit::month; });
  derive("service.later_contact_resolution",
         [&] { s.base.service.later_contact_resolution = s.base.service.first_contact_resolution; });
  derive("satisfaction.reference", [&] { s.base.satisfaction.reference = s.base.satisfaction.initial_mean; });

  // Discrete-time models step once per period.
  if (purchase_model_ &&
      (*purchase_model_ == "sbg_poisson" || *purchase_model_ == "sbg" || *purchase_model_ == "bg_bb") &&
      values_.count("purchase.time_unit")) {
    const std::string unit = values_["purchase.time_unit"].text;
    const std::string period = to_string(s.simulation.period);
    if (unit != period)
      error(found_["purchase.time_unit"].where,
            "purchase.time_unit = " + quote(unit) + " must equal simulation.period = " + quote(period) +
                " for purchase.model = " + quote(*purchase_model_) + " (a discrete-time model)");
  }
}

void Loader::read_history(Scenario& s)
{
  const bool has_history = values_.count("population.history") && !values_["population.history"].text.empty();
  if (found_.count("population.history_time_unit") && !found_.count("population.history"))
    error(found_["population.history_time_unit"].where,
          "population.history_time_unit is set but population.history is not");
  if (!has_history) {
    s.population.history.clear();
    return;
  }
  if (!found_.count("population.history_time_unit")) {
    s.population.history_time_unit = s.base.purchase.time_unit;
    s.defaulted_keys.push_back("population.history_time_unit");
  } else if (purchase_model_ == "bg_bb" && s.population.history_time_unit != s.base.purchase.time_unit) {
    error(found_["population.history_time_unit"].where,
          "population.history_time_unit = " + values_["population.history_time_unit"].text + " must be the period (" +
              to_string(s.simulation.period) +
              ") with purchase.model bg_bb: its history counts transaction opportunities (x, t_x, n)");
  }
  const std::string given = values_["population.history"].text;
  fs::path path(given);
  if (path.is_relative()) path = fs::path(base_dir_.empty() ? "." : base_dir_) / path;
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  if (ec) absolute = path;
  absolute = absolute.lexically_normal();
  s.population.history = absolute.string();
  const Where& w = found_["population.history"].where;
  if (fs::is_directory(absolute, ec)) {
    error(w, "population.history = " + quote(given) + ": cannot read '" + absolute.string() + "': Is a directory");
    return;
  }
  std::ifstream in(absolute, std::ios::binary);
  if (!in) {
    const int e = errno;
    error(w, "population.history = " + quote(given) + ": cannot read '" + absolute.string() +
                 "': " + std::strerror(e ? e : ENOENT));
    return;
  }
  // The rows are read here, not by the engine, so that `clvsim validate` rejects every file
  // `clvsim run` would. Their columns depend on the purchase model: without a valid one
  // (already reported) they are not read.
  if (!purchase_model_) return;
  if (*purchase_model_ == "sbg_poisson") {
    error(w,
          "population.history needs purchase.model bg_nbd, mbg_nbd, pareto_nbd, sbg or bg_bb (sbg_poisson has no "
          "posterior for purchase histories)");
    return;
  }
  std::vector<std::string> lines;
  auto rows = scenarios::read_history(in, absolute.string(), s.base.purchase.model, lines);
  for (const auto& l : lines) problems_.push_back(Problem{1, 0, 0, -1, l});  // file level, in order
  if (lines.empty()) s.existing = std::make_shared<const std::vector<ExistingCustomer>>(std::move(rows));
}

//! Overrides written as { "purchase.r" = 0.5 } or { purchase.r = 0.5 } (nested tables).
struct FlatOverride {
  std::string key;
  const toml::node* node;
  Where where;
};

void Loader::read_segments(Scenario& s)
{
  if (!segments_) {
    s.segments.push_back(Segment{});  // one segment "all", share 1
    return;
  }
  const auto* array = segments_->as_array();
  if (!array || !array->is_array_of_tables()) {
    error(segments_where_,
          "segment has the wrong type: expected an array of tables ([[segment]]), got " + got(*segments_));
    return;
  }
  std::vector<std::string> behaviour_keys;
  for (const auto& k : all_keys())
    if (k.segment_ok) behaviour_keys.push_back(k.name);

  bool shares_valid = true;
  double share_sum = 0.0;
  std::set<std::string> names;
  int index = 0;
  for (const auto& element : *array) {
    SegmentEntry entry = read_segment_entry(element, ++index, names);
    Segment& segment = entry.segment;
    shares_valid &= entry.share_valid;
    share_sum += segment.share;
    // Overrides: behaviour keys only, validated like the file, then held to the run's models.
    const std::string prefix = "segment '" + segment.name + "': ";
    std::map<std::string, Where> seg_where;
    std::map<std::string, Value> seg_values =
        read_segment_overrides(entry.overrides, prefix, behaviour_keys, seg_where);
    check_segment_models(s, prefix, seg_values, seg_where);
    for (const auto& [key, v] : seg_values) {
      if (v.dist) add_uncertain("segment." + segment.name + "." + key, *v.dist, seg_where[key]);
      Override o;
      o.key = key;
      o.number = v.number;
      o.text = v.text;
      o.is_text = v.is_text;
      segment.overrides.push_back(std::move(o));
    }
    s.segments.push_back(std::move(segment));
  }
  if (shares_valid && std::fabs(share_sum - 1.0) > 1e-9) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.12g", share_sum);
    error(segments_where_, std::string("segment shares sum to ") + buf + ", not 1");
  }
}

Loader::SegmentEntry Loader::read_segment_entry(const toml::node& element, int index, std::set<std::string>& names)
{
  SegmentEntry entry;
  Segment& segment = entry.segment;
  const auto& table = *element.as_table();
  // Label used in messages before the name is known to be valid.
  std::string label = "segment #" + std::to_string(index);
  if (const auto* n = table.get("name"); n && n->is_string() && valid_name(n->as_string()->get()))
    label = "segment." + n->as_string()->get();

  bool has_name = false, has_share = false;
  for (auto&& [key, node] : table) {
    const std::string name(key.str());
    const Where w = where_of(key, node);
    if (name == "name") {
      has_name = true;
      if (auto v = read_value(segment_keys()[0], label + ".name", node, w)) {
        check_name(w, label + ".name", v->text, "", "segment", names);
        segment.name = v->text;
      }
    } else if (name == "share") {
      has_share = true;
      if (node.is_table() && node.as_table()->contains("dist")) {
        error(w, label + ".share cannot be uncertain (segment shares must sum to 1)");
        entry.share_valid = false;
      } else if (auto v = read_value(segment_keys()[1], label + ".share", node, w))
        segment.share = v->number;
      else
        entry.share_valid = false;
    } else if (name == "overrides") {
      if (!node.is_table())
        error(w, label + ".overrides has the wrong type: expected a table, got " + got(node));
      else
        entry.overrides = node.as_table();
    } else {
      std::string message = "unknown key '" + label + "." + name + "'";
      if (auto s2 = did_you_mean(name, {"name", "share", "overrides"}))
        message += "; did you mean '" + label + "." + *s2 + "'?";
      error(w, message);
    }
  }
  const Where entry_where = where_of(element);
  if (!has_name) error(entry_where, label + ": missing required key 'name' (a string)");
  if (!has_share) {
    error(entry_where, label + ": missing required key 'share' (" + wanted(segment_keys()[1]) + ")");
    entry.share_valid = false;
  }
  return entry;
}

std::map<std::string, Value> Loader::read_segment_overrides(const toml::table* overrides, const std::string& prefix,
                                                            const std::vector<std::string>& behaviour_keys,
                                                            std::map<std::string, Where>& seg_where)
{
  std::vector<FlatOverride> flat;
  std::function<void(const toml::table&, const std::string&)> flatten = [&](const toml::table& t,
                                                                            const std::string& p) {
    for (auto&& [key, node] : t) {
      const std::string k = p + std::string(key.str());
      if (node.is_table() && !node.as_table()->contains("dist") && !find_key(k))
        flatten(*node.as_table(), k + ".");
      else
        flat.push_back(FlatOverride{k, &node, where_of(key, node)});
    }
  };
  if (overrides) flatten(*overrides, "");
  std::map<std::string, std::size_t> by_key;
  std::vector<FlatOverride> unique;
  for (auto& o : flat) {
    auto it = by_key.find(o.key);
    if (it == by_key.end()) {
      by_key[o.key] = unique.size();
      unique.push_back(o);
    } else if (o.where.set_index >= 0) {
      unique[it->second] = o;  // --set wins over the file
    } else if (unique[it->second].where.set_index < 0) {
      error(o.where, prefix + "override '" + o.key + "' is given twice");
    }
  }
  std::map<std::string, Value> seg_values;
  for (const auto& o : unique) {
    const KeyInfo* info = find_key(o.key);
    if (!info) {
      std::string message = prefix + "unknown key '" + o.key + "' in overrides";
      if (auto s2 = did_you_mean(o.key, behaviour_keys)) message += "; did you mean '" + *s2 + "'?";
      error(o.where, message);
      continue;
    }
    if (!info->segment_ok) {
      error(o.where, prefix + o.key +
                         " cannot be overridden by a segment (only customer behaviour: purchase, "
                         "spend, economics, service, satisfaction, reviews, referrals, policies, "
                         "marketing, loyalty)");
      continue;
    }
    if (auto v = read_value(*info, o.key, *o.node, o.where, prefix)) {
      seg_values[o.key] = *v;
      seg_where[o.key] = o.where;
    }
  }
  return seg_values;
}

void Loader::check_segment_models(const Scenario& s, const std::string& prefix,
                                  std::map<std::string, Value>& seg_values, std::map<std::string, Where>& seg_where)
{
  // One purchase model for all segments: the engine simulates one model per run (its kernel,
  // posterior draws for histories and closed forms are chosen once).
  const std::string base_model = purchase_model_.value_or("");
  std::string model = base_model;
  if (auto it = seg_values.find("purchase.model"); it != seg_values.end()) {
    model = it->second.text;
    if (!base_model.empty() && model != base_model) {
      if (model == "sbg" || base_model == "sbg")
        error(seg_where["purchase.model"], prefix +
                                               "purchase.model cannot switch between \"sbg\" "
                                               "(contractual) and the other models");
      else
        error(seg_where["purchase.model"], prefix + "purchase.model = " + quote(model) +
                                               " differs from purchase.model = " + quote(base_model) +
                                               "; all segments must share one purchase model");
      // The parameters given for the refused model are not reported once more.
      const auto base_params = model_parameters("purchase.model", base_model);
      for (const auto& p : model_parameters("purchase.model", model))
        if (std::find(base_params.begin(), base_params.end(), p) == base_params.end()) seg_values.erase(p);
      seg_values.erase("purchase.model");
      model = base_model;
    }
  }
  auto check_params = [&](const std::string& model_key, const std::string& m, const std::string& base_m) {
    const auto params = model_parameters(model_key, m);
    for (auto it = seg_values.begin(); it != seg_values.end();) {
      const KeyInfo* info = find_key(it->first);
      if (info->model_key == model_key && std::find(params.begin(), params.end(), it->first) == params.end()) {
        error(seg_where[it->first], prefix + it->first + " is not a parameter of " + model_key + " = " + quote(m) +
                                        " (its parameters are " + list_params(params) + ")");
        it = seg_values.erase(it);
      } else {
        ++it;
      }
    }
    if (m != base_m)
      for (const auto& p : params)
        if (!seg_values.count(p))
          error(seg_where[model_key], prefix + "missing override '" + p + "' (" + model_key + " = " + quote(m) +
                                          " needs " + list_params(params) + ")");
  };
  if (!model.empty()) check_params("purchase.model", model, base_model);
  if (model == "sbg") {
    for (auto it = seg_values.begin(); it != seg_values.end();) {
      if (it->first.rfind("spend.", 0) == 0) {
        error(seg_where[it->first], prefix + it->first + " is not used with purchase.model = \"sbg\"");
        it = seg_values.erase(it);
      } else {
        ++it;
      }
    }
  } else if (values_.count("spend.model")) {
    std::string spend = values_["spend.model"].text;
    if (seg_values.count("spend.model")) spend = seg_values["spend.model"].text;
    check_params("spend.model", spend, values_["spend.model"].text);
  }
  if (model == "sbg_poisson" || model == "sbg" || model == "bg_bb") {
    std::string unit = to_string(s.base.purchase.time_unit);
    if (seg_values.count("purchase.time_unit")) unit = seg_values["purchase.time_unit"].text;
    const std::string period = to_string(s.simulation.period);
    if (unit != period && (seg_values.count("purchase.time_unit") || seg_values.count("purchase.model"))) {
      const Where& w =
          seg_values.count("purchase.time_unit") ? seg_where["purchase.time_unit"] : seg_where["purchase.model"];
      error(w, prefix + "purchase.time_unit = " + quote(unit) + " must equal simulation.period = " + quote(period) +
                   " for purchase.model = " + quote(model) + " (a discrete-time model)");
    }
  }
}

void Loader::read_channels(Scenario& s)
{
  if (!channels_) return;
  const auto* array = channels_->as_array();
  if (!array || !array->is_array_of_tables()) {
    error(channels_where_,
          "acquisition.channel has the wrong type: expected an array of tables "
          "([[acquisition.channel]]), got " +
              got(*channels_));
    return;
  }
  if (array->size() > static_cast<std::size_t>(MAX_ACQUISITION_CHANNELS))
    error(channels_where_, "at most " + std::to_string(MAX_ACQUISITION_CHANNELS) +
                               " acquisition channels are supported, got " + std::to_string(array->size()));
  std::vector<std::string> fields;
  for (const auto& k : channel_keys()) fields.push_back(k.name);
  fields.push_back("segments");
  const bool horizon_known = values_.count("simulation.horizon") > 0;
  std::set<std::string> names;
  int index = 0;
  for (const auto& element : *array) {
    ++index;
    const auto& table = *element.as_table();
    const Where entry_where = where_of(element);
    std::string label = "acquisition.channel #" + std::to_string(index);
    if (const auto* n = table.get("name"); n && n->is_string() && valid_name(n->as_string()->get()))
      label = "acquisition.channel." + n->as_string()->get();

    Channel channel;
    std::map<std::string, Where> where;
    std::set<std::string> present;
    std::vector<std::pair<std::string, Value>> uncertain;  // named once the name is known
    for (auto&& [key, node] : table) {
      const std::string name(key.str());
      const Where w = where_of(key, node);
      if (name == "segments") {
        read_channel_segments(s, channel, label, node, w);
        continue;
      }
      const KeyInfo* info = find_channel_key(name);
      if (!info) {
        std::string message = "unknown key '" + label + "." + name + "'";
        if (auto s2 = did_you_mean(name, fields)) message += "; did you mean '" + label + "." + *s2 + "'?";
        error(w, message);
        continue;
      }
      present.insert(name);
      where[name] = w;
      auto v = read_value(*info, label + "." + name, node, w);
      if (!v) continue;
      if (v->dist) uncertain.emplace_back(name, *v);
      if (name == "name") {
        check_name(w, label + ".name", v->text,
                   v->text == "referral" ? " is reserved for referred customers (docs/model.md §6.2)" : "",
                   "acquisition channel", names);
        channel.name = v->text;
      } else if (name == "budget_per_period") {
        channel.budget_per_period = v->number;
      } else if (name == "customers_per_period") {
        channel.customers_per_period = v->number;
      } else if (name == "cac") {
        channel.cac = v->number;
      } else if (name == "cac_inflation_annual") {
        channel.cac_inflation_annual = v->number;
      } else if (name == "saturation") {
        channel.saturation = v->number;
      } else if (name == "start_period") {
        channel.start_period = static_cast<int>(v->integer);
      } else if (name == "end_period") {
        channel.end_period = static_cast<int>(v->integer);
      }
    }
    if (!present.count("name")) {
      error(entry_where, label + ": missing required key 'name' (a string)");
    }
    const bool budget = present.count("budget_per_period"), customers = present.count("customers_per_period");
    if (budget && customers)
      error(entry_where, label + " sets both budget_per_period and customers_per_period; set exactly one");
    else if (!budget && !customers)
      error(entry_where, label + " sets neither budget_per_period nor customers_per_period; set exactly one");
    if (budget && !customers) {
      if (!present.count("cac"))
        file_error("missing required key '" + label + ".cac' (a number in (0, inf) with budget_per_period)");
      else if (channel.cac <= 0.0 && where.count("cac"))
        error(where["cac"],
              label + ".cac = " + format_number(channel.cac) + " is out of range (0, inf) with budget_per_period");
    }
    if (channel.end_period != -1 && channel.end_period < channel.start_period && present.count("end_period"))
      error(where["end_period"], label + ".end_period = " + std::to_string(channel.end_period) +
                                     " is before start_period = " + std::to_string(channel.start_period) +
                                     " (-1 = to the end)");
    if (horizon_known && channel.start_period >= s.simulation.horizon_periods)
      error(where["start_period"], label + ".start_period = " + std::to_string(channel.start_period) +
                                       " is not before the end of the horizon (simulation.horizon = " +
                                       std::to_string(s.simulation.horizon_periods) + ")");
    for (const auto& [field, v] : uncertain)
      add_uncertain("acquisition.channel." + channel.name + "." + field, *v.dist, where[field]);
    s.channels.push_back(std::move(channel));
  }
}

// ---------------------------------------------------------------------------------------
// Distributions (docs/model.md §9)

constexpr double INF = std::numeric_limits<double>::infinity();

struct DistSpec {
  DistKind kind;
  std::vector<std::string> required, optional;
  std::string signature;  //!< "mean, sd [, low, high]"
};

const std::vector<DistSpec>& dist_specs()
{
  static const std::vector<DistSpec> specs = {
      {DistKind::normal, {"mean", "sd"}, {"low", "high"}, "mean, sd [, low, high]"},
      {DistKind::lognormal, {"median", "sigma"}, {}, "median, sigma"},
      {DistKind::uniform, {"low", "high"}, {}, "low, high"},
      {DistKind::triangular, {"low", "mode", "high"}, {}, "low, mode, high"},
      {DistKind::pert, {"low", "mode", "high"}, {}, "low, mode, high"},
      {DistKind::beta, {"a", "b"}, {"low", "high"}, "a, b [, low, high]"}};
  return specs;
}

std::string dist_names_text()
{
  std::string out;
  for (const auto& d : dist_specs()) out += std::string(out.empty() ? "" : ", ") + "\"" + to_string(d.kind) + "\"";
  return out;
}

//! v within the key's allowed range (its open ends excluded).
bool within(const KeyInfo& k, double v)
{
  const bool low = k.lo_open ? v > k.lo : v >= k.lo;
  const bool high = k.hi_open ? v < k.hi : v <= k.hi;
  return low && high;
}

std::string interval_text(double lo, double hi)
{
  return (lo == -INF ? std::string("(-inf") : "[" + format_number(lo)) + ", " +
         (hi == INF ? std::string("inf)") : format_number(hi) + "]");
}

//! The ends of the values a distribution can take (infinite where unbounded; lognormal (0, inf)).
std::pair<double, double> support_of(const Distribution& d)
{
  if (d.kind == DistKind::lognormal || d.kind == DistKind::mvlognormal) return {0.0, INF};
  return {d.has_low ? d.low : -INF, d.has_high ? d.high : INF};
}

std::string missing_bounds(const Distribution& d, bool low, bool high)
{
  if (d.kind != DistKind::normal) return "";
  if (low && high) return " without low and high";
  return low ? " without low" : high ? " without high" : "";
}

std::optional<Distribution> Loader::read_distribution(const std::string& name, const toml::table& table, const Where& w,
                                                      const std::string& prefix)
{
  const std::string at = prefix + name + ": ";
  const toml::node* kind_node = table.get("dist");
  if (!kind_node->is_string()) {
    error(w,
          at + "dist has the wrong type: expected a string (one of " + dist_names_text() + "), got " + got(*kind_node));
    return std::nullopt;
  }
  const std::string kind = kind_node->as_string()->get();
  const DistSpec* spec = nullptr;
  std::vector<std::string> names;
  for (const auto& d : dist_specs()) {
    names.emplace_back(to_string(d.kind));
    if (kind == to_string(d.kind)) spec = &d;
  }
  if (!spec) {
    std::string message = at + "unknown distribution " + quote(kind);
    if (auto s = did_you_mean(kind, names)) message += "; did you mean " + quote(*s) + "?";
    error(w, message + " (one of " + dist_names_text() + ")");
    return std::nullopt;
  }
  const std::string a_kind = "a " + kind + " distribution";
  std::vector<std::string> allowed = spec->required;
  allowed.insert(allowed.end(), spec->optional.begin(), spec->optional.end());
  std::map<std::string, double> p;
  bool ok = true;
  for (auto&& [key, node] : table) {
    const std::string param(key.str());
    if (param == "dist") continue;
    if (std::find(allowed.begin(), allowed.end(), param) == allowed.end()) {
      std::string message = at + "unknown parameter '" + param + "' of " + a_kind;
      if (auto s = did_you_mean(param, allowed)) message += "; did you mean '" + *s + "'?";
      error(w, message + " (it takes " + spec->signature + ")");
      ok = false;
      continue;
    }
    double v;
    if (const auto* i = node.as_integer())
      v = static_cast<double>(i->get());
    else if (const auto* f = node.as_floating_point())
      v = f->get();
    else {
      error(w, at + "parameter " + param + " has the wrong type: expected a number, got " + got(node));
      ok = false;
      continue;
    }
    if (!std::isfinite(v)) {
      error(w, at + "parameter " + param + " = " + format_number(v) + " is not a finite number");
      ok = false;
      continue;
    }
    p[param] = v;
  }
  for (const auto& r : spec->required)
    if (!table.contains(r)) {
      error(w, at + a_kind + " needs '" + r + "' (it takes " + spec->signature + ")");
      ok = false;
    }
  if (!ok) return std::nullopt;

  Distribution d;
  d.kind = spec->kind;
  auto get = [&](const char* k, double fallback) { return p.count(k) ? p[k] : fallback; };
  d.mean = get("mean", 0);
  d.sd = get("sd", 0);
  d.median = get("median", 0);
  d.sigma = get("sigma", 0);
  d.mode = get("mode", 0);
  d.a = get("a", 0);
  d.b = get("b", 0);
  const bool bounded = d.kind != DistKind::normal && d.kind != DistKind::lognormal;
  d.has_low = bounded || p.count("low");
  d.has_high = bounded || p.count("high");
  d.low = get("low", 0.0);
  d.high = get("high", d.kind == DistKind::beta ? 1.0 : 0.0);

  auto positive = [&](const char* k) {
    if (p.count(k) && !(p[k] > 0)) {
      error(w, at + k + " = " + format_number(p[k]) + " must be > 0");
      ok = false;
    }
  };
  for (const char* k : {"sd", "sigma", "median", "a", "b"}) positive(k);
  if (d.has_low && d.has_high && !(d.low < d.high)) {
    error(w, at + "low = " + format_number(d.low) + " must be below high = " + format_number(d.high));
    ok = false;
  } else if (p.count("mode") && !(d.mode >= d.low && d.mode <= d.high)) {
    error(w, at + "mode = " + format_number(d.mode) + " must lie between low = " + format_number(d.low) +
                 " and high = " + format_number(d.high));
    ok = false;
  } else if (d.kind == DistKind::normal && ((d.has_low && d.mean < d.low) || (d.has_high && d.mean > d.high))) {
    // A truncated normal whose mean lies outside its bounds is almost surely a typo.
    std::string bounds = d.has_low && d.has_high
                             ? "between low = " + format_number(d.low) + " and high = " + format_number(d.high)
                         : d.has_low ? "at or above low = " + format_number(d.low)
                                     : "at or below high = " + format_number(d.high);
    error(w, at + "mean = " + format_number(d.mean) + " must lie " + bounds);
    ok = false;
  }
  if (!ok) return std::nullopt;
  return d;
}

bool Loader::check_support(const KeyInfo& info, const std::string& name, const Distribution& d, const Where& w,
                           const std::string& prefix)
{
  const std::string at = prefix + name + ": ";
  const std::string kind = to_string(d.kind);
  if (d.kind == DistKind::lognormal || d.kind == DistKind::mvlognormal) {
    if (info.lo > 0 || info.hi != INF) {
      error(w, at + "a lognormal distribution (values in (0, inf)) does not fit the range " + range_text(info));
      return false;
    }
    return true;
  }
  const auto [lo, hi] = support_of(d);
  const bool need_low = lo == -INF && info.lo != -INF, need_high = hi == INF && info.hi != INF;
  if (need_low || need_high) {
    const std::string which = need_low && need_high ? "low and high" : need_low ? "low" : "high";
    error(w, at + "a " + kind + " distribution needs " + which + " within " + range_text(info));
    return false;
  }
  if ((lo != -INF && !within(info, lo)) || (hi != INF && !within(info, hi))) {
    error(w, at + "a " + kind + " distribution on " + interval_text(lo, hi) + " can give values out of range " +
                 range_text(info));
    return false;
  }
  return true;
}

void Loader::check_result(const KeyInfo& info, const std::string& key, double base, ChangeOp op, double amount,
                          const Distribution* d, const Where& w, const std::string& prefix)
{
  const std::string sign = op == ChangeOp::add ? " + " : " * ";
  auto apply = [&](double x) { return op == ChangeOp::add ? base + x : (base == 0.0 ? 0.0 : base * x); };
  // "KEY = 0.9 + 0.2 = 1.1 is out of range [0, 1]", the result shown to 12 digits
  // (0.1 + 0.2 reads 0.3, not 0.30000000000000004).
  auto problem = [&](double x) -> std::optional<std::string> {
    const double r = apply(x);
    auto message = check_number(info, key, r);
    if (!message) return std::nullopt;
    char shown[32];
    std::snprintf(shown, sizeof shown, "%.12g", r);
    return key + " = " + format_number(base) + sign + format_number(x) + " = " + shown +
           message->substr(key.size() + 3 + format_number(r).size());
  };
  if (!d) {
    if (auto message = problem(amount)) error(w, prefix + *message);
    return;
  }
  const auto [lo, hi] = support_of(*d);
  const double r_lo = apply(lo), r_hi = apply(hi);
  const double res_lo = std::min(r_lo, r_hi), res_hi = std::max(r_lo, r_hi);
  if ((res_lo == -INF && info.lo != -INF) || (res_hi == INF && info.hi != INF)) {
    error(w, prefix + key + " = " + format_number(base) + sign + "a " + to_string(d->kind) + " distribution" +
                 missing_bounds(*d, lo == -INF, hi == INF) + " can leave the range " + range_text(info));
    return;
  }
  for (const auto& [end, x, r] : {std::tuple{"low", lo, r_lo}, std::tuple{"high", hi, r_hi}}) {
    if (!std::isfinite(r) || within(info, r)) continue;
    // A lognormal's lower end 0 is never drawn: the result only approaches the open bound.
    if (d->kind == DistKind::lognormal && x == 0.0 && r == info.lo && info.lo_open) continue;
    if (auto message = problem(x))
      error(w, prefix + *message + " (the " + end + " end of the " + to_string(d->kind) + " distribution)");
  }
}

// ---------------------------------------------------------------------------------------
// Keys of a loaded scenario: investment changes and sweeps address them by dotted name.

std::string names_text(const std::vector<std::string>& names)
{
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return names.empty() ? "the scenario has none" : "the scenario has: " + out;
}

//! "unknown key 'K'; did you mean 'X'?" or "no segment named 'gold' (...)" for a key that
//! is not a key of `s` (static key, segment.<name>.<key>, acquisition.channel.<name>.<field>).
std::string unknown_scenario_key(const Scenario& s, const std::string& key)
{
  std::vector<std::string> candidates;
  std::string prefix, field = key;
  const bool is_segment = key.rfind("segment.", 0) == 0, is_channel = key.rfind("acquisition.channel.", 0) == 0;
  if (is_segment || is_channel) {
    const std::string rest = key.substr(is_segment ? 8 : 20);
    const auto dot = rest.find('.');
    const std::string name = rest.substr(0, dot);
    std::vector<std::string> names;
    if (is_segment)
      for (const auto& g : s.segments) names.push_back(g.name);
    else
      for (const auto& c : s.channels) names.push_back(c.name);
    if (std::find(names.begin(), names.end(), name) == names.end())
      return std::string("no ") + (is_segment ? "segment" : "acquisition channel") + " named '" + name + "' (" +
             names_text(names) + ")";
    if (dot != std::string::npos) {
      prefix = key.substr(0, (is_segment ? 8 : 20) + dot + 1);
      field = rest.substr(dot + 1);
      if (is_segment) {
        candidates.push_back("share");
        for (const auto& k : all_keys())
          if (k.segment_ok) candidates.push_back(k.name);
      } else {
        for (const auto& k : channel_keys())
          if (k.name != "name") candidates.push_back(k.name);
      }
    }
  } else {
    for (const auto& k : all_keys()) candidates.push_back(k.name);
  }
  std::string message = "unknown key '" + key + "'";
  if (auto m = did_you_mean(field, candidates)) message += "; did you mean '" + prefix + *m + "'?";
  return message;
}

bool is_boolean(const KeyInfo* k)
{
  return k && k->type == KeyType::boolean;
}

//! The KeyInfo of a numeric key of `s` (for segment/channel addresses: the field's).
const KeyInfo* numeric_info(const Scenario& s, const std::string& key)
{
  if (const KeyInfo* k = find_key(key)) return k;
  if (!is_numeric_key(s, key)) return nullptr;
  if (key.rfind("segment.", 0) == 0) {
    const std::string field = key.substr(key.find('.', 8) + 1);
    return field == "share" ? &segment_keys()[1] : find_key(field);
  }
  if (key.rfind("acquisition.channel.", 0) == 0) return find_channel_key(key.substr(key.find('.', 20) + 1));
  if (key.rfind("investment.", 0) == 0) return find_investment_key(key.substr(key.find('.', 11) + 1));
  return nullptr;
}

//! Why `key` cannot be a sweep axis of `s`, or nullopt.
std::optional<std::string> sweep_key_problem(const Scenario& s, const std::string& key)
{
  if (const KeyInfo* k = find_key(key)) {
    if (key.rfind("simulation.", 0) == 0) return key + " cannot be swept (it describes the run, not the shop)";
    if (k->type == KeyType::string || k->type == KeyType::word)
      return key + " cannot be swept (a sweep takes numbers and booleans; it is a string)";
    return std::nullopt;
  }
  if (key.rfind("segment.", 0) == 0 && key.size() > 6 && key.compare(key.size() - 6, 6, ".share") == 0 &&
      is_numeric_key(s, key))
    return key + " cannot be swept (segment shares must sum to 1)";
  if (key.rfind("investment.", 0) == 0 && is_numeric_key(s, key))
    return key + " cannot be swept (a sweep varies the scenario, not the investments)";
  if (is_numeric_key(s, key)) return std::nullopt;
  return unknown_scenario_key(s, key);
}

bool is_uncertain(const Scenario& s, const std::string& key)
{
  return std::any_of(s.uncertain.begin(), s.uncertain.end(), [&](const UncertainInput& u) { return u.key == key; });
}

constexpr std::size_t MAX_SWEEP_POINTS = 10000;

std::string grid_text(const std::vector<SweepAxis>& axes, std::size_t& total)
{
  std::string sizes;
  total = 1;
  for (const auto& a : axes) {
    total = std::min<std::size_t>(total * a.values.size(), std::numeric_limits<std::size_t>::max() / 1000000);
    sizes += (sizes.empty() ? "" : " x ") + std::to_string(a.values.size());
  }
  return sizes;
}

//! Why a change of `key` (a static key) is not allowed, or "".
std::string unchangeable(const std::string& key)
{
  if (key == "purchase.model" || key == "spend.model") return key + ": investments cannot change the model";
  static const std::vector<std::pair<std::string, std::string>> reasons = {
      {"simulation.", "it describes the run, not the shop"},
      {"population.", "it describes the customers at the start"},
      {"kpi.", "it defines a KPI"},
      {"purchase.time_unit", "the unit the rates are given in"},
      {"economics.currency", "one currency per run"}};
  for (const auto& [p, why] : reasons)
    if (key.rfind(p, 0) == 0) return key + " cannot be changed by an investment (" + why + ")";
  return "";
}

//! Reserved variant names (docs/model.md §8, §9).
bool reserved_name(const std::string& name)
{
  return name == "baseline" || name == "portfolio" || name.rfind("sweep_", 0) == 0;
}

void Loader::read_investments(Scenario& s)
{
  if (!investments_) return;
  const auto* array = investments_->as_array();
  if (!array || !array->is_array_of_tables()) {
    error(investments_where_,
          "investment has the wrong type: expected an array of tables ([[investment]]), got " + got(*investments_));
    return;
  }
  std::vector<std::string> fields;
  for (const auto& k : investment_keys()) fields.push_back(k.name);
  fields.push_back("changes");
  const bool horizon_known = values_.count("simulation.horizon") > 0;
  std::set<std::string> names;
  int index = 0;
  for (const auto& element : *array) {
    ++index;
    const auto& table = *element.as_table();
    const Where entry_where = where_of(element);
    std::string label = "investment #" + std::to_string(index);
    if (const auto* n = table.get("name"); n && n->is_string() && valid_name(n->as_string()->get()))
      label = "investment '" + n->as_string()->get() + "'";
    const std::string prefix = label + ": ";

    Investment inv;
    bool has_name = false;
    const toml::table* changes = nullptr;
    Where changes_where;
    std::map<std::string, Where> where;
    std::vector<std::pair<std::string, std::pair<Distribution, Where>>> dists;  // named once the name is known
    for (auto&& [key, node] : table) {
      const std::string name(key.str());
      const Where w = where_of(key, node);
      if (name == "changes") {
        if (!node.is_table())
          error(w,
                prefix + "changes has the wrong type: expected a table of scenario keys and values, got " + got(node));
        changes = node.as_table();
        changes_where = w;
        continue;
      }
      const KeyInfo* info = find_investment_key(name);
      if (!info) {
        std::string message = prefix + "unknown key '" + name + "'";
        if (auto m = did_you_mean(name, fields)) message += "; did you mean '" + *m + "'?";
        error(w, message);
        continue;
      }
      where[name] = w;
      if (name == "name") has_name = true;
      auto v = read_value(*info, name, node, w, prefix);
      if (!v) continue;
      if (name == "name") {
        check_name(w, prefix + "name", v->text,
                   reserved_name(v->text)
                       ? " is reserved (the run's variants are named baseline, portfolio and sweep_NNNN)"
                       : "",
                   "investment", names);
        inv.name = v->text;
      } else if (name == "description") {
        inv.description = v->text;
      } else if (name == "start_period") {
        inv.start_period = static_cast<int>(v->integer);
      } else if (name == "ramp_periods") {
        inv.ramp_periods = static_cast<int>(v->integer);
      } else {
        if (name == "one_time_cost") inv.one_time_cost = v->number;
        if (name == "cost_per_period") inv.cost_per_period = v->number;
        if (name == "cost_per_order") inv.cost_per_order = v->number;
        if (name == "cost_per_contact") inv.cost_per_contact = v->number;
        if (v->dist) dists.push_back({name, {*v->dist, w}});
      }
    }
    if (!has_name) error(entry_where, label + ": missing required key 'name' (a string)");
    if (!changes_where.line && changes_where.set_index < 0)
      error(entry_where, prefix + "missing required key 'changes' (a table of scenario keys and their new values)");
    if (horizon_known && inv.start_period >= s.simulation.horizon_periods)
      error(where["start_period"], prefix + "start_period = " + std::to_string(inv.start_period) +
                                       " is not before the end of the horizon (simulation.horizon = " +
                                       std::to_string(s.simulation.horizon_periods) + ")");

    if (changes) {
      // { "service.courtesy" = ... } or nested tables { service.courtesy = ... }.
      std::vector<FlatOverride> flat;
      std::function<void(const toml::table&, const std::string&)> flatten = [&](const toml::table& t,
                                                                                const std::string& p) {
        for (auto&& [key, node] : t) {
          const std::string k = p + std::string(key.str());
          const auto* sub = node.as_table();
          const bool leaf = !sub || sub->contains("dist") || sub->contains("add") || sub->contains("multiply") ||
                            find_key(k) || is_numeric_key(s, k);
          if (leaf)
            flat.push_back(FlatOverride{k, &node, where_of(key, node)});
          else
            flatten(*sub, k + ".");
        }
      };
      flatten(*changes, "");
      std::stable_sort(flat.begin(), flat.end(), [](const FlatOverride& a, const FlatOverride& b) {
        return a.where.line != b.where.line ? a.where.line < b.where.line : a.where.column < b.where.column;
      });
      std::set<std::string> seen;
      for (const auto& o : flat) {
        if (!seen.insert(o.key).second) {
          error(o.where, prefix + "change '" + o.key + "' is given twice");
          continue;
        }
        read_change(s, inv, prefix, o.key, *o.node, o.where, dists);
      }
    }
    for (const auto& [field, dw] : dists) add_uncertain("investment." + inv.name + "." + field, dw.first, dw.second);
    s.investments.push_back(std::move(inv));
  }
}

void Loader::read_change(Scenario& s, Investment& inv, const std::string& prefix, const std::string& key,
                         const toml::node& node, const Where& w,
                         std::vector<std::pair<std::string, std::pair<Distribution, Where>>>& dists)
{
  // What the key addresses, the behaviour whose model decides which parameters exist, and
  // the value a relative change starts from (nullopt when that value is itself invalid).
  const KeyInfo* info = nullptr;
  const Behaviour* behaviour = nullptr;
  std::optional<double> base;
  std::string field = key;  // the key within the behaviour
  const Channel* channel = nullptr;
  if (const KeyInfo* k = find_key(key)) {
    if (auto why = unchangeable(key); !why.empty()) {
      error(w, prefix + why);
      return;
    }
    info = k;
    behaviour = k->behaviour ? &s.base : nullptr;
    if (!(found_.count(key) && !values_.count(key)) && k->type != KeyType::string && k->type != KeyType::word)
      base = get_number(s, key);
  } else if (key.rfind("segment.", 0) == 0 && is_numeric_key(s, key.substr(0, key.find('.', 8)) + ".share")) {
    const std::string seg_name = key.substr(8, key.find('.', 8) - 8);
    field = key.substr(key.find('.', 8) + 1);
    const Segment* seg = nullptr;
    for (const auto& g : s.segments)
      if (g.name == seg_name) seg = &g;
    const KeyInfo* k = find_key(field);
    if (field == "share") {
      error(w, prefix + key + " cannot be changed by an investment (segment shares must sum to 1)");
      return;
    }
    if (!k) {
      error(w, prefix + unknown_scenario_key(s, key));
      return;
    }
    if (auto why = unchangeable(field); !why.empty()) {
      error(w, prefix + "segment '" + seg_name + "': " + why);
      return;
    }
    if (!k->segment_ok) {
      error(w, prefix + key + ": " + field + " cannot be overridden by a segment (it is shop-level)");
      return;
    }
    info = k;
    behaviour = &seg->behaviour;
    if (k->type != KeyType::string && k->type != KeyType::word) base = get_number(seg->behaviour, field);
  } else if (key.rfind("acquisition.channel.", 0) == 0 && key.find('.', 20) != std::string::npos &&
             is_numeric_key(s, key.substr(0, key.find('.', 20)) + ".cac")) {
    const std::string name = key.substr(20, key.find('.', 20) - 20);
    field = key.substr(key.find('.', 20) + 1);
    for (const auto& c : s.channels)
      if (c.name == name) channel = &c;
    if (field == "segments" || field.rfind("segments.", 0) == 0) {
      error(w, prefix + key +
                   " cannot be changed by an investment (a channel's segment mix is fixed for the "
                   "run; model a new mix as a second channel with its own start_period)");
      return;
    }
    const KeyInfo* k = field == "name" ? nullptr : find_channel_key(field);
    if (!k) {
      error(w, prefix + unknown_scenario_key(s, key));
      return;
    }
    if ((field == "budget_per_period" && !channel->budget_per_period) ||
        (field == "customers_per_period" && !channel->customers_per_period)) {
      error(w, prefix + key + ": the channel sets " +
                   (channel->budget_per_period ? "budget_per_period" : "customers_per_period") +
                   ", and an investment cannot switch it");
      return;
    }
    info = k;
    base = get_number(s, key);
  } else {
    error(w, prefix + unknown_scenario_key(s, key));
    return;
  }

  // Model parameters must belong to the model in force where the change applies.
  if (behaviour && !info->model_key.empty()) {
    const std::string model = get_text(*behaviour, info->model_key);
    const auto params = model_parameters(info->model_key, model);
    if (std::find(params.begin(), params.end(), field) == params.end()) {
      error(w, prefix + key + " is not a parameter of " + info->model_key + " = " + quote(model) +
                   " (its parameters are " + list_params(params) + ")");
      return;
    }
  }
  if (behaviour && field.rfind("spend.", 0) == 0 && behaviour->purchase.model == PurchaseModel::sbg) {
    error(w, prefix + key + " is not used with purchase.model = \"sbg\"");
    return;
  }

  Change c;
  c.key = key;
  const toml::table* t = node.as_table();
  if (t && !t->contains("dist")) {
    const bool add = t->contains("add"), multiply = t->contains("multiply");
    if (t->size() != 1 || (!add && !multiply)) {
      std::string keys;
      for (auto&& [k, n] : *t) keys += (keys.empty() ? "" : ", ") + std::string(k.str());
      error(w, prefix + key +
                   ": expected a value, { add = x }, { multiply = x } or a distribution, got a table "
                   "with " +
                   (keys.empty() ? std::string("no keys") : "keys " + keys));
      return;
    }
    c.op = add ? ChangeOp::add : ChangeOp::multiply;
    const char* verb = add ? "add to " : "multiply ";
    if (info->type != KeyType::number && info->type != KeyType::integer) {
      error(w, prefix + "cannot " + verb + key + " (" + (info->type == KeyType::boolean ? "a boolean" : "a string") +
                   ", not a number)");
      return;
    }
    const toml::node& amount = *t->get(add ? "add" : "multiply");
    const toml::table* dist = amount.is_table() && amount.as_table()->contains("dist") ? amount.as_table() : nullptr;
    std::optional<Distribution> d;
    if (dist) {
      if (info->type == KeyType::integer) {
        error(w, prefix + key + " is an integer and cannot be uncertain (only numbers can)");
        return;
      }
      d = read_distribution(key, *dist, w, prefix);
      if (!d) return;
      c.number = representative_value(*d);
    } else if (const auto* i = amount.as_integer()) {
      c.number = static_cast<double>(i->get());
    } else if (const auto* f = amount.as_floating_point(); f && std::isfinite(f->get())) {
      c.number = f->get();
    } else {
      error(w, prefix + key + " { " + (add ? "add" : "multiply") +
                   " = ... } has the wrong type: expected a number or a distribution, got " + got(amount));
      return;
    }
    if (base) check_result(*info, key, *base, c.op, c.number, d ? &*d : nullptr, w, prefix);
    if (d) dists.push_back({"changes." + key, {*d, w}});
  } else {
    auto v = read_value(*info, key, node, w, prefix);
    if (!v) return;
    c.number = v->number;
    c.text = v->text;
    c.is_text = v->is_text;
    if (v->dist) dists.push_back({"changes." + key, {*v->dist, w}});
  }
  if (channel && field == "cac" && channel->budget_per_period && c.op == ChangeOp::set && !(c.number > 0))
    error(w, prefix + key + " = " + format_number(c.number) + " is out of range (0, inf) with budget_per_period");
  inv.changes.push_back(std::move(c));
}

//! [seasonality] (docs/model.md §4.4): order_multipliers and acquisition_multipliers, each
//! one value > 0 per calendar period (12 for monthly periods, 52 for weekly).
void Loader::read_seasonality(Scenario& s)
{
  if (!seasonality_) return;
  const Where& w = seasonality_->where;
  const auto* table = seasonality_->node->as_table();
  if (!table) {
    error(w, "seasonality has the wrong type: expected a table ([seasonality]), got " + got(*seasonality_->node));
    return;
  }
  static const std::vector<std::string> fields = {"order_multipliers", "acquisition_multipliers"};
  const bool weekly = s.simulation.period == Period::week;
  const std::size_t n = weekly ? 52 : 12;
  const std::string what = std::to_string(n) + " numbers > 0 (one per " + (weekly ? "week" : "month") +
                           " of the year, simulation.period = \"" + (weekly ? "week" : "month") + "\")";
  for (auto&& [key, node] : *table) {
    const std::string field(key.str());
    const Where at = where_of(key, node);
    const std::string name = "seasonality." + field;
    if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
      std::string message = "unknown key '" + name + "'";
      if (auto sug = did_you_mean(field, fields)) message += "; did you mean 'seasonality." + *sug + "'?";
      error(at, message + " (seasonality takes order_multipliers and acquisition_multipliers)");
      continue;
    }
    const auto* array = node.as_array();
    if (!array) {
      error(at, name + " has the wrong type: expected an array of " + what + ", got " + got(node));
      continue;
    }
    if (array->size() != n) {
      error(at, name + " has " + std::to_string(array->size()) + " values; expected " + what);
      continue;
    }
    std::vector<double> values;
    for (std::size_t i = 0; i < n; ++i) {
      const toml::node& v = *array->get(i);
      double x = 0;
      if (const auto* integer = v.as_integer())
        x = static_cast<double>(integer->get());
      else if (const auto* f = v.as_floating_point())
        x = f->get();
      else {
        error(at, name + "[" + std::to_string(i) + "] has the wrong type: expected a number, got " + got(v));
        continue;
      }
      if (!(x > 0) || !(x <= 100)) {
        error(at, name + "[" + std::to_string(i) + "] = " + format_number(x) + " is out of range (0, 100]");
        continue;
      }
      values.push_back(x);
    }
    if (values.size() != n) continue;
    (field == "order_multipliers" ? s.seasonality.order_multipliers : s.seasonality.acquisition_multipliers) = values;
  }
}

//! The correlated groups (docs/model.md §9.1): `[purchase.uncertainty]` and
//! `[spend.uncertainty]` with dist = "mvlognormal", keys (parameters of the section's model),
//! mean_log and cov_log (symmetric positive definite). Keys given on the command line
//! (--set) leave the group: the others keep their marginal (rows and columns dropped).
void Loader::read_joint(Scenario& s)
{
  for (const auto& [name, found] : joint_tables_) read_joint_table(s, name, found);
}

void Loader::read_joint_table(Scenario& s, const std::string& name, const Found& found)
{
  const Where& w = found.where;
  const std::string section = name.substr(0, name.find('.'));  // "purchase" or "spend"
  const std::string at = name + ": ";
  const auto* table = found.node->as_table();
  if (!table) {
    error(w, name + " has the wrong type: expected a table ([" + name + "]), got " + got(*found.node));
    return;
  }
  static const std::vector<std::string> fields = {"dist", "keys", "mean_log", "cov_log"};
  bool ok = true;
  for (auto&& [key, node] : *table) {
    const std::string field(key.str());
    if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
      std::string message = at + "unknown key '" + field + "'";
      if (auto sug = did_you_mean(field, fields)) message += "; did you mean '" + *sug + "'?";
      error(where_of(key, node), message + " (it takes dist = \"mvlognormal\", keys, mean_log, cov_log)");
      ok = false;
    }
  }
  for (const auto& field : fields)
    if (!table->contains(field)) {
      error(w, at + "missing '" + field + "' (it takes dist = \"mvlognormal\", keys, mean_log, cov_log)");
      ok = false;
    }
  if (!ok) return;
  auto field_where = [&](const char* field) {
    for (auto&& [key, node] : *table)
      if (key.str() == field) return where_of(key, node);
    return w;
  };
  if (const auto* d = table->get("dist"); !d->is_string() || d->as_string()->get() != "mvlognormal") {
    error(field_where("dist"), at + "dist = " + (d->is_string() ? quote(d->as_string()->get()) : got(*d)) +
                                   " must be \"mvlognormal\" (ln of the keys jointly normal)");
    return;
  }

  // keys: parameters of the section's model, each once, none also a distribution of its own
  const std::string model_key = section + ".model";
  const std::optional<std::string> model =
      section == "purchase"
          ? purchase_model_
          : (values_.count("spend.model") ? std::optional(values_["spend.model"].text) : std::nullopt);
  if (!model) return;  // (its absence or invalidity is reported already)
  const std::vector<std::string> params = model_parameters(model_key, *model);
  std::vector<std::string> keys;
  const auto* key_array = table->get("keys")->as_array();
  const Where keys_where = field_where("keys");
  if (!key_array || key_array->empty()) {
    error(keys_where, at + "keys must be a non-empty array of " + model_key + " = " + quote(*model) +
                          "'s parameters (" + list_params(params) + ")");
    return;
  }
  for (const auto& k : *key_array) {
    if (!k.is_string()) {
      error(keys_where, at + "keys has the wrong type: expected strings, got " + got(k));
      return;
    }
    std::string key = k.as_string()->get();
    if (key.rfind(section + ".", 0) != 0) key = section + "." + key;
    if (std::find(params.begin(), params.end(), key) == params.end() || !find_key(key) ||
        !find_key(key)->uncertain_ok) {
      error(keys_where, at + quote(k.as_string()->get()) + " is not a parameter of " + model_key + " = " +
                            quote(*model) + " (its parameters are " + list_params(params) + ")");
      ok = false;
    } else if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
      error(keys_where, at + quote(k.as_string()->get()) + " is listed twice in keys");
      ok = false;
    } else if (values_.count(key) && values_[key].dist) {
      error(keys_where, at + key + " is also written as a distribution of its own (line " +
                            std::to_string(found_[key].where.line) + "): give it one or the other");
      ok = false;
    }
    keys.push_back(key);
  }
  const std::size_t k = keys.size();
  // mean_log: k finite numbers; cov_log: k rows of k finite numbers
  auto number_of = [](const toml::node& n, double& v) {
    if (const auto* i = n.as_integer())
      v = static_cast<double>(i->get());
    else if (const auto* f = n.as_floating_point())
      v = f->get();
    else
      return false;
    return std::isfinite(v);
  };
  std::vector<double> mean(k), cov(k * k);
  const auto* mean_array = table->get("mean_log")->as_array();
  const Where mean_where = field_where("mean_log");
  if (!mean_array || mean_array->size() != k) {
    error(mean_where, at + "mean_log must be an array of " + std::to_string(k) + " numbers (one per key)");
    ok = false;
  } else {
    for (std::size_t i = 0; i < k; ++i)
      if (!number_of(*mean_array->get(i), mean[i])) {
        error(mean_where, at + "mean_log[" + std::to_string(i) + "] is not a finite number");
        ok = false;
      }
  }
  const auto* cov_array = table->get("cov_log")->as_array();
  const Where cov_where = field_where("cov_log");
  bool cov_ok = cov_array && cov_array->size() == k;
  for (std::size_t i = 0; cov_ok && i < k; ++i) {
    const auto* row = cov_array->get(i)->as_array();
    cov_ok = row && row->size() == k;
    for (std::size_t j = 0; cov_ok && j < k; ++j)
      if (!number_of(*row->get(j), cov[i * k + j])) {
        error(cov_where, at + "cov_log[" + std::to_string(i) + "][" + std::to_string(j) + "] is not a finite number");
        ok = false;
      }
  }
  if (!cov_ok) {
    error(cov_where, at + "cov_log must be " + std::to_string(k) + " arrays of " + std::to_string(k) +
                         " numbers (the covariance of ln(keys))");
    return;
  }
  if (!ok) return;
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < i; ++j) {
      const double a = cov[i * k + j], b = cov[j * k + i];
      if (std::abs(a - b) > 1e-9 * std::max({std::abs(a), std::abs(b), 1e-300})) {
        error(cov_where, at + "cov_log is not symmetric: [" + std::to_string(i) + "][" + std::to_string(j) +
                             "] = " + format_number(a) + " but [" + std::to_string(j) + "][" + std::to_string(i) +
                             "] = " + format_number(b));
        return;
      }
    }
  // Keys set on the command line leave the group (the others keep their marginal).
  JointLognormal g;
  g.name = name;
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < k; ++i)
    if (!(found_.count(keys[i]) && found_[keys[i]].where.set_index >= 0)) kept.push_back(i);
  for (std::size_t i : kept) {
    g.keys.push_back(keys[i]);
    g.mean_log.push_back(mean[i]);
    for (std::size_t j : kept) g.cov_log.push_back(cov[i * k + j]);
  }
  const std::size_t m = kept.size();
  if (m == 0) return;
  Eigen::MatrixXd c(m, m);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < m; ++j) c(i, j) = g.cov_log[i * m + j];
  const Eigen::LLT<Eigen::MatrixXd> llt(c);
  if (llt.info() != Eigen::Success) {
    error(cov_where, at + "cov_log is not positive definite (a covariance matrix must be; clvsim fit "
                          "--parameter-uncertainty writes one)");
    return;
  }
  const Eigen::MatrixXd l = llt.matrixL();
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < m; ++j) g.chol.push_back(l(i, j));
  // Each member's range (a draw outside one is redrawn whole); the medians must lie within.
  for (std::size_t i = 0; i < m; ++i) {
    const KeyInfo& info = *find_key(g.keys[i]);
    g.low.push_back(info.lo);
    g.high.push_back(info.hi);
    g.low_open.push_back(info.lo_open);
    g.high_open.push_back(info.hi_open);
    if (auto message = check_number(info, g.keys[i], std::exp(g.mean_log[i]))) {
      error(mean_where, at + "exp(mean_log) gives " + *message);
      return;
    }
  }
  for (std::size_t i = 0; i < m; ++i) {
    Distribution d;
    d.kind = DistKind::mvlognormal;
    d.median = std::exp(g.mean_log[i]);
    d.sigma = std::sqrt(g.cov_log[i * m + i]);
    d.group = s.joint.size();
    d.member = i;
    Where member_where = w;
    member_where.column += static_cast<int>(i);  // file order within the group
    add_uncertain(g.keys[i], d, member_where);
  }
  s.joint.push_back(std::move(g));
}

void Loader::read_sweep(Scenario& s)
{
  if (!sweep_) return;
  if (!sweep_->is_table()) {
    error(sweep_where_,
          "sweep has the wrong type: expected a table ([sweep]) of keys and value lists, got " + got(*sweep_));
    return;
  }
  std::set<std::string> uncertain;
  for (const auto& [w, u] : uncertain_) uncertain.insert(u.key);
  std::vector<FlatOverride> flat;
  std::function<void(const toml::table&, const std::string&)> flatten = [&](const toml::table& t,
                                                                            const std::string& p) {
    for (auto&& [key, node] : t) {
      const std::string k = p + std::string(key.str());
      if (node.is_table() && !node.as_table()->contains("dist") && !find_key(k) && !is_numeric_key(s, k))
        flatten(*node.as_table(), k + ".");
      else
        flat.push_back(FlatOverride{k, &node, where_of(key, node)});
    }
  };
  flatten(*sweep_->as_table(), "");
  std::stable_sort(flat.begin(), flat.end(), [](const FlatOverride& a, const FlatOverride& b) {
    return a.where.line != b.where.line ? a.where.line < b.where.line : a.where.column < b.where.column;
  });
  std::set<std::string> seen;
  bool ok = true;
  for (const auto& o : flat) {
    if (!seen.insert(o.key).second) {
      error(o.where, "sweep: '" + o.key + "' is given twice");
      continue;
    }
    if (auto problem = sweep_key_problem(s, o.key)) {
      error(o.where, "sweep: " + *problem);
      ok = false;
      continue;
    }
    if (uncertain.count(o.key)) {
      error(o.where, "sweep: " + o.key + " is uncertain (a distribution) and cannot also be swept");
      ok = false;
      continue;
    }
    const KeyInfo* info = numeric_info(s, o.key);
    const auto* array = o.node->as_array();
    if (!array) {
      error(o.where, "sweep: " + o.key + " has the wrong type: expected an array of " +
                         (is_boolean(info) ? "booleans" : "numbers") + ", got " + got(*o.node));
      ok = false;
      continue;
    }
    if (array->empty()) {
      error(o.where, "sweep: " + o.key + " = [] has no values");
      ok = false;
      continue;
    }
    SweepAxis axis;
    axis.key = o.key;
    bool axis_ok = true;
    for (const auto& e : *array) {
      const Where ew = o.where.set_index >= 0 ? o.where : where_of(e);
      double v;
      if (is_boolean(info) && e.is_boolean()) {
        v = e.as_boolean()->get() ? 1.0 : 0.0;
      } else if (const auto* i = e.as_integer(); i && !is_boolean(info)) {
        v = static_cast<double>(i->get());
      } else if (const auto* f = e.as_floating_point(); f && !is_boolean(info)) {
        v = f->get();
      } else if (e.is_table() && e.as_table()->contains("dist")) {
        error(ew, "sweep: " + o.key + " takes plain values, not distributions");
        axis_ok = false;
        continue;
      } else {
        error(ew, "sweep: " + o.key + " value has the wrong type: expected " +
                      (is_boolean(info) ? "a boolean (true or false)" : "a number") + ", got " + got(e));
        axis_ok = false;
        continue;
      }
      if (auto message = check_number(o.key, v)) {
        error(ew, "sweep: " + *message);
        axis_ok = false;
      } else if (std::find(axis.values.begin(), axis.values.end(), v) != axis.values.end()) {
        error(ew, "sweep: " + o.key + " lists " + format_number(v) + " twice");
        axis_ok = false;
      } else {
        axis.values.push_back(v);
      }
    }
    if (axis_ok)
      s.sweep.push_back(std::move(axis));
    else
      ok = false;
  }
  std::size_t total;
  const std::string sizes = grid_text(s.sweep, total);
  if (ok && total > MAX_SWEEP_POINTS)
    error(sweep_where_, "sweep: the grid has " + std::to_string(total) + " points (" + sizes + "); at most " +
                            std::to_string(MAX_SWEEP_POINTS) + " are allowed");
}

void Loader::describe_satisfaction(Scenario& s) const
{
  const auto describes = [](std::string_view key) {
    return key.starts_with("satisfaction.") || key.starts_with("service.") || key.starts_with("reviews.");
  };
  bool any = false;
  for (const auto& [key, found] : found_) any = any || describes(key);
  for (const auto& g : s.segments)
    for (const auto& o : g.overrides) any = any || describes(o.key);
  for (const auto& inv : s.investments)
    for (const auto& c : inv.changes) any = any || describes(c.key);
  for (const auto& axis : s.sweep) any = any || describes(axis.key);
  s.satisfaction_described = any;
}

Scenario Loader::load(std::string_view text, const std::vector<std::string>& sets)
{
  toml::table root;
  try {
    if (const auto bad = non_ascii_outside_strings(text)) {
      // toml++'s own error when the text before it already has one, else ours.
      const std::string_view before = text.substr(0, *bad);
      (void)toml::parse(before, std::string_view(source_));
      const auto newline = before.rfind('\n');
      const std::size_t line_start = newline == std::string_view::npos ? 0 : newline + 1;
      int column = 1;  // in characters: UTF-8 continuation bytes do not count
      for (std::size_t i = line_start; i < *bad; ++i) column += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
      error(Where{1 + static_cast<int>(std::count(before.begin(), before.end(), '\n')), column, -1, {}},
            "TOML syntax error: a non-ASCII character outside a string or comment (TOML allows them only "
            "in strings and comments; a key with such characters is written in quotes)");
      throw_problems();
    }
    root = toml::parse(text, std::string_view(source_));
  } catch (const toml::parse_error& e) {
    error(Where{static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column), -1, {}},
          "TOML syntax error: " + std::string(e.description()));
    throw_problems();
  }
  for (std::size_t i = 0; i < sets.size(); ++i) apply_set(root, static_cast<int>(i), sets[i]);

  Scenario s;
  s.source_path = source_;
  s.source_toml = std::string(text);
  walk(root, "");
  read_base(s);
  read_joint(s);
  read_seasonality(s);
  read_history(s);
  read_segments(s);
  read_channels(s);
  resolve_segments(s);  // investments check their changes against the segments' behaviour
  read_investments(s);
  read_sweep(s);
  describe_satisfaction(s);

  // Someone must buy: initial customers, a history or a channel (invalid ones were reported).
  const bool bad_n0 = found_.count("population.initial_customers") && !values_.count("population.initial_customers");
  if (!channels_ && !found_.count("population.history") && !bad_n0 && s.population.initial_customers == 0) {
    const std::string message =
        "the scenario has no customers: set population.initial_customers > 0, "
        "population.history or an [[acquisition.channel]]";
    if (found_.count("population.initial_customers"))
      error(found_["population.initial_customers"].where, message);
    else
      file_error(message);
  }

  // The warm-up (docs/model.md §3.1) runs before the horizon on the same customer ids and
  // period counters: together they stay within the horizon's limit. A history describes the
  // shop as it is now, which a warm-up would simulate again.
  if (s.simulation.warmup_periods > 0) {
    const Where& w = found_["simulation.warmup_periods"].where;
    if (s.simulation.warmup_periods + s.simulation.horizon_periods > MAX_PERIODS)
      error(w, "simulation.warmup_periods + simulation.horizon = " +
                   std::to_string(s.simulation.warmup_periods + s.simulation.horizon_periods) +
                   " is out of range [1, " + std::to_string(MAX_PERIODS) + "]");
    if (found_.count("population.history"))
      error(w, "simulation.warmup_periods = " + std::to_string(s.simulation.warmup_periods) +
                   " cannot be used with population.history (the history is the shop's state at period 0): "
                   "set it to 0");
  }

  if (!problems_.empty()) throw_problems();
  // File order; --set values after the file's, in argument order.
  std::stable_sort(uncertain_.begin(), uncertain_.end(), [](const auto& a, const auto& b) {
    const Where &x = a.first, &y = b.first;
    if ((x.set_index >= 0) != (y.set_index >= 0)) return y.set_index >= 0;
    if (x.set_index >= 0) return x.set_index < y.set_index;
    return x.line != y.line ? x.line < y.line : x.column < y.column;
  });
  for (auto& [w, u] : uncertain_) s.uncertain.push_back(std::move(u));
  resolve_segments(s);
  return s;
}

//! `segments = { b2b = 0.7, b2c = 0.3 }` of a channel (docs/model.md §4): an inline table of
//! existing [[segment]] names -> shares in [0, 1] summing to 1 within 1e-9, stored in
//! Scenario::segments order (0 for a segment left out). One message per problem.
void Loader::read_channel_segments(const Scenario& s, Channel& channel, const std::string& label,
                                   const toml::node& node, const Where& w)
{
  const std::string at = label + ".segments";
  const auto* table = node.as_table();
  if (!table || table->contains("dist")) {
    error(w, at +
                 " has the wrong type: expected an inline table of segment name = share "
                 "(e.g. { b2b = 0.7, b2c = 0.3 }), got " +
                 (table ? std::string("a distribution") : got(node)));
    return;
  }
  if (!segments_) {
    error(w, at + " names segments, but the scenario defines no [[segment]] (docs/model.md §3.7)");
    return;
  }
  std::vector<std::string> names;
  for (const auto& g : s.segments) names.push_back(g.name);
  KeyInfo info;
  info.name = "segments";
  info.type = KeyType::number;
  info.lo = 0.0;
  info.hi = 1.0;
  std::vector<double> shares(names.size(), 0.0);
  bool valid = true;
  double sum = 0.0;
  for (auto&& [key, value] : *table) {
    const std::string name(key.str());
    const Where vw = where_of(key, value);
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      std::string message = at + ": no segment named " + quote(name);
      if (auto m = did_you_mean(name, names)) message += "; did you mean " + quote(*m) + "?";
      std::string have;
      for (const auto& n : names) have += (have.empty() ? "" : ", ") + n;
      error(vw, message + " (the scenario has: " + have + ")");
      valid = false;
      continue;
    }
    auto v = read_value(info, at + "." + name, value, vw);
    if (!v) {
      valid = false;
      continue;
    }
    shares[static_cast<std::size_t>(it - names.begin())] = v->number;
    sum += v->number;
  }
  if (!valid) return;
  if (std::fabs(sum - 1.0) > 1e-9) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.12g", sum);
    error(w, at + ": shares sum to " + buf + ", not 1");
    return;
  }
  channel.segment_shares = std::move(shares);
}

// ---------------------------------------------------------------------------------------
// describe

//! The distribution written for `key`, or nullptr.
const Distribution* uncertain_dist(const Scenario& s, const std::string& key)
{
  for (const auto& u : s.uncertain)
    if (u.key == key) return &u.dist;
  return nullptr;
}

std::string value_text(const KeyInfo& info, const Scenario& s)
{
  if (const Distribution* d = uncertain_dist(s, info.name); d && d->kind != DistKind::mvlognormal)
    return describe_distribution(*d);  // (a group's members: their values here, the group apart)
  if (info.name == "simulation.seed") return std::to_string(s.simulation.seed);
  switch (info.type) {
    case KeyType::number:
      return format_number(get_number(s, info.name));
    case KeyType::integer:
      return std::to_string(std::llround(get_number(s, info.name)));
    case KeyType::boolean:
      return get_number(s, info.name) != 0.0 ? "true" : "false";
    case KeyType::string:
    case KeyType::word:
      return quote(get_text(s, info.name));
  }
  return "";
}

std::string override_text(const Scenario& s, const Segment& segment, const Override& o)
{
  if (const Distribution* d = uncertain_dist(s, "segment." + segment.name + "." + o.key))
    return describe_distribution(*d);
  if (o.is_text) return quote(o.text);
  const KeyInfo* info = find_key(o.key);
  if (info && info->type == KeyType::boolean) return o.number != 0.0 ? "true" : "false";
  return format_number(o.number);
}

void line(std::ostringstream& out, const std::string& assignment, const std::string& doc)
{
  out << assignment;
  if (!doc.empty()) {
    const std::size_t column = 44;
    out << std::string(assignment.size() < column ? column - assignment.size() : 1, ' ') << "# " << doc;
  }
  out << '\n';
}

}  // namespace

Scenario load_string(std::string_view toml_text, const std::string& source_name, const std::string& base_dir,
                     const std::vector<std::string>& sets)
{
  return Loader(source_name, base_dir).load(toml_text, sets);
}

std::string option_set(const std::string& option, const std::string& value, const std::string& key)
{
  return std::string(1, OPTION_MARK) + option + " " + value + OPTION_MARK + key + "=" + value;
}

Scenario load_file(const std::string& path, const std::vector<std::string>& sets)
{
  std::ifstream in(path, std::ios::binary);
  std::error_code ec;
  if (!in || fs::is_directory(path, ec)) {
    const int e = errno;
    throw InputError("error: cannot read scenario file '" + path +
                     "': " + (fs::is_directory(path, ec) ? "Is a directory" : std::strerror(e ? e : ENOENT)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  fs::path dir = fs::absolute(fs::path(path), ec).parent_path();
  return load_string(text.str(), path, dir.string(), sets);
}

Scenario load_default(const std::vector<std::string>& sets)
{
  std::error_code ec;
  return load_string(default_scenario_toml(), "<default>", fs::current_path(ec).string(), sets);
}

void add_sweep(Scenario& s, const std::string& spec)
{
  std::vector<std::string> problems;
  auto problem = [&](const std::string& message) { problems.push_back("error: --sweep " + spec + ": " + message); };
  const auto eq = spec.find('=');
  const std::string key = eq == std::string::npos ? "" : trim(spec.substr(0, eq));
  if (key.empty()) {
    problem("expected KEY=V1,V2,... (e.g. --sweep service.courtesy=0.8,0.9,1)");
  } else if (auto p = sweep_key_problem(s, key)) {
    problem(*p);
  } else if (is_uncertain(s, key)) {
    problem(key + " is uncertain (a distribution) and cannot also be swept");
  } else {
    const bool boolean = is_boolean(numeric_info(s, key));
    SweepAxis axis;
    axis.key = key;
    const std::string list = spec.substr(eq + 1);
    std::size_t start = 0;
    while (start <= list.size()) {
      const auto comma = std::min(list.find(',', start), list.size());
      const std::string text = trim(list.substr(start, comma - start));
      start = comma + 1;
      if (text.empty()) {
        if (!(list.find_first_not_of(" 	") == std::string::npos && axis.values.empty()))
          problem("empty value in the list");
        continue;
      }
      double v = 0.0;
      if (boolean && (text == "true" || text == "false")) {
        v = text == "true" ? 1.0 : 0.0;
      } else {
        char* end = nullptr;
        errno = 0;
        v = std::strtod(text.c_str(), &end);
        if (boolean || end != text.c_str() + text.size()) {
          problem("'" + text + "' is not " + (boolean ? "true or false" : "a number"));
          continue;
        }
      }
      if (auto message = check_number(key, v))
        problem(*message);
      else if (std::find(axis.values.begin(), axis.values.end(), v) != axis.values.end())
        problem(key + " lists " + format_number(v) + " twice");
      else
        axis.values.push_back(v);
    }
    if (axis.values.empty() && problems.empty()) problem(key + " has no values");
    if (problems.empty()) {
      std::vector<SweepAxis> axes = s.sweep;
      auto it = std::find_if(axes.begin(), axes.end(), [&](const SweepAxis& a) { return a.key == key; });
      if (it != axes.end())
        *it = axis;  // the command line replaces the file's axis
      else
        axes.push_back(axis);
      std::size_t total;
      const std::string sizes = grid_text(axes, total);
      if (total > MAX_SWEEP_POINTS)
        problem("the sweep grid would have " + std::to_string(total) + " points (" + sizes + "); at most " +
                std::to_string(MAX_SWEEP_POINTS) + " are allowed");
      else
        s.sweep = std::move(axes);
    }
  }
  if (problems.empty()) return;
  std::string message;
  for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
  throw InputError(message);
}

//! `segments = { b2c = 0.3, b2b = 0.7 }`: a channel's mix, in Scenario::segments order.
std::string segment_mix_text(const Scenario& s, const Channel& c)
{
  std::string mix = "segments = { ";
  for (std::size_t k = 0; k < c.segment_shares.size(); ++k) {
    if (k) mix += ", ";
    mix += s.segments[k].name;
    mix += " = ";
    mix += format_number(c.segment_shares[k]);
  }
  return mix + " }";
}

std::string describe(const Scenario& s)
{
  std::ostringstream out;
  out << "# clvsim scenario '" << s.source_path << "' as resolved: every key with its effective value.\n"
      << "# Commented keys were not set and follow the key named in the comment.\n";
  const std::string purchase_model = to_string(s.base.purchase.model);
  const std::string spend_model = to_string(s.base.spend.model);
  std::string section = "-";
  for (const auto& info : all_keys()) {
    if (info.name.rfind("spend.", 0) == 0 && s.base.purchase.model == PurchaseModel::sbg) continue;
    if (info.model_key == "purchase.model" &&
        std::find(info.models.begin(), info.models.end(), purchase_model) == info.models.end())
      continue;
    if (info.model_key == "spend.model" &&
        std::find(info.models.begin(), info.models.end(), spend_model) == info.models.end())
      continue;
    if (info.name.rfind("population.history", 0) == 0 && s.population.history.empty()) continue;
    const auto dot = info.name.rfind('.');
    const std::string table = info.name.substr(0, dot), name = info.name.substr(dot + 1);
    if (table != section) {
      out << (section == "-" ? "" : "\n") << '[' << table << "]\n";
      section = table;
    }
    const std::string assignment = name + " = " + value_text(info, s);
    static const std::map<std::string, std::string> sources = {
        {"purchase.time_unit", "simulation.period"},
        {"service.later_contact_resolution", "service.first_contact_resolution"},
        {"satisfaction.reference", "satisfaction.initial_mean"},
        {"population.history_time_unit", "purchase.time_unit"}};
    if (std::find(s.defaulted_keys.begin(), s.defaulted_keys.end(), info.name) != s.defaulted_keys.end())
      line(out, "# " + assignment, "default: as " + sources.at(info.name));
    else
      line(out, assignment, info.doc);
  }
  for (const auto& g : s.joint) {
    out << "\n[" << g.name << "]\n";
    line(out, "dist = \"mvlognormal\"", "ln(keys) ~ Normal(mean_log, cov_log), drawn once per path");
    const std::size_t k = g.keys.size();
    std::string keys = "keys = [", mean = "mean_log = [", cov = "cov_log = [";
    for (std::size_t i = 0; i < k; ++i) {
      keys += i ? ", " : "";  // appended piecewise: GCC 12 -Wrestrict misfires on ", " + std::string&&
      keys += quote(g.keys[i].substr(g.keys[i].find('.') + 1));
      mean += i ? ", " : "";
      mean += format_number(g.mean_log[i]);
      cov += i ? ", [" : "[";
      for (std::size_t j = 0; j < k; ++j) cov += (j ? ", " : "") + format_number(g.cov_log[i * k + j]);
      cov += "]";
    }
    line(out, keys + "]", "");
    line(out, mean + "]", "");
    line(out, cov + "]", "");
  }
  if (!s.seasonality.order_multipliers.empty() || !s.seasonality.acquisition_multipliers.empty()) {
    out << "\n[seasonality]\n";
    const auto values = [](const std::vector<double>& v) {
      std::string text = "[";
      for (std::size_t i = 0; i < v.size(); ++i) text += (i ? ", " : "") + format_number(v[i]);
      return text + "]";
    };
    if (!s.seasonality.order_multipliers.empty())
      line(out, "order_multipliers = " + values(s.seasonality.order_multipliers),
           "every order rate, by calendar period");
    if (!s.seasonality.acquisition_multipliers.empty())
      line(out, "acquisition_multipliers = " + values(s.seasonality.acquisition_multipliers),
           "every paid channel's volume, by calendar period");
  }
  for (const auto& segment : s.segments) {
    out << "\n[[segment]]\n";
    line(out, "name = " + quote(segment.name), "");
    line(out, "share = " + format_number(segment.share), "");
    if (!segment.overrides.empty()) {
      std::string o = "overrides = { ";
      for (std::size_t i = 0; i < segment.overrides.size(); ++i)
        o +=
            (i ? ", " : "") + quote(segment.overrides[i].key) + " = " + override_text(s, segment, segment.overrides[i]);
      line(out, o + " }", "");
    }
  }
  for (const auto& c : s.channels) {
    out << "\n[[acquisition.channel]]\n";
    auto number = [&](const std::string& field, double v) {
      const Distribution* d = uncertain_dist(s, "acquisition.channel." + c.name + "." + field);
      return field + " = " + (d ? describe_distribution(*d) : format_number(v));
    };
    line(out, "name = " + quote(c.name), "");
    if (c.budget_per_period) line(out, number("budget_per_period", *c.budget_per_period), "money per period");
    if (c.customers_per_period)
      line(out, number("customers_per_period", *c.customers_per_period), "expected new customers per period");
    line(out, number("cac", c.cac), "cost per acquired customer at the start");
    line(out, number("cac_inflation_annual", c.cac_inflation_annual), "CAC growth per year");
    line(out, number("saturation", c.saturation), "CAC ~ (budget / initial budget)^saturation");
    line(out, "start_period = " + std::to_string(c.start_period), "");
    line(out, "end_period = " + std::to_string(c.end_period), "-1 = to the end");
    if (!c.segment_shares.empty())
      line(out, segment_mix_text(s, c), "share of the channel's new customers in each segment");
  }
  for (const auto& inv : s.investments) {
    out << "\n[[investment]]\n";
    const std::string at = "investment." + inv.name + ".";
    auto number = [&](const std::string& field, double v) {
      const Distribution* d = uncertain_dist(s, at + field);
      return field + " = " + (d ? describe_distribution(*d) : format_number(v));
    };
    line(out, "name = " + quote(inv.name), "");
    if (!inv.description.empty()) line(out, "description = " + quote(inv.description), "");
    line(out, number("one_time_cost", inv.one_time_cost), find_investment_key("one_time_cost")->doc);
    line(out, number("cost_per_period", inv.cost_per_period), find_investment_key("cost_per_period")->doc);
    line(out, number("cost_per_order", inv.cost_per_order), find_investment_key("cost_per_order")->doc);
    line(out, number("cost_per_contact", inv.cost_per_contact), find_investment_key("cost_per_contact")->doc);
    line(out, "start_period = " + std::to_string(inv.start_period), find_investment_key("start_period")->doc);
    line(out, "ramp_periods = " + std::to_string(inv.ramp_periods), find_investment_key("ramp_periods")->doc);
    if (inv.changes.empty()) {
      line(out, "changes = {}", "");
      continue;
    }
    out << "[investment.changes]\n";
    for (const auto& c : inv.changes) {
      const Distribution* d = uncertain_dist(s, at + "changes." + c.key);
      const KeyInfo* info = numeric_info(s, c.key);
      std::string v = d                                           ? describe_distribution(*d)
                      : c.is_text                                 ? quote(c.text)
                      : is_boolean(info) && c.op == ChangeOp::set ? (c.number != 0.0 ? "true" : "false")
                                                                  : format_number(c.number);
      if (c.op == ChangeOp::add) v = "{ add = " + v + " }";
      if (c.op == ChangeOp::multiply) v = "{ multiply = " + v + " }";
      line(out, quote(c.key) + " = " + v, "");
    }
  }
  if (!s.sweep.empty()) {
    out << "\n[sweep]\n";
    for (const auto& axis : s.sweep) {
      const bool boolean = is_boolean(numeric_info(s, axis.key));
      std::string values;
      for (double v : axis.values)
        values +=
            (values.empty() ? "" : ", ") + (boolean ? std::string(v != 0.0 ? "true" : "false") : format_number(v));
      line(out, quote(axis.key) + " = [" + values + "]", "");
    }
  }
  return out.str();
}

}  // namespace clvsim::scenarios
