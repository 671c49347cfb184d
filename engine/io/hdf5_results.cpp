#include "engine/io/hdf5_results.h"

#include "engine/core/limits.h"
#include "models/kpis.h"

#include <hdf5.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "engine/core/errors.h"
#include "engine/core/temp_files.h"
#include "engine/stats/summary.h"

namespace clvsim::io {

namespace {

//! Names of the rows of every `periods` dataset, in order (also its `stats` attribute).
constexpr const char* PERIOD_STATS = "mean,sd,p05,p25,p50,p75,p95";
constexpr const char* SWEEP_PREFIX = "sweep.";

//! Turns HDF5's automatic error printing off for the lifetime of the object and restores
//! whatever handler was installed before: failures become exceptions, and a host program
//! (or h5py in the same process) keeps its own setting.
class ErrorSilencer {
public:
  ErrorSilencer()
  {
    saved_ok_ = H5Eget_auto2(H5E_DEFAULT, &func_, &data_) >= 0;
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~ErrorSilencer()
  {
    if (saved_ok_) H5Eset_auto2(H5E_DEFAULT, func_, data_);
  }
  ErrorSilencer(const ErrorSilencer&) = delete;
  ErrorSilencer& operator=(const ErrorSilencer&) = delete;

private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
  bool saved_ok_ = false;
};

//! The innermost description on HDF5's error stack (the most specific one, e.g.
//! "unable to open file: name = 'x', errno = 2, error message = 'No such file or
//! directory'"); empty when the stack is empty.
std::string hdf5_detail()
{
  std::string last;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* err, void* data) -> herr_t {
        if (err && err->desc && *err->desc) *static_cast<std::string*>(data) = err->desc;
        return 0;
      },
      &last);
  H5Eclear2(H5E_DEFAULT);
  return last;
}

//! The system's reason in HDF5's error stack ("No space left on device" from its
//! "..., errno = 28, error message = 'No space left on device', ..."), or empty. Clears the
//! stack. Only this reason reaches the user: the rest of HDF5's text (pointers, sizes,
//! offsets, its call names) is the library's business.
std::string system_reason()
{
  const std::string detail = hdf5_detail();
  const std::string marker = "error message = '";
  const auto at = detail.rfind(marker);
  if (at == std::string::npos) return "";
  const auto start = at + marker.size();
  const auto end = detail.find('\'', start);
  return end == std::string::npos ? "" : detail.substr(start, end - start);
}

//! HDF5 keeps a file whose H5Fclose failed (a full disk) in its table and closes it again
//! from its atexit handler, which then crashes (exit 139 instead of 3). clvsim closes every
//! file it opens itself, so the library's exit-time cleanup is turned off before first use.
void no_hdf5_atexit()
{
  static const bool once = [] {
    H5dont_atexit();
    return true;
  }();
  (void)once;
}

//! Owns one HDF5 identifier and closes it with the matching H5?close.
class Handle {
public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), closer_(o.closer_) {}
  Handle& operator=(Handle&& o) noexcept
  {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      closer_ = o.closer_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  //! Closes now and reports whether closing succeeded (closing a file flushes it).
  bool close()
  {
    if (id_ < 0) return true;
    const herr_t rc = closer_(id_);
    id_ = H5I_INVALID_HID;
    return rc >= 0;
  }

private:
  void reset()
  {
    if (id_ >= 0) closer_(id_);
    id_ = H5I_INVALID_HID;
  }
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

//! Variable-length UTF-8 string type (what h5py and pandas read as str).
Handle vlen_utf8_type()
{
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose);
  if (!t.valid() || H5Tset_size(t.get(), H5T_VARIABLE) < 0 || H5Tset_cset(t.get(), H5T_CSET_UTF8) < 0)
    throw std::runtime_error("HDF5: cannot create a variable-length string type");
  return t;
}

std::string join_path(const std::string& parent, const std::string& name)
{
  return parent == "/" ? "/" + name : parent + "/" + name;
}

//! 'parent/name', the path as messages quote it (built by appending: "'" + a temporary + "'"
//! drew GCC 12's -Wrestrict false positive).
std::string quoted_path(const std::string& parent, const std::string& name)
{
  std::string q = "'";
  q += join_path(parent, name);
  q += '\'';
  return q;
}

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

class Writer {
public:
  //! `display` is the path the user asked for (named in messages), `tmp` the file written.
  Writer(std::string display, const std::string& tmp) : display_(std::move(display))
  {
    // Tracking creation order needs the newer object header format; 1.8 is what h5py,
    // pandas and every HDF5 since 2008 read.
    Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    check(fapl.get(), "H5Pcreate", "");
    check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_LATEST), "H5Pset_libver_bounds", "");
    file_ = Handle(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), H5Fclose);
    check(file_.get(), "H5Fcreate", "");
  }

  hid_t root() const { return file_.get(); }

  //! Flushes and closes the file; a failure here (e.g. disk full) is a write failure.
  void close()
  {
    if (!file_.close()) fail("H5Fclose", "");
  }

  //! IoError in the user's words: the system's reason when HDF5 reports one (a full disk,
  //! a quota), else what could not be written. `call` is kept out of the message.
  [[noreturn]] void fail(const std::string& call, const std::string& object) const
  {
    (void)call;
    const std::string reason = system_reason();
    std::string msg = "error: cannot write results file '" + display_ + "': ";
    if (!reason.empty())
      msg += reason;
    else if (!object.empty())
      msg += "writing " + object + " failed";
    else
      msg += "the write failed";
    throw IoError(msg);
  }

  template <class T>
  T check(T rc, const char* call, const std::string& object) const
  {
    if (rc < 0) fail(call, object);
    return rc;
  }

  //! HDF5 link names cannot contain '/' and "." means the group itself.
  void check_name(const std::string& name, const std::string& where) const
  {
    if (name.empty() || name == "." || name.find('/') != std::string::npos)
      throw IoError("error: cannot write results file '" + display_ + "': name '" + name + "' in " + where +
                    " cannot be an HDF5 name (empty, '.' or contains '/')");
  }

  //! Creates a group; `ordered` groups track creation order so readers can list their
  //! members in the order they were written.
  Handle group(hid_t parent, const std::string& parent_path, const std::string& name, bool ordered = false)
  {
    check_name(name, parent_path);
    const std::string where = quoted_path(parent_path, name);
    Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
    check(gcpl.get(), "H5Pcreate", where);
    if (ordered)
      check(H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
            "H5Pset_link_creation_order", where);
    Handle g(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose);
    check(g.get(), "H5Gcreate2", where);
    return g;
  }

  //! float64 dataset of shape `dims`; `compress`: chunked, shuffled and deflated (level 4).
  Handle doubles(hid_t parent, const std::string& parent_path, const std::string& name, const double* data,
                 std::vector<hsize_t> dims, bool compress = false)
  {
    check_name(name, parent_path);
    const std::string where = quoted_path(parent_path, name);
    hsize_t n = 1;
    for (hsize_t d : dims) n *= d;
    Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
    check(space.get(), "H5Screate_simple", where);
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    check(dcpl.get(), "H5Pcreate", where);
    if (compress && n > 0 && dims.size() == 2) {
      // Whole rows (paths) per chunk, about 128 KiB each: reading one path or a few
      // periods of all paths both stay cheap.
      const hsize_t cols = dims[1];
      const hsize_t rows = std::clamp<hsize_t>(16384 / std::max<hsize_t>(cols, 1), 1, dims[0]);
      const hsize_t chunk[2] = {rows, std::min<hsize_t>(cols, 16384)};
      check(H5Pset_chunk(dcpl.get(), 2, chunk), "H5Pset_chunk", where);
      if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
        check(H5Pset_shuffle(dcpl.get()), "H5Pset_shuffle", where);
        check(H5Pset_deflate(dcpl.get(), 4), "H5Pset_deflate", where);
      }
    }
    Handle ds(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
              H5Dclose);
    check(ds.get(), "H5Dcreate2", where);
    if (n > 0) check(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "H5Dwrite", where);
    return ds;
  }

  Handle doubles(hid_t parent, const std::string& parent_path, const std::string& name, const std::vector<double>& v)
  {
    return doubles(parent, parent_path, name, v.data(), {static_cast<hsize_t>(v.size())});
  }

  void strings(hid_t parent, const std::string& parent_path, const std::string& name, const std::vector<std::string>& v)
  {
    check_name(name, parent_path);
    const std::string where = quoted_path(parent_path, name);
    const hsize_t n = v.size();
    Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
    check(space.get(), "H5Screate_simple", where);
    Handle type = vlen_utf8_type();
    Handle ds(H5Dcreate2(parent, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              H5Dclose);
    check(ds.get(), "H5Dcreate2", where);
    std::vector<const char*> ptrs;
    for (const auto& s : v) ptrs.push_back(s.c_str());
    if (n > 0) check(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "H5Dwrite", where);
  }

  void attr_string(hid_t obj, const std::string& obj_path, const std::string& name, const std::string& value)
  {
    const std::string where = "attribute '" + name + "' of '" + obj_path + "'";
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    check(space.get(), "H5Screate", where);
    Handle type = vlen_utf8_type();
    Handle a(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    check(a.get(), "H5Acreate2", where);
    const char* p = value.c_str();
    check(H5Awrite(a.get(), type.get(), &p), "H5Awrite", where);
  }

  void attr_strings(hid_t obj, const std::string& obj_path, const std::string& name,
                    const std::vector<std::string>& values)
  {
    const std::string where = "attribute '" + name + "' of '" + obj_path + "'";
    const hsize_t n = values.size();
    Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
    check(space.get(), "H5Screate_simple", where);
    Handle type = vlen_utf8_type();
    Handle a(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    check(a.get(), "H5Acreate2", where);
    std::vector<const char*> ptrs;
    for (const auto& s : values) ptrs.push_back(s.c_str());
    if (n > 0) check(H5Awrite(a.get(), type.get(), ptrs.data()), "H5Awrite", where);
  }

  //! Scalar numeric attribute stored as `file_type`, given in memory as `mem_type`.
  void attr_scalar(hid_t obj, const std::string& obj_path, const std::string& name, hid_t file_type, hid_t mem_type,
                   const void* value)
  {
    const std::string where = "attribute '" + name + "' of '" + obj_path + "'";
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    check(space.get(), "H5Screate", where);
    Handle a(H5Acreate2(obj, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    check(a.get(), "H5Acreate2", where);
    check(H5Awrite(a.get(), mem_type, value), "H5Awrite", where);
  }

  void attr_int(hid_t obj, const std::string& obj_path, const std::string& name, int v)
  {
    attr_scalar(obj, obj_path, name, H5T_STD_I32LE, H5T_NATIVE_INT, &v);
  }
  void attr_u64(hid_t obj, const std::string& obj_path, const std::string& name, std::uint64_t v)
  {
    attr_scalar(obj, obj_path, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v);
  }
  void attr_double(hid_t obj, const std::string& obj_path, const std::string& name, double v)
  {
    attr_scalar(obj, obj_path, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v);
  }

private:
  std::string display_;
  Handle file_;
};

//! The `unit` attribute of a KPI's dataset (models/kpis.h: count, money, share, ratio,
//! points, stars, periods), when the KPI is in the table.
void unit_attribute(Writer& w, hid_t dataset, const std::string& path, const std::string& kpi)
{
  if (const models::KpiInfo* info = models::find_kpi(kpi))
    w.attr_string(dataset, path, "unit", std::string(models::to_string(info->unit)));
}

//! periods/, path_periods/ and paths/ of one KpiTable under `parent`.
void write_table(Writer& w, hid_t parent, const std::string& parent_path, const KpiTable& t, int horizon)
{
  const hsize_t h = static_cast<hsize_t>(std::max(horizon, 0));
  const std::string periods_path = join_path(parent_path, "periods");
  const std::string raw_path = join_path(parent_path, "path_periods");
  const std::string paths_path = join_path(parent_path, "paths");
  Handle periods = w.group(parent, parent_path, "periods");
  Handle raw = w.group(parent, parent_path, "path_periods");
  for (const auto& [kpi, v] : t.periods) {
    // Row-major [paths x horizon] (results.h); the row count is whatever was stored.
    if (h == 0 ? !v.empty() : v.size() % h != 0)
      throw std::invalid_argument("write_results: " + join_path(raw_path, kpi) + " has " + std::to_string(v.size()) +
                                  " values, not a multiple of horizon " + std::to_string(horizon));
    const hsize_t rows = h == 0 ? 0 : v.size() / h;
    Handle rds = w.doubles(raw.get(), raw_path, kpi, v.data(), {rows, h}, /*compress=*/true);
    unit_attribute(w, rds.get(), join_path(raw_path, kpi), kpi);

    // Row r of the summary = statistic r of period t across paths.
    std::vector<double> summary(7 * h);
    std::vector<double> column(rows);
    for (hsize_t c = 0; c < h; ++c) {
      for (hsize_t r = 0; r < rows; ++r) column[r] = v[r * h + c];
      const stats::Summary s = stats::summarize(std::span<const double>(column));
      const double row[7] = {s.mean, s.sd, s.p05, s.p25, s.p50, s.p75, s.p95};
      for (int k = 0; k < 7; ++k) summary[k * h + c] = row[k];
    }
    Handle ds = w.doubles(periods.get(), periods_path, kpi, summary.data(), {7, h});
    w.attr_string(ds.get(), join_path(periods_path, kpi), "stats", PERIOD_STATS);
    unit_attribute(w, ds.get(), join_path(periods_path, kpi), kpi);
  }
  Handle paths = w.group(parent, parent_path, "paths");
  for (const auto& [kpi, v] : t.paths) {
    Handle ds = w.doubles(paths.get(), paths_path, kpi, v);
    unit_attribute(w, ds.get(), join_path(paths_path, kpi), kpi);
  }
}

void write_all(Writer& w, const Results& r)
{
  const hid_t root = w.root();
  w.attr_string(root, "/", "format", RESULTS_FORMAT);
  w.attr_int(root, "/", "format_version", RESULTS_FORMAT_VERSION);
  w.attr_string(root, "/", "clvsim_version", r.clvsim_version);
  w.attr_string(root, "/", "created_utc", r.created_utc);
  w.attr_u64(root, "/", "seed", r.seed);
  w.attr_int(root, "/", "paths", r.paths);
  w.attr_int(root, "/", "horizon", r.horizon);
  w.attr_string(root, "/", "period", r.period);
  w.attr_string(root, "/", "currency", r.currency);
  w.attr_string(root, "/", "scenario_name", r.scenario_name);
  w.attr_string(root, "/", "scenario_path", r.scenario_path);
  w.attr_string(root, "/", "scenario_toml", r.scenario_toml);
  w.attr_string(root, "/", "command_line", r.command_line);
  w.attr_string(root, "/", "run_manifest", r.run_manifest);
  w.attr_string(root, "/", "run_hash", r.run_hash);
  w.attr_double(root, "/", "run_seconds", r.run_seconds);
  w.attr_strings(root, "/", "segments", r.segment_names);
  w.attr_strings(root, "/", "uncertain_inputs", r.uncertain_inputs);
  w.attr_strings(root, "/", "warnings", r.warnings);

  Handle variants = w.group(root, "/", "variants", /*ordered=*/true);
  for (const VariantResults& v : r.variants) {
    const std::string vp = join_path("/variants", v.name);
    Handle vg = w.group(variants.get(), "/variants", v.name);
    write_table(w, vg.get(), vp, v.kpis, r.horizon);

    const std::string sp = join_path(vp, "segments");
    Handle segs = w.group(vg.get(), vp, "segments", /*ordered=*/true);
    for (const auto& [seg, table] : v.segments) {
      Handle sg = w.group(segs.get(), sp, seg);
      write_table(w, sg.get(), join_path(sp, seg), table, r.horizon);
    }

    const std::string hp = join_path(vp, "clv_histogram");
    Handle hist = w.group(vg.get(), vp, "clv_histogram");
    w.doubles(hist.get(), hp, "edges", v.clv_histogram.edges);
    w.doubles(hist.get(), hp, "counts", v.clv_histogram.counts);

    const std::string cp = join_path(vp, "concentration");
    Handle conc = w.group(vg.get(), vp, "concentration");
    w.doubles(conc.get(), cp, "top_share_of_customers", v.concentration_x);
    w.doubles(conc.get(), cp, "share_of_revenue", v.concentration_share);

    for (const auto& [key, value] : v.sweep_values) w.attr_double(vg.get(), vp, SWEEP_PREFIX + key, value);

    if (!v.retention_by_tenure.empty()) {  // a subscription run (docs/model.md §11.6)
      const hsize_t h = static_cast<hsize_t>(std::max(r.horizon, 1));
      if (v.retention_by_tenure.size() % h != 0)
        throw std::invalid_argument("write_results: " + vp +
                                    "/subscription/retention_by_tenure is not [paths x horizon]");
      const std::string sp = join_path(vp, "subscription");
      Handle sub = w.group(vg.get(), vp, "subscription");
      Handle ds = w.doubles(sub.get(), sp, "retention_by_tenure", v.retention_by_tenure.data(),
                            {v.retention_by_tenure.size() / h, h}, /*compress=*/true);
      w.attr_string(ds.get(), join_path(sp, "retention_by_tenure"), "unit", "share");
    }
  }

  if (r.subscription.present()) {
    const SubscriptionResults& s = r.subscription;
    Handle sub = w.group(root, "/", "subscription");
    w.attr_double(sub.get(), "/subscription", "months_per_period", s.months_per_period);
    w.attr_double(sub.get(), "/subscription", "discount_rate_per_period", s.discount_rate_per_period);
    w.attr_double(sub.get(), "/subscription", "fee", s.fee);
    w.attr_double(sub.get(), "/subscription", "derl_periods", s.derl_periods);
    w.attr_double(sub.get(), "/subscription", "derl_value", s.derl_value);
    w.attr_double(sub.get(), "/subscription", "del_periods", s.del_periods);
    w.attr_double(sub.get(), "/subscription", "del_value", s.del_value);
    w.doubles(sub.get(), "/subscription", "retention_closed_form", s.retention_closed_form);
  }

  Handle comparisons = w.group(root, "/", "comparisons", /*ordered=*/true);
  for (const Comparison& c : r.comparisons) {
    const std::string cp = join_path("/comparisons", c.name);
    Handle cg = w.group(comparisons.get(), "/comparisons", c.name);
    Handle paths = w.group(cg.get(), cp, "paths");
    for (const auto& [metric, v] : c.paths) {
      Handle ds = w.doubles(paths.get(), join_path(cp, "paths"), metric, v);
      unit_attribute(w, ds.get(), join_path(join_path(cp, "paths"), metric), metric);
    }
  }

  Handle sensitivity = w.group(root, "/", "sensitivity", /*ordered=*/true);
  for (const Sensitivity& s : r.sensitivity) {
    const std::string sp = join_path("/sensitivity", s.output);
    Handle sg = w.group(sensitivity.get(), "/sensitivity", s.output);
    w.strings(sg.get(), sp, "parameter", s.parameter);
    w.doubles(sg.get(), sp, "spearman", s.spearman);
    w.doubles(sg.get(), sp, "tornado_low", s.tornado_low);
    w.doubles(sg.get(), sp, "tornado_high", s.tornado_high);
    w.doubles(sg.get(), sp, "p_value", s.p_value);
    w.doubles(sg.get(), sp, "reaches", s.reaches);
  }
}

//! Pushes the temporary file's data to disk before the rename makes it visible, so a
//! crash right after the rename cannot leave a truncated results file under the real name.
void sync_file(const std::string& file)
{
  const int fd = ::open(file.c_str(), O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// ---------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------

class Reader {
public:
  explicit Reader(std::string file) : file_(std::move(file))
  {
    // An input that cannot be read is bad input (exit 2), whatever the reason.
    std::error_code ec;
    if (std::filesystem::is_directory(file_, ec))
      throw InputError("error: cannot read results file '" + file_ + "': Is a directory");
    const int fd = ::open(file_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError("error: cannot read results file '" + file_ + "': " + std::strerror(errno));
    ::close(fd);
    const htri_t is_hdf5 = H5Fis_hdf5(file_.c_str());
    if (is_hdf5 <= 0) not_results("not an HDF5 file");
    Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    check(fapl.get(), "H5Pcreate", "");
#if H5_VERSION_GE(1, 10, 7)
    // Reading needs no lock; read-only and network file systems often refuse one.
    H5Pset_file_locking(fapl.get(), false, true);
#endif
    handle_ = Handle(H5Fopen(file_.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose);
    if (!handle_.valid()) damaged("");
  }

  //! InputError: the file is HDF5 but cannot be read through (truncated or damaged).
  [[noreturn]] void damaged(const std::string& object) const
  {
    const std::string reason = system_reason();
    throw InputError("error: cannot read results file '" + file_ +
                     "': " + (reason.empty() ? std::string("it is truncated or damaged") : reason) +
                     (object.empty() ? "" : " (at " + object + ")"));
  }

  hid_t root() const
  {
    return handle_.get();
  }

  [[noreturn]] void fail(const std::string& call, const std::string& object) const
  {
    (void)call;
    damaged(object);
  }

  [[noreturn]] void not_results(const std::string& why = "") const
  {
    H5Eclear2(H5E_DEFAULT);
    throw InputError("error: '" + file_ + "' is not a clvsim results file" + (why.empty() ? "" : " (" + why + ")"));
  }

  template <class T>
  T check(T rc, const char* call, const std::string& object) const
  {
    if (rc < 0) fail(call, object);
    return rc;
  }

  bool has_link(hid_t parent, const std::string& name) const
  {
    return H5Lexists(parent, name.c_str(), H5P_DEFAULT) > 0;
  }

  bool has_attr(hid_t obj, const std::string& name) const
  {
    return H5Aexists(obj, name.c_str()) > 0;
  }

  Handle open_group(hid_t parent, const std::string& parent_path, const std::string& name) const
  {
    // quoted by insert/push_back: "'" + ... trips a GCC 12 -Wrestrict false positive
    std::string where = join_path(parent_path, name);
    where.insert(where.begin(), '\'');
    where.push_back('\'');
    Handle g(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), H5Gclose);
    check(g.get(), "H5Gopen2", where);
    return g;
  }

  //! Member names of a group, in creation order when it was tracked, else by name.
  std::vector<std::string> members(hid_t group, const std::string& group_path) const
  {
    H5G_info_t info;
    check(H5Gget_info(group, &info), "H5Gget_info", "'" + group_path + "'");
    H5_index_t index = H5_INDEX_NAME;
    {
      Handle gcpl(H5Gget_create_plist(group), H5Pclose);
      unsigned flags = 0;
      if (gcpl.valid() && H5Pget_link_creation_order(gcpl.get(), &flags) >= 0 && (flags & H5P_CRT_ORDER_TRACKED))
        index = H5_INDEX_CRT_ORDER;
    }
    std::vector<std::string> names;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      const ssize_t len = check(H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT),
                                "H5Lget_name_by_idx", "'" + group_path + "'");
      std::string name(static_cast<std::size_t>(len) + 1, '\0');
      check(H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT),
            "H5Lget_name_by_idx", "'" + group_path + "'");
      name.resize(static_cast<std::size_t>(len));
      names.push_back(std::move(name));
    }
    return names;
  }

  //! A numeric dataset as doubles (row-major) and its shape.
  std::vector<double> doubles(hid_t parent, const std::string& parent_path, const std::string& name,
                              std::vector<hsize_t>* shape = nullptr) const
  {
    const std::string where = quoted_path(parent_path, name);
    Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose);
    check(ds.get(), "H5Dopen2", where);
    Handle type(H5Dget_type(ds.get()), H5Tclose);
    check(type.get(), "H5Dget_type", where);
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls != H5T_FLOAT && cls != H5T_INTEGER) not_results(where + " is not numeric");
    Handle space(H5Dget_space(ds.get()), H5Sclose);
    check(space.get(), "H5Dget_space", where);
    const int rank = check(H5Sget_simple_extent_ndims(space.get()), "H5Sget_simple_extent_ndims", where);
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), "H5Sget_simple_extent_dims", where);
    const hssize_t n = check(H5Sget_simple_extent_npoints(space.get()), "H5Sget_simple_extent_npoints", where);
    std::vector<double> v(static_cast<std::size_t>(n));
    if (n > 0) check(H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "H5Dread", where);
    if (shape) *shape = std::move(dims);
    return v;
  }

  //! Strings stored in `type_id` (variable or fixed length), `n` of them, read by `read`.
  template <class ReadFn>
  std::vector<std::string> read_strings(hid_t file_type, hsize_t n, const std::string& where, ReadFn read) const
  {
    if (H5Tget_class(file_type) != H5T_STRING) not_results(where + " is not a string");
    std::vector<std::string> out;
    out.reserve(n);
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    check(mem.get(), "H5Tcopy", where);
    // Same character set as stored: HDF5 does not convert between ASCII and UTF-8.
    check(H5Tset_cset(mem.get(), H5Tget_cset(file_type)), "H5Tset_cset", where);
    if (H5Tis_variable_str(file_type) > 0) {
      check(H5Tset_size(mem.get(), H5T_VARIABLE), "H5Tset_size", where);
      std::vector<char*> ptrs(n, nullptr);
      if (n > 0) check(read(mem.get(), static_cast<void*>(ptrs.data())), "read", where);
      for (char* p : ptrs) {
        out.emplace_back(p ? p : "");
        if (p) H5free_memory(p);
      }
    } else {
      const std::size_t size = H5Tget_size(file_type);
      check(H5Tset_size(mem.get(), size), "H5Tset_size", where);
      check(H5Tset_strpad(mem.get(), H5T_STR_NULLPAD), "H5Tset_strpad", where);
      std::vector<char> buf(size * n + 1, '\0');
      if (n > 0) check(read(mem.get(), static_cast<void*>(buf.data())), "read", where);
      for (hsize_t i = 0; i < n; ++i) {
        const char* p = buf.data() + i * size;
        out.emplace_back(p, strnlen(p, size));
      }
    }
    return out;
  }

  std::vector<std::string> strings(hid_t parent, const std::string& parent_path, const std::string& name) const
  {
    const std::string where = quoted_path(parent_path, name);
    Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose);
    check(ds.get(), "H5Dopen2", where);
    Handle type(H5Dget_type(ds.get()), H5Tclose);
    check(type.get(), "H5Dget_type", where);
    Handle space(H5Dget_space(ds.get()), H5Sclose);
    check(space.get(), "H5Dget_space", where);
    const hssize_t n = check(H5Sget_simple_extent_npoints(space.get()), "H5Sget_simple_extent_npoints", where);
    return read_strings(type.get(), static_cast<hsize_t>(n), where, [&](hid_t mem, void* buf) {
      return H5Dread(ds.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    });
  }

  std::vector<std::string> attr_strings(hid_t obj, const std::string& obj_path, const std::string& name) const
  {
    const std::string where = "attribute '" + name + "' of '" + obj_path + "'";
    if (!has_attr(obj, name)) not_results("missing " + where);
    Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
    check(a.get(), "H5Aopen", where);
    Handle type(H5Aget_type(a.get()), H5Tclose);
    check(type.get(), "H5Aget_type", where);
    Handle space(H5Aget_space(a.get()), H5Sclose);
    check(space.get(), "H5Aget_space", where);
    const hssize_t n = check(H5Sget_simple_extent_npoints(space.get()), "H5Sget_simple_extent_npoints", where);
    return read_strings(type.get(), static_cast<hsize_t>(n), where,
                        [&](hid_t mem, void* buf) { return H5Aread(a.get(), mem, buf); });
  }

  std::string attr_string(hid_t obj, const std::string& obj_path, const std::string& name) const
  {
    auto v = attr_strings(obj, obj_path, name);
    if (v.size() != 1) not_results("attribute '" + name + "' of '" + obj_path + "' is not a scalar");
    return v[0];
  }

  //! Scalar numeric attribute converted to `mem_type` into `out`.
  void attr_scalar(hid_t obj, const std::string& obj_path, const std::string& name, hid_t mem_type, void* out) const
  {
    const std::string where = "attribute '" + name + "' of '" + obj_path + "'";
    if (!has_attr(obj, name)) not_results("missing " + where);
    Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
    check(a.get(), "H5Aopen", where);
    Handle type(H5Aget_type(a.get()), H5Tclose);
    check(type.get(), "H5Aget_type", where);
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls != H5T_INTEGER && cls != H5T_FLOAT) not_results(where + " is not numeric");
    Handle space(H5Aget_space(a.get()), H5Sclose);
    check(space.get(), "H5Aget_space", where);
    if (H5Sget_simple_extent_npoints(space.get()) != 1) not_results(where + " is not a scalar");
    check(H5Aread(a.get(), mem_type, out), "H5Aread", where);
  }

  int attr_int(hid_t obj, const std::string& obj_path, const std::string& name) const
  {
    int v = 0;
    attr_scalar(obj, obj_path, name, H5T_NATIVE_INT, &v);
    return v;
  }

  //! Names of every attribute of `obj` (by name order).
  std::vector<std::string> attr_names(hid_t obj, const std::string& obj_path) const
  {
    std::vector<std::string> names;
    hsize_t idx = 0;
    check(H5Aiterate2(
              obj, H5_INDEX_NAME, H5_ITER_INC, &idx,
              [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
                static_cast<std::vector<std::string>*>(data)->emplace_back(name);
                return 0;
              },
              &names),
          "H5Aiterate2", "'" + obj_path + "'");
    return names;
  }

private:
  std::string file_;
  Handle handle_;
};

//! Reads path_periods/ and paths/ under `group` (periods/ holds derived statistics only).
KpiTable read_table(const Reader& rd, hid_t group, const std::string& group_path, int horizon)
{
  KpiTable t;
  if (rd.has_link(group, "path_periods")) {
    const std::string raw_path = join_path(group_path, "path_periods");
    Handle raw = rd.open_group(group, group_path, "path_periods");
    for (const auto& kpi : rd.members(raw.get(), raw_path)) {
      std::vector<hsize_t> shape;
      t.periods[kpi] = rd.doubles(raw.get(), raw_path, kpi, &shape);
      if (shape.size() != 2 || shape[1] != static_cast<hsize_t>(std::max(horizon, 0)))
        rd.not_results(quoted_path(raw_path, kpi) + " is not [paths x horizon]");
    }
  }
  if (rd.has_link(group, "paths")) {
    const std::string paths_path = join_path(group_path, "paths");
    Handle paths = rd.open_group(group, group_path, "paths");
    for (const auto& kpi : rd.members(paths.get(), paths_path)) t.paths[kpi] = rd.doubles(paths.get(), paths_path, kpi);
  }
  return t;
}

Results read_all(const Reader& rd)
{
  const hid_t root = rd.root();
  if (!rd.has_attr(root, "format")) rd.not_results();
  std::vector<std::string> format;
  try {
    format = rd.attr_strings(root, "/", "format");
  } catch (const InputError&) {
    rd.not_results();
  }
  if (format.size() != 1 || format[0] != RESULTS_FORMAT) rd.not_results();
  const int version = rd.attr_int(root, "/", "format_version");
  if (version < 1 || version > RESULTS_FORMAT_VERSION)
    rd.not_results("format_version " + std::to_string(version) +
                   " is not supported by this clvsim, which reads version " + std::to_string(RESULTS_FORMAT_VERSION));

  Results r;
  r.clvsim_version = rd.attr_string(root, "/", "clvsim_version");
  r.created_utc = rd.attr_string(root, "/", "created_utc");
  rd.attr_scalar(root, "/", "seed", H5T_NATIVE_UINT64, &r.seed);
  r.paths = rd.attr_int(root, "/", "paths");
  r.horizon = rd.attr_int(root, "/", "horizon");
  // What a run can have written (engine/core/limits.h): anything else is not clvsim's file,
  // and the readers size tables by these two.
  if (r.paths < 0 || r.paths > MAX_PATHS)
    rd.not_results("paths " + std::to_string(r.paths) + " is out of range [0, " + std::to_string(MAX_PATHS) + "]");
  if (r.horizon < 1 || r.horizon > MAX_PERIODS)
    rd.not_results("horizon " + std::to_string(r.horizon) + " is out of range [1, " + std::to_string(MAX_PERIODS) +
                   "]");
  r.period = rd.attr_string(root, "/", "period");
  r.currency = rd.attr_string(root, "/", "currency");
  r.scenario_name = rd.attr_string(root, "/", "scenario_name");
  r.scenario_path = rd.attr_string(root, "/", "scenario_path");
  r.scenario_toml = rd.attr_string(root, "/", "scenario_toml");
  r.command_line = rd.attr_string(root, "/", "command_line");
  r.segment_names = rd.attr_strings(root, "/", "segments");
  // (files of older versions have none of these three)
  if (rd.has_attr(root, "run_manifest")) r.run_manifest = rd.attr_string(root, "/", "run_manifest");
  if (rd.has_attr(root, "run_hash")) r.run_hash = rd.attr_string(root, "/", "run_hash");
  if (rd.has_attr(root, "run_seconds")) rd.attr_scalar(root, "/", "run_seconds", H5T_NATIVE_DOUBLE, &r.run_seconds);
  if (rd.has_attr(root, "uncertain_inputs"))  // (files of clvsim before 0.2 have none)
    r.uncertain_inputs = rd.attr_strings(root, "/", "uncertain_inputs");
  if (rd.has_attr(root, "warnings")) r.warnings = rd.attr_strings(root, "/", "warnings");

  if (!rd.has_link(root, "variants")) rd.not_results("no /variants group");
  Handle variants = rd.open_group(root, "/", "variants");
  for (const auto& name : rd.members(variants.get(), "/variants")) {
    VariantResults v;
    v.name = name;
    const std::string vp = join_path("/variants", name);
    Handle vg = rd.open_group(variants.get(), "/variants", name);
    v.kpis = read_table(rd, vg.get(), vp, r.horizon);

    if (rd.has_link(vg.get(), "segments")) {
      const std::string sp = join_path(vp, "segments");
      Handle segs = rd.open_group(vg.get(), vp, "segments");
      for (const auto& seg : rd.members(segs.get(), sp)) {
        Handle sg = rd.open_group(segs.get(), sp, seg);
        v.segments[seg] = read_table(rd, sg.get(), join_path(sp, seg), r.horizon);
      }
    }
    if (rd.has_link(vg.get(), "clv_histogram")) {
      const std::string hp = join_path(vp, "clv_histogram");
      Handle hist = rd.open_group(vg.get(), vp, "clv_histogram");
      if (rd.has_link(hist.get(), "edges")) v.clv_histogram.edges = rd.doubles(hist.get(), hp, "edges");
      if (rd.has_link(hist.get(), "counts")) v.clv_histogram.counts = rd.doubles(hist.get(), hp, "counts");
    }
    if (rd.has_link(vg.get(), "concentration")) {
      const std::string cp = join_path(vp, "concentration");
      Handle conc = rd.open_group(vg.get(), vp, "concentration");
      if (rd.has_link(conc.get(), "top_share_of_customers"))
        v.concentration_x = rd.doubles(conc.get(), cp, "top_share_of_customers");
      if (rd.has_link(conc.get(), "share_of_revenue"))
        v.concentration_share = rd.doubles(conc.get(), cp, "share_of_revenue");
    }
    const std::string prefix = SWEEP_PREFIX;
    for (const auto& attr : rd.attr_names(vg.get(), vp)) {
      if (attr.size() <= prefix.size() || attr.compare(0, prefix.size(), prefix) != 0) continue;
      double value = 0;
      rd.attr_scalar(vg.get(), vp, attr, H5T_NATIVE_DOUBLE, &value);
      v.sweep_values[attr.substr(prefix.size())] = value;
    }
    if (rd.has_link(vg.get(), "subscription")) {
      const std::string sp = join_path(vp, "subscription");
      Handle sub = rd.open_group(vg.get(), vp, "subscription");
      if (rd.has_link(sub.get(), "retention_by_tenure"))
        v.retention_by_tenure = rd.doubles(sub.get(), sp, "retention_by_tenure");
    }
    r.variants.push_back(std::move(v));
  }

  if (rd.has_link(root, "subscription")) {
    SubscriptionResults& s = r.subscription;
    Handle sub = rd.open_group(root, "/", "subscription");
    const auto get = [&](const char* name, double& out) {
      rd.attr_scalar(sub.get(), "/subscription", name, H5T_NATIVE_DOUBLE, &out);
    };
    get("months_per_period", s.months_per_period);
    get("discount_rate_per_period", s.discount_rate_per_period);
    get("fee", s.fee);
    get("derl_periods", s.derl_periods);
    get("derl_value", s.derl_value);
    get("del_periods", s.del_periods);
    get("del_value", s.del_value);
    if (rd.has_link(sub.get(), "retention_closed_form"))
      s.retention_closed_form = rd.doubles(sub.get(), "/subscription", "retention_closed_form");
  }

  if (rd.has_link(root, "comparisons")) {
    Handle comparisons = rd.open_group(root, "/", "comparisons");
    for (const auto& name : rd.members(comparisons.get(), "/comparisons")) {
      Comparison c;
      c.name = name;
      const std::string cp = join_path("/comparisons", name);
      Handle cg = rd.open_group(comparisons.get(), "/comparisons", name);
      if (rd.has_link(cg.get(), "paths")) {
        const std::string pp = join_path(cp, "paths");
        Handle paths = rd.open_group(cg.get(), cp, "paths");
        for (const auto& metric : rd.members(paths.get(), pp)) c.paths[metric] = rd.doubles(paths.get(), pp, metric);
      }
      r.comparisons.push_back(std::move(c));
    }
  }

  if (rd.has_link(root, "sensitivity")) {
    Handle sensitivity = rd.open_group(root, "/", "sensitivity");
    for (const auto& output : rd.members(sensitivity.get(), "/sensitivity")) {
      Sensitivity s;
      s.output = output;
      const std::string sp = join_path("/sensitivity", output);
      Handle sg = rd.open_group(sensitivity.get(), "/sensitivity", output);
      if (rd.has_link(sg.get(), "parameter")) s.parameter = rd.strings(sg.get(), sp, "parameter");
      if (rd.has_link(sg.get(), "spearman")) s.spearman = rd.doubles(sg.get(), sp, "spearman");
      if (rd.has_link(sg.get(), "tornado_low")) s.tornado_low = rd.doubles(sg.get(), sp, "tornado_low");
      if (rd.has_link(sg.get(), "tornado_high")) s.tornado_high = rd.doubles(sg.get(), sp, "tornado_high");
      if (rd.has_link(sg.get(), "p_value")) s.p_value = rd.doubles(sg.get(), sp, "p_value");
      if (rd.has_link(sg.get(), "reaches")) s.reaches = rd.doubles(sg.get(), sp, "reaches");
      r.sensitivity.push_back(std::move(s));
    }
  }
  return r;
}

bool path_exists(const std::string& path)
{
  std::error_code ec;
  return std::filesystem::exists(std::filesystem::symlink_status(path, ec));
}

}  // namespace

void write_results_file(const Results& results, const std::string& file, const std::string& display)
{
  no_hdf5_atexit();
  const ErrorSilencer silence;
  {
    Writer w(display, file);
    write_all(w, results);
    w.close();
  }
  sync_file(file);
}

void write_results(const Results& results, const std::string& path, bool force)
{
  if (!force && path_exists(path))
    throw InputError("error: results file '" + path + "' exists; use --force to overwrite");
  temp_files::TempFile tmp(path, "results file '" + path + "'");  // removed unless renamed
  write_results_file(results, tmp.path(), path);
  // Checked again: another process may have created the file while we were writing.
  if (!force && path_exists(path))
    throw InputError("error: results file '" + path + "' exists; use --force to overwrite");
  if (std::rename(tmp.path().c_str(), path.c_str()) != 0)
    throw IoError("error: cannot write results file '" + path + "': " + std::strerror(errno));
  tmp.release();
}

Results read_results(const std::string& path)
{
  no_hdf5_atexit();
  const ErrorSilencer silence;
  const Reader rd(path);
  return read_all(rd);
}

}  // namespace clvsim::io
