// Runs the `hciattest` command line in-process, as the CLI tests do.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace hciattest::testing {

struct CliOutcome {
  int code;
  std::string out;
  std::string err;
};

// `args` without the program name; `stdin_text` is what the command reads from standard input.
inline CliOutcome run_cli(std::vector<std::string> args, const std::string& stdin_text = "") {
  args.insert(args.begin(), "hciattest");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  const int code = cli::run_main(static_cast<int>(argv.size()), argv.data(), in, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace hciattest::testing
