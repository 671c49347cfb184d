#!/usr/bin/env bash
# A report test as a person would do it (ctest label `report`): make a report with the real
# binary, open it in headless Chromium (check_report.cjs: no console error, no request, every
# chart drawn with titled axes) and hold the numbers it draws against the results file
# (check_data.py, h5py) or the transaction log (check_fit_data.py). Also: `run --report` and
# `report` of the same results draw the same numbers, and `export --csv` reads in pandas.
#
# usage: render_test.sh CASE CLVSIM SOURCE_DIR SHARED_DATA
#   CASE: default | board | edge | subscription | fit | survival
set -euo pipefail
case_name=$1 clvsim=$2 src=$3 shared=${CLVSIM_SHARED_DATA:-$4}
work=$(mktemp -d "${TMPDIR:-/tmp}/clvsim-report-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
export CLVSIM_NODE_MODULES="$src/engine/report/vendor/node_modules"
PY=/usr/bin/python3
render() { node "$src/tests/report/check_report.cjs" "$@"; }

case "$case_name" in
  default|board)
    if [ "$case_name" = default ]; then
      # The built-in default scenario as `clvsim run` runs it.
      "$clvsim" run --quiet -o "$work/r.h5" --report "$work/run.html" > "$work/console.txt"
      min=8
    else
      # Segments, investments, uncertain inputs and a sweep.
      "$clvsim" run "$src/tests/report/board_case.toml" --quiet -o "$work/r.h5" --report "$work/run.html" > "$work/console.txt"
      min=25
    fi
    grep -q "report written to $work/run.html" "$work/console.txt"
    "$clvsim" report "$work/r.h5" -o "$work/report.html"
    render "$work/report.html" --min-charts "$min" --data-out "$work/report.json"
    $PY "$src/tests/report/check_data.py" "$work/report.json" "$work/r.h5"
    render "$work/run.html" --min-charts "$min" --data-out "$work/run.json"
    # `run --report` and `report` of its results file draw the same numbers.
    $PY - "$work/run.json" "$work/report.json" <<'PYEOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["datasets"] == b["datasets"], "run --report and report draw different numbers"
print("run --report and report draw the same", len(a["datasets"]), "data sets")
PYEOF
    # The tidy CSV export, read by pandas as it is, equals the file.
    "$clvsim" export "$work/r.h5" --csv "$work/csv" > /dev/null
    $PY - "$work/csv" "$work/r.h5" <<'PYEOF'
import sys
import h5py, numpy as np, pandas as pd
d, f = sys.argv[1], h5py.File(sys.argv[2], "r")
# As they are: pandas' default float parser may be 1 ulp off; round_trip gives the file's doubles.
plain = pd.read_csv(d + "/per_path.csv")
assert list(plain.columns) == ["variant", "segment", "path", "kpi", "value"], plain.columns
assert plain.value.dtype == np.float64 and plain.path.dtype == np.int64
pp = pd.read_csv(d + "/per_path.csv", float_precision="round_trip")
x = plain.value.to_numpy(); y = pp.value.to_numpy()
assert np.allclose(x, y, rtol=1e-15, atol=0, equal_nan=True)
for v in f["variants"]:
    for kpi in f["variants"][v]["paths"]:
        got = pp[(pp.variant == v) & (pp.segment == "(total)") & (pp.kpi == kpi)].sort_values("path").value.to_numpy()
        want = f["variants"][v]["paths"][kpi][...]
        assert np.array_equal(got, want, equal_nan=True), (v, kpi)
per = pd.read_csv(d + "/per_period.csv", float_precision="round_trip")
assert list(per.columns) == ["variant", "segment", "period", "kpi", "stat", "value"]
stats = f["variants/baseline/periods/profit"].attrs["stats"].split(",")
for i, s in enumerate(stats):
    got = per[(per.variant == "baseline") & (per.segment == "(total)") & (per.kpi == "profit") & (per.stat == s)].sort_values("period").value.to_numpy()
    assert np.array_equal(got, f["variants/baseline/periods/profit"][i], equal_nan=True), s
cmp = pd.read_csv(d + "/comparisons.csv", float_precision="round_trip")
assert list(cmp.columns) == ["investment", "path", "metric", "value"]
for c in f["comparisons"]:
    for m in f["comparisons"][c]["paths"]:
        got = cmp[(cmp.investment == c) & (cmp.metric == m)].sort_values("path").value.to_numpy()
        assert np.array_equal(got, f["comparisons"][c]["paths"][m][...], equal_nan=True), (c, m)
sens = pd.read_csv(d + "/sensitivity.csv")
assert list(sens.columns) == ["output", "parameter", "spearman", "tornado_low", "tornado_high", "p_value", "reaches"]
assert len(sens) == sum(len(f["sensitivity"][o]["parameter"]) for o in f.get("sensitivity", {}))
print("export: pandas reads", len(pp), "+", len(per), "+", len(cmp), "+", len(sens), "rows equal to the file")
PYEOF
    ;;
  edge)
    # Two paths, no sweep, and an investment without an own cost (no ROI on any path): the
    # charts that have nothing to show are left out, the others draw without a warning.
    sed -e 's/^one_time_cost = 6000.0/one_time_cost = 0.0/' -e 's/^cost_per_period = 300.0/cost_per_period = 0.0/' \
      -e '/^\[sweep\]/,$d' "$src/tests/report/board_case.toml" > "$work/edge.toml"
    grep -q '^cost_per_period = 0.0' "$work/edge.toml"
    "$clvsim" run "$work/edge.toml" --paths 2 --quiet -o "$work/r.h5" --report "$work/edge.html" > /dev/null
    render "$work/edge.html" --min-charts 8 --data-out "$work/edge.json"
    $PY "$src/tests/report/check_data.py" "$work/edge.json" "$work/r.h5"
    ;;
  subscription)
    # A subscription run (purchase.model = "sbg"): its section's MRR and retention by tenure
    # against the sBG closed form, drawn from the file's numbers.
    "$clvsim" run "$src/scenarios/examples/subscription_box.toml" --paths 20 --quiet -o "$work/r.h5" \
      --report "$work/sub.html" > /dev/null
    grep -q 'id="subscription"' "$work/sub.html"
    grep -q 'DERL: the payments after the first' "$work/sub.html"
    render "$work/sub.html" --min-charts 7 --data-out "$work/sub.json"
    $PY "$src/tests/report/check_data.py" "$work/sub.json" "$work/r.h5" | tee "$work/check.txt"
    grep -q "subscription_mrr x1" "$work/check.txt"
    grep -q "subscription_retention x1" "$work/check.txt"
    ;;
  fit)
    log="$shared/cdnow_sample.csv"
    "$clvsim" fit "$log" --calibration-end 1997-09-30 --holdout-end 1998-06-30 --model all \
      --report "$work/fit.html" > "$work/console.txt" 2> "$work/stderr.txt"
    grep -q "report written to $work/fit.html" "$work/stderr.txt"
    "$clvsim" fit "$log" --calibration-end 1997-09-30 --holdout-end 1998-06-30 --model all --json > "$work/fit.json"
    render "$work/fit.html" --min-charts 9 --data-out "$work/fit-data.json"
    $PY "$src/tests/report/check_fit_data.py" "$work/fit-data.json" "$work/fit.json" "$log" 1997-09-30 1998-06-30 \
      "$work/console.txt"
    ;;
  survival)
    # Fader & Hardie (2007), the "regular" customers' survival over 7 years.
    printf 'period,alive\n0,1000\n1,631\n2,468\n3,382\n4,326\n5,289\n6,262\n7,241\n' > "$work/cohort.csv"
    "$clvsim" fit --survival "$work/cohort.csv" --time-unit month --report "$work/sbg.html" > /dev/null 2>&1
    render "$work/sbg.html" --min-charts 1
    ;;
  *)
    echo "unknown case $case_name" >&2
    exit 2
    ;;
esac
echo "report test $case_name: ok"
