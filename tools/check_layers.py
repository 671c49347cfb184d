#!/usr/bin/env python3
"""Fails on any #include against the grain of clvsim's layers (docs/architecture.md).

Each folder may include only the folders listed for it (and the standard library and the
third-party libraries allowed for it). The rule, bottom to top:

  engine/core, engine/rng, engine/stats   nothing of the project above them
  models/*                                 + engine/core|rng|stats; no TOML, no threads, no scenario
  scenarios                                + models
  engine/run                               + scenarios, models (but no concrete purchase model:
                                             models/purchase/registry.h is the one door); the only
                                             layer that may use MPI (<mpi.h>, the MPI driver)
  engine/io                                + engine/run/results.h (the plain results), models/kpis.h
  engine/report                            + engine/io, models/fit (the fit report's data), models/kpis.h
  engine/cli, tests, bench                 anything

usage: tools/check_layers.py [REPO]   (exit 1 and one line per offending include)
"""
import os
import re
import sys

BOTTOM = ["engine/core", "engine/rng", "engine/stats"]
MODELS = ["models"]

# folder -> project folders (prefixes) it may include
ALLOWED = {
    "engine/core": ["engine/core"],
    "engine/rng": ["engine/rng", "engine/core"],
    "engine/stats": ["engine/stats", "engine/core"],
    "models": BOTTOM + MODELS,
    "scenarios": BOTTOM + MODELS + ["scenarios"],
    "engine/run": BOTTOM + MODELS + ["scenarios", "engine/run"],
    "engine/io": BOTTOM + ["engine/io", "engine/run/results.h", "models/kpis.h"],
    "engine/report": BOTTOM + ["engine/io", "engine/report", "engine/run/results.h", "models/fit",
                               "models/kpis.h", "scenarios"],
    "engine/cli": None,  # anything
    "tests": None,
    "bench": None,
}

# third-party headers a folder must not use (the layer's promise)
MPI = r"^mpi"  # <mpi.h>: engine/run's MPI driver only
FORBIDDEN_SYSTEM = {
    "models": [r"^tbb/", r"^oneapi/", r"^toml\+\+", r"^hdf5", r"^H5", r"^boost/program_options", MPI],
    "engine/core": [r"^tbb/", r"^toml\+\+", r"^hdf5", r"^H5", MPI],
    "engine/rng": [r"^tbb/", r"^toml\+\+", r"^hdf5", r"^H5", MPI],
    "engine/stats": [r"^tbb/", r"^toml\+\+", r"^hdf5", r"^H5", MPI],
    "scenarios": [r"^tbb/", r"^hdf5", r"^H5", MPI],
    "engine/io": [MPI],
    "engine/report": [MPI],
}

# engine/run names no concrete purchase model: only the registry
RUN_FORBIDDEN = re.compile(r"^models/purchase/(?!registry\.h|model\.h)")

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def layer_of(path):
    for folder in sorted(ALLOWED, key=len, reverse=True):
        if path == folder or path.startswith(folder + "/"):
            return folder
    return None


def check(repo):
    problems = []
    for top in ["engine", "models", "scenarios", "tests", "bench"]:
        for dirpath, dirnames, filenames in os.walk(os.path.join(repo, top)):
            dirnames[:] = [d for d in dirnames if d not in ("node_modules", "vendor")]
            for name in filenames:
                if not name.endswith((".h", ".cpp", ".in")):
                    continue
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, repo)
                layer = layer_of(rel)
                if layer is None:
                    continue
                allowed = ALLOWED[layer]
                with open(full, encoding="utf-8", errors="replace") as f:
                    for lineno, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        quote, target = m.groups()
                        if quote == "<":
                            for pattern in FORBIDDEN_SYSTEM.get(layer, []):
                                if re.search(pattern, target):
                                    problems.append(f"{rel}:{lineno}: {layer} must not include <{target}>")
                            continue
                        if allowed is not None and not any(target == a or target.startswith(a + "/") or
                                                           (a.endswith(".h") and target == a) for a in allowed):
                            problems.append(f"{rel}:{lineno}: {layer} must not include \"{target}\" "
                                            f"(it may include: {', '.join(allowed)})")
                        if layer == "engine/run" and RUN_FORBIDDEN.match(target):
                            problems.append(f"{rel}:{lineno}: engine/run names a concrete purchase model "
                                            f"(\"{target}\"): go through models/purchase/registry.h")
    return problems


def main():
    repo = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    problems = check(repo)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include(s) against the layers (docs/architecture.md)", file=sys.stderr)
        return 1
    print("layers: every include goes with the grain")
    return 0


if __name__ == "__main__":
    sys.exit(main())
