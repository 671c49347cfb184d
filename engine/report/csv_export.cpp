#include "engine/report/csv_export.h"

#include <cmath>
#include <filesystem>
#include <span>

#include "engine/core/errors.h"
#include "engine/core/output_set.h"
#include "engine/io/json_summary.h"
#include "engine/report/output_file.h"
#include "engine/stats/summary.h"

namespace clvsim::report {

namespace fs = std::filesystem;

namespace {

//! One CSV file being built in memory.
struct Csv {
  std::string name;
  std::string text;
  std::size_t rows = 0;

  void row(std::initializer_list<std::string> fields)
  {
    bool first = true;
    for (const auto& f : fields) {
      if (!first) text += ',';
      text += f;
      first = false;
    }
    text += '\n';
    ++rows;
  }
};

void table_rows(Csv& per_path, Csv& per_period, const std::string& variant, const std::string& segment,
                const KpiTable& t, int horizon)
{
  const std::string v = csv_field(variant), s = csv_field(segment);
  for (const auto& [kpi, values] : t.paths) {
    const std::string k = csv_field(kpi);
    for (std::size_t p = 0; p < values.size(); ++p) per_path.row({v, s, std::to_string(p), k, csv_number(values[p])});
  }
  const std::size_t h = static_cast<std::size_t>(std::max(horizon, 0));
  for (const auto& [kpi, values] : t.periods) {
    if (h == 0) continue;
    const std::string k = csv_field(kpi);
    const std::size_t paths = values.size() / h;
    std::vector<double> column(paths);
    for (std::size_t c = 0; c < h; ++c) {
      for (std::size_t p = 0; p < paths; ++p) column[p] = values[p * h + c];
      // The same statistics, by the same function, as the results file's periods/<kpi>.
      const stats::Summary st = stats::summarize(std::span<const double>(column));
      const std::pair<const char*, double> stat[] = {{"mean", st.mean}, {"sd", st.sd},   {"p05", st.p05},
                                                     {"p25", st.p25},   {"p50", st.p50}, {"p75", st.p75},
                                                     {"p95", st.p95}};
      const std::string t = std::to_string(c);
      for (const auto& [name, x] : stat) per_period.row({v, s, t, k, name, csv_number(x)});
    }
  }
}

}  // namespace

const std::vector<std::string>& csv_file_names()
{
  static const std::vector<std::string> names = {"per_path.csv", "per_period.csv", "comparisons.csv", "sensitivity.csv",
                                                 "variants.csv"};
  return names;
}

std::string csv_field(const std::string& text)
{
  const bool quote = text.find_first_of(",\"\r\n") != std::string::npos ||
                     (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string csv_number(double value)
{
  if (std::isnan(value)) return "";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return io::json_number(value);
}

void check_csv_dir(const std::string& dir, bool force)
{
  std::error_code ec;
  if (dir.empty()) throw InputError("error: clvsim export: --csv needs a directory");
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw InputError("error: export directory '" + dir + "' is a file, not a directory");
  for (const auto& name : csv_file_names()) {
    const fs::path p = fs::path(dir) / name;
    if (fs::exists(fs::symlink_status(p, ec)) && !force)
      throw InputError("error: export file '" + p.string() + "' exists; use --force to overwrite");
  }
}

std::size_t export_csv(const Results& r, const std::string& dir, bool force)
{
  check_csv_dir(dir, force);
  for (const auto& s : r.segment_names)
    if (s == TOTAL_SEGMENT)
      throw InputError(std::string("error: a segment is named '") + TOTAL_SEGMENT +
                       "', the name export gives whole variants; rename the segment");

  Csv per_path{"per_path.csv", "variant,segment,path,kpi,value\n"};
  Csv per_period{"per_period.csv", "variant,segment,period,kpi,stat,value\n"};
  Csv comparisons{"comparisons.csv", "investment,path,metric,value\n"};
  Csv sensitivity{"sensitivity.csv", "output,parameter,spearman,tornado_low,tornado_high,p_value,reaches\n"};
  Csv variants{"variants.csv", "variant,key,value\n"};
  for (const VariantResults& v : r.variants) {
    table_rows(per_path, per_period, v.name, TOTAL_SEGMENT, v.kpis, r.horizon);
    for (const auto& seg : r.segment_names) {
      const auto it = v.segments.find(seg);
      if (it != v.segments.end()) table_rows(per_path, per_period, v.name, seg, it->second, r.horizon);
    }
    for (const auto& [key, value] : v.sweep_values)
      variants.row({csv_field(v.name), csv_field(key), csv_number(value)});
  }
  for (const Comparison& c : r.comparisons)
    for (const auto& [metric, values] : c.paths)
      for (std::size_t p = 0; p < values.size(); ++p)
        comparisons.row({csv_field(c.name), std::to_string(p), csv_field(metric), csv_number(values[p])});
  for (const Sensitivity& s : r.sensitivity) {
    const auto at = [](const std::vector<double>& v, std::size_t i) { return i < v.size() ? v[i] : std::nan(""); };
    for (std::size_t i = 0; i < s.parameter.size(); ++i)
      sensitivity.row({csv_field(s.output), csv_field(s.parameter[i]), csv_number(at(s.spearman, i)),
                       csv_number(at(s.tornado_low, i)), csv_number(at(s.tornado_high, i)),
                       csv_number(at(s.p_value, i)), csv_number(i < s.reaches.size() ? s.reaches[i] : 1.0)});
  }

  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw IoError("error: cannot create export directory '" + dir + "': " + ec.message());
  // Every file complete under a registered temporary name first; then all renamed together.
  OutputSet outputs(force);
  std::vector<Csv*> files = {&per_path, &per_period, &comparisons, &sensitivity, &variants};
  std::vector<std::string> temporaries;
  for (Csv* f : files) temporaries.push_back(outputs.add((fs::path(dir) / f->name).string(), "export file"));
  for (std::size_t i = 0; i < files.size(); ++i)
    write_text_file(temporaries[i], files[i]->text, "export file", outputs.paths()[i]);
  outputs.commit();
  std::size_t rows = 0;
  for (Csv* f : files) rows += f->rows;  // data rows (the header was not counted)
  return rows;
}

}  // namespace clvsim::report
