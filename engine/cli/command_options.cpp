#include "engine/cli/command_options.h"

#include "engine/core/errors.h"

namespace clvsim::cli {

namespace po = boost::program_options;

po::variables_map parse_options(const std::vector<std::string>& args, const po::options_description& opts,
                                const po::positional_options_description& pos, const std::string& command)
{
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::too_many_positional_options_error&) {
    throw InputError("error: clvsim " + command + ": one input file at a time" +
                     (command == "run" || command == "validate" ? " (clvsim batch runs several scenarios)" : "") +
                     " (see 'clvsim " + command + " --help')");
  } catch (const po::error& e) {
    throw InputError(std::string("error: clvsim ") + command + ": " + e.what() + " (see 'clvsim " + command +
                     " --help')");
  }
  return vm;
}

int checked_threads(int threads)
{
  if (threads < 0 || threads > MAX_THREADS)
    throw InputError("error: --threads = " + std::to_string(threads) + " is out of range [0, " +
                     std::to_string(MAX_THREADS) + "]");
  return threads;
}

Kernel parse_kernel(const std::string& name)
{
  if (name == "fast") return Kernel::fast;
  if (name == "reference") return Kernel::reference;
  throw InputError("error: --kernel = '" + name + "' is not one of: fast, reference");
}

}  // namespace clvsim::cli
