// The command-line front end, callable in-process by tests.
#pragma once

#include <iosfwd>

namespace hciattest::cli {

// Parses argv, runs the subcommand, returns the exit code (cli/exit_codes.h).
int run_main(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err);

// run_main on the process's standard streams; an exception that escapes it is reported as an
// internal error (exit 4). What main() (main.cpp) and wmain() (main_windows.cpp) call.
int run_process(int argc, char** argv);

}  // namespace hciattest::cli
