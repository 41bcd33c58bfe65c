// The command-line front end, callable in-process by tests.
#pragma once

#include <iosfwd>

namespace hciattest::cli {

// Parses argv, runs the subcommand, returns the exit code (cli/exit_codes.h).
int run_main(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace hciattest::cli
