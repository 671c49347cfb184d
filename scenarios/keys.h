#pragma once
//! The scenario key registry: one table of every dotted key a scenario file may contain
//! (its type, allowed range or words, meaning and unit, and where it lives in Scenario).
//! The loader reads files, `--set` overrides and segment overrides through it, `describe`
//! prints it, and later code (investments, sweeps, uncertain values) reads and changes
//! scenarios through it by dotted name. Does not include toml++.
#include "scenarios/scenario.h"

#include <optional>
#include <string>
#include <vector>

namespace clvsim::scenarios {

//! What a key holds. `word` is a string restricted to `KeyInfo::words` (an enum).
enum class KeyType { number, integer, boolean, string, word };

//! Metadata of one key. Ranges are closed unless `lo_open`/`hi_open`; infinite bounds
//! mean unbounded. Numbers and integers must also be finite.
struct KeyInfo {
  std::string name;  //!< dotted, e.g. "service.courtesy"
  KeyType type = KeyType::number;
  double lo = 0.0, hi = 0.0;  //!< allowed range (number, integer)
  bool lo_open = false, hi_open = false;
  std::vector<std::string> words;  //!< allowed values (word)
  std::string doc;                 //!< meaning and unit, one line (printed by describe)
  bool behaviour = false;          //!< stored in Behaviour (set_number(Behaviour&, ...) works)
  bool segment_ok = false;         //!< a [[segment]] may override it (behaviour minus shop-level keys)
  bool required = false;           //!< must be given (model parameters: when their model is chosen)
  //! Model parameters: the key is allowed (and required) only when `model_key`
  //! ("purchase.model" or "spend.model") is one of `models`. Empty = always allowed.
  std::string model_key;
  std::vector<std::string> models;
  //! Numbers that may later be given as a distribution ({ dist = "normal", ... }, docs/model.md §9).
  bool uncertain_ok = false;
};

//! Every scalar key of the file, in file order ([simulation] first). Excludes the
//! fields of [[segment]] and [[acquisition.channel]] entries.
const std::vector<KeyInfo>& all_keys();
//! The fields of one [[acquisition.channel]] entry ("name", "budget_per_period", ...),
//! names relative to the entry.
const std::vector<KeyInfo>& channel_keys();
//! The fields of one [[segment]] entry ("name", "share"; "overrides" is a table).
const std::vector<KeyInfo>& segment_keys();
//! The scalar fields of one [[investment]] entry ("name", "description", "one_time_cost",
//! "cost_per_period", "cost_per_order", "cost_per_contact", "start_period", "ramp_periods";
//! "changes" is a table), names relative to the entry.
const std::vector<KeyInfo>& investment_keys();

//! The registry entry of a static dotted key (e.g. "service.courtesy"), or nullptr.
const KeyInfo* find_key(const std::string& key);
//! The registry entry of a channel field ("cac"), or nullptr.
const KeyInfo* find_channel_key(const std::string& field);
//! The registry entry of an investment field ("one_time_cost"), or nullptr.
const KeyInfo* find_investment_key(const std::string& field);

//! True for a static dotted key of the registry.
bool is_key(const std::string& key);
//! True for a key a [[segment]] may override: customer behaviour stored in Behaviour,
//! except shop-level keys (economics.currency, economics.discount_rate_annual,
//! economics.fixed_cost_per_period, loyalty.enabled, loyalty.start_period,
//! loyalty.fixed_cost_per_period).
bool is_behaviour_key(const std::string& key);
//! True for keys get_number/set_number accept on `scenario`: static numeric, integer and
//! boolean keys, plus, for the scenario's own segments, channels and investments,
//! "segment.<name>.share", "segment.<name>.<behaviour key>" (numeric segment_ok keys),
//! "acquisition.channel.<name>.<field>", "investment.<name>.<field>" (the numeric fields
//! of investment_keys()) and "investment.<name>.changes.<key>" (a numeric change's amount).
//! These are exactly the names UncertainInput::key and SweepAxis::key use.
bool is_numeric_key(const Scenario& scenario, const std::string& key);

//! The value of a numeric, integer or boolean (0/1) key. Behaviour keys read
//! `scenario.base`. Also the entry addresses of is_numeric_key: "segment.<name>.<key>"
//! reads the segment's resolved behaviour; an unset optional channel budget/customers reads
//! as 0; "investment.<name>.changes.<key>" reads Change::number (the value set, the amount
//! added or the factor). Throws std::invalid_argument for an unknown or non-numeric key.
double get_number(const Scenario& scenario, const std::string& key);
double get_number(const Behaviour& behaviour, const std::string& key);
//! Set a numeric, integer (rounded to nearest) or boolean (!= 0) key. A behaviour key sets
//! `scenario.base` and re-resolves every segment's behaviour (base + its overrides), so a
//! segment's own override keeps winning. "segment.<name>.<key>" sets (or adds) that
//! segment's override and re-resolves. Does not validate: call check_number first.
//! Throws std::invalid_argument for an unknown or non-numeric key.
void set_number(Scenario& scenario, const std::string& key, double value);
void set_number(Behaviour& behaviour, const std::string& key, double value);

//! The value of a string or word key as text (e.g. "sbg_poisson"). Throws
//! std::invalid_argument for an unknown or non-text key.
std::string get_text(const Scenario& scenario, const std::string& key);
std::string get_text(const Behaviour& behaviour, const std::string& key);
//! Set a string or word key (words must be one of KeyInfo::words: std::invalid_argument).
//! On a Scenario, a behaviour key sets `base` and re-resolves the segments.
void set_text(Behaviour& behaviour, const std::string& key, const std::string& value);
void set_text(Scenario& scenario, const std::string& key, const std::string& value);

//! Nullopt if `value` is acceptable for `key`, else the message
//! "KEY = V is out of range [lo, hi]" (or "... is not an integer", "... is not a finite
//! number"). Accepts static keys, "segment.<name>.share", "segment.<name>.<behaviour key>",
//! "acquisition.channel.<name>.<field>" and "investment.<name>.<field>" (not changes: their
//! meaning depends on the operation); an unknown key gives "unknown key 'KEY'".
std::optional<std::string> check_number(const std::string& key, double value);
//! Same against an explicit KeyInfo, naming it `display_name` in the message.
std::optional<std::string> check_number(const KeyInfo& info, const std::string& display_name, double value);

//! The parameter keys of a model in the papers' order, e.g. ("purchase.model", "bg_nbd")
//! -> {"purchase.r", "purchase.alpha", "purchase.a", "purchase.b"}; empty for an unknown model.
std::vector<std::string> model_parameters(const std::string& model_key, const std::string& model);

//! All static keys of type number or integer (what an investment or a sweep may vary).
std::vector<std::string> numeric_keys();

//! Apply one segment override (already validated) to a behaviour.
void apply_override(Behaviour& behaviour, const Override& override_value);
//! segment.behaviour = base + segment.overrides for every segment, then fill derived
//! defaults (service.later_contact_resolution = first_contact_resolution and
//! satisfaction.reference = initial_mean) unless the base file or the override set them.
void resolve_segments(Scenario& scenario);

//! "[0, 1]", "(0, inf)", "[-1, inf)": the allowed range as printed in messages.
std::string range_text(const KeyInfo& info);
//! "\"bg_nbd\", \"pareto_nbd\"": the allowed words as printed in messages.
std::string words_text(const KeyInfo& info);
//! Shortest text that reads back to the same double ("0.1", "1e-09", "36").
std::string format_number(double value);
//! The closest candidate within a small edit distance (Levenshtein), or nullopt.
std::optional<std::string> did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

// ---------------------------------------------------------------------------------------
// Uncertain values and sweeps (docs/model.md §9)

//! "normal", "lognormal", "uniform", "triangular", "pert", "beta".
const char* to_string(DistKind kind);
//! The value a distribution stands for in the base scenario: its mean (the mean of the
//! truncated normal when bounded), the median for lognormal. Always inside the support.
double representative_value(const Distribution& dist);
//! The distribution as the inline TOML table a scenario file takes, e.g.
//! `{ dist = "normal", mean = 0.9, sd = 0.05, low = 0, high = 1 }` (beta omits the default
//! bounds [0, 1]). Reads back to an equal Distribution.
std::string describe_distribution(const Distribution& dist);

//! Add (or replace) a sweep axis from the command-line form "KEY=V1,V2,V3" (`--sweep`),
//! validated like [sweep]: a numeric key of the scenario (boolean keys take true/false),
//! values in range, no value twice, not an uncertain key, not simulation.* or a segment
//! share, and at most 10000 grid points in all. Throws clvsim::InputError with one line per
//! problem: "error: --sweep KEY=...: service.courtesy = 1.3 is out of range [0, 1]".
void add_sweep(Scenario& scenario, const std::string& spec);

}  // namespace clvsim::scenarios
