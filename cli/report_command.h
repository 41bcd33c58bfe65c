// `hciattest report FILE|DIR...`: many machines' doctor/attest JSON reports as one fleet view
// (fleet/fleet_report.h) in text, JSON, CSV, JUnit or one self-contained HTML page.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "cli/common_options.h"

namespace CLI {
class App;
}

namespace hciattest::cli {

struct ReportCommandOptions {
  std::vector<std::string> inputs;  // files, or folders searched for *.json (sub-folders too)
  std::string output = "text";      // text | json | csv | junit | html
  std::optional<std::string> out;   // write there instead of standard output
  std::size_t max_bytes = 4 * 1024 * 1024;  // per report file
};

CLI::App* add_report_command(CLI::App& app, ReportCommandOptions& options);
int run_report(const ReportCommandOptions& options, CommandIo& io);

}  // namespace hciattest::cli
