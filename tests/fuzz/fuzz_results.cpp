// libFuzzer harness: the results file reader (io::read_results, what `clvsim show`, `report`
// and `export` read) and the console and JSON summaries of whatever it accepts, on valid HDF5
// files of arbitrary structure: the input decides which root attributes exist and with which
// type, shape and value, which variants, segments, comparisons and sensitivities there are, the
// names, types, ranks and sizes of their datasets, and the values (NaN, infinities, huge). The
// only acceptable failure is InputError. (fuzz_results_bytes feeds raw bytes to libhdf5; see
// there why CI runs this one.)
#include <fuzzer/FuzzedDataProvider.h>
#include <hdf5.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "engine/core/errors.h"
#include "engine/io/console_summary.h"
#include "engine/io/hdf5_results.h"
#include "engine/io/json_summary.h"

namespace {

const char* const KPI_NAMES[] = {"npv_profit", "clv_mean", "revenue_total",    "roi", "net_npv",        "delta_npv",
                                 "cost_npv",   "profit",   "active_customers", "nps", "payback_period", "x"};

std::string name(FuzzedDataProvider& in)
{
  if (in.ConsumeBool()) return KPI_NAMES[in.ConsumeIntegralInRange<std::size_t>(0, std::size(KPI_NAMES) - 1)];
  std::string n = in.ConsumeRandomLengthString(12);
  if (n.empty() || n == "." || n.find('/') != std::string::npos || n.find('\0') != std::string::npos) n = "k";
  return n;
}

double value(FuzzedDataProvider& in)
{
  switch (in.ConsumeIntegralInRange(0, 4)) {
    case 0:
      return 0.0 / 0.0;
    case 1:
      return in.ConsumeBool() ? 1e308 * 10 : -1e308 * 10;
    case 2:
      return in.ConsumeFloatingPoint<double>();
    default:
      return in.ConsumeIntegralInRange(-3, 3);
  }
}

void string_attr(hid_t obj, const char* attr, const std::string& text)
{
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t a = H5Acreate2(obj, attr, type, space, H5P_DEFAULT, H5P_DEFAULT);
  const char* p = text.c_str();
  if (a >= 0) H5Awrite(a, type, &p), H5Aclose(a);
  H5Sclose(space), H5Tclose(type);
}

//! One attribute `attr` of `obj`: absent, a string, an integer, a double, or an array of them.
void any_attr(FuzzedDataProvider& in, hid_t obj, const char* attr, const std::string& good_text)
{
  const int kind = in.ConsumeIntegralInRange(0, 5);
  if (kind == 0) return;
  if (kind == 1 || kind == 2) {
    string_attr(obj, attr, kind == 1 ? good_text : in.ConsumeRandomLengthString(16));
    return;
  }
  const hsize_t n = kind == 5 ? in.ConsumeIntegralInRange<hsize_t>(0, 3) : 1;
  const hid_t space = kind == 5 ? H5Screate_simple(1, &n, nullptr) : H5Screate(H5S_SCALAR);
  std::vector<double> v(n ? n : 1);
  for (auto& x : v) x = kind == 3 ? in.ConsumeIntegralInRange(-2, 100000) : value(in);
  const hid_t file_type = kind == 3 ? H5T_STD_I32LE : H5T_IEEE_F64LE;
  const hid_t a = H5Acreate2(obj, attr, file_type, space, H5P_DEFAULT, H5P_DEFAULT);
  if (a >= 0) H5Awrite(a, H5T_NATIVE_DOUBLE, v.data()), H5Aclose(a);
  H5Sclose(space);
}

//! A dataset `ds` under `parent`: float64, int32 or string, of rank 0-3 and small dimensions.
void any_dataset(FuzzedDataProvider& in, hid_t parent, const std::string& ds, hsize_t paths, hsize_t horizon)
{
  const int rank = in.ConsumeIntegralInRange(0, 3);
  hsize_t dims[3];
  hsize_t n = 1;
  for (int k = 0; k < rank; ++k) {
    dims[k] = in.ConsumeBool() ? (k == 0 ? paths : horizon) : in.ConsumeIntegralInRange<hsize_t>(0, 6);
    n *= dims[k];
  }
  const hid_t space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, nullptr);
  if (in.ConsumeIntegralInRange(0, 9) == 0) {  // a string dataset where numbers are expected
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    const hid_t d = H5Dcreate2(parent, ds.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    std::vector<const char*> p(n, "s");
    if (d >= 0 && n > 0) H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data());
    if (d >= 0) H5Dclose(d);
    H5Tclose(type);
  } else {
    std::vector<double> v(n);
    for (auto& x : v) x = value(in);
    const hid_t d = H5Dcreate2(parent, ds.c_str(), in.ConsumeBool() ? H5T_IEEE_F64LE : H5T_STD_I32LE, space,
                               H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (d >= 0 && n > 0) H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    if (d >= 0) H5Dclose(d);
  }
  H5Sclose(space);
}

hid_t ordered_group(hid_t parent, const std::string& g)
{
  const hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
  H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  const hid_t id = H5Gcreate2(parent, g.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT);
  H5Pclose(gcpl);
  return id;
}

//! A group `g` of up to 4 datasets (or nothing, or a dataset instead of a group).
void table_group(FuzzedDataProvider& in, hid_t parent, const char* g, hsize_t paths, hsize_t horizon)
{
  const int kind = in.ConsumeIntegralInRange(0, 4);
  if (kind == 0) return;
  if (kind == 1) {
    any_dataset(in, parent, g, paths, horizon);
    return;
  }
  const hid_t id = ordered_group(parent, g);
  if (id < 0) return;
  const int n = in.ConsumeIntegralInRange(0, 4);
  for (int k = 0; k < n; ++k) any_dataset(in, id, name(in), paths, horizon);
  H5Gclose(id);
}

void write_file(FuzzedDataProvider& in, const std::string& path)
{
  const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST);
  const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  if (f < 0) return;
  const hsize_t paths = in.ConsumeIntegralInRange<hsize_t>(0, 4), horizon = in.ConsumeIntegralInRange<hsize_t>(0, 4);
  if (in.ConsumeIntegralInRange(0, 7) != 0)
    string_attr(f, "format", "clvsim-results");
  else
    any_attr(in, f, "format", "clvsim-results");
  if (in.ConsumeIntegralInRange(0, 7) != 0) {
    const int version = in.ConsumeIntegralInRange(0, 2);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(f, "format_version", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT);
    if (a >= 0) H5Awrite(a, H5T_NATIVE_INT, &version), H5Aclose(a);
    H5Sclose(space);
  }
  for (const char* s : {"clvsim_version", "created_utc", "period", "currency", "scenario_name", "scenario_path",
                        "scenario_toml", "command_line", "segments"})
    in.ConsumeIntegralInRange(0, 5) ? string_attr(f, s, in.ConsumeBool() ? "month" : in.ConsumeRandomLengthString(8))
                                    : any_attr(in, f, s, "x");
  for (const char* s : {"seed", "paths", "horizon"}) {
    if (in.ConsumeIntegralInRange(0, 5) == 0) {
      any_attr(in, f, s, "1");
      continue;
    }
    const int v = std::string(s) == "paths"     ? static_cast<int>(paths)
                  : std::string(s) == "horizon" ? static_cast<int>(horizon)
                                                : 7;
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(f, s, H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT);
    if (a >= 0) H5Awrite(a, H5T_NATIVE_INT, &v), H5Aclose(a);
    H5Sclose(space);
  }
  if (in.ConsumeIntegralInRange(0, 7) != 0) {
    const hid_t variants = ordered_group(f, "variants");
    const int n = in.ConsumeIntegralInRange(0, 3);
    for (int k = 0; k < n && variants >= 0; ++k) {
      const std::string vname = k == 0 && in.ConsumeBool() ? "baseline" : name(in);
      const hid_t v = H5Gcreate2(variants, vname.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      if (v < 0) continue;
      table_group(in, v, "paths", paths, horizon);
      table_group(in, v, "path_periods", paths, horizon);
      table_group(in, v, "clv_histogram", paths, horizon);
      table_group(in, v, "concentration", paths, horizon);
      if (in.ConsumeBool()) {
        const hid_t segs = ordered_group(v, "segments");
        if (segs >= 0 && in.ConsumeBool()) {
          const hid_t s = H5Gcreate2(segs, name(in).c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
          if (s >= 0)
            table_group(in, s, "paths", paths, horizon), table_group(in, s, "path_periods", paths, horizon),
                H5Gclose(s);
        }
        if (segs >= 0) H5Gclose(segs);
      }
      if (in.ConsumeBool()) any_attr(in, v, "sweep.service.courtesy", "0.5");
      H5Gclose(v);
    }
    if (variants >= 0) H5Gclose(variants);
  }
  for (const char* top : {"comparisons", "sensitivity"}) {
    if (!in.ConsumeBool()) continue;
    const hid_t g = ordered_group(f, top);
    const int n = in.ConsumeIntegralInRange(0, 2);
    for (int k = 0; k < n && g >= 0; ++k) {
      const hid_t c = H5Gcreate2(g, name(in).c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      if (c < 0) continue;
      if (std::string(top) == "comparisons") {
        table_group(in, c, "paths", paths, horizon);
      } else {
        for (const char* d : {"parameter", "spearman", "tornado_low", "tornado_high", "p_value", "reaches"})
          if (in.ConsumeBool()) any_dataset(in, c, d, paths, horizon);
      }
      H5Gclose(c);
    }
    if (g >= 0) H5Gclose(g);
  }
  H5Fclose(f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  // /dev/shm when there is one: the file never needs a disk
  static const std::string path = std::string(::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") +
                                  "/clvsim_fuzz_results_" + std::to_string(::getpid()) + ".h5";
  static const bool quiet = [] { return H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) >= 0; }();
  (void)quiet;
  FuzzedDataProvider in(data, size);
  write_file(in, path);
  try {
    const clvsim::Results r = clvsim::io::read_results(path);
    std::ostringstream out;
    clvsim::io::print_summary(r, out);
    out << clvsim::io::to_json(r);
  } catch (const clvsim::InputError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "non-InputError exception: %s\n", e.what());
    std::abort();
  }
  std::remove(path.c_str());
  return 0;
}
