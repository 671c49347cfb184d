//! The benchmark runner's main: Google Benchmark's, after the same malloc tuning as the
//! clvsim command (engine/malloc_tuning.h), so in-process end-to-end runs see the memory
//! behaviour users get.
#include "engine/malloc_tuning.h"

#include <benchmark/benchmark.h>

int main(int argc, char** argv)
{
  clvsim::tune_malloc(argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
