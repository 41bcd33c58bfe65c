#include "cli/report_command.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "cli/exit_codes.h"
#include "cli/usage_error.h"
#include "io/utf8_path.h"
#include "cli/verify_render.h"
#include "fleet/fleet_report.h"
#include "io/bounded_read.h"

#ifndef HCIATTEST_VERSION
#define HCIATTEST_VERSION "0.0.0"
#endif

namespace hciattest::cli {
namespace {

namespace fs = std::filesystem;

bool is_json_name(const fs::path& p) {
  std::string ext = p.extension().u8string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".json";
}

std::int64_t mtime_of(const fs::path& p) {
  std::error_code ec;
  const auto t = fs::last_write_time(p, ec);
  if (ec) return 0;
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// Every report file the arguments name: a file as given, a folder's *.json files (sub-folders
// too), each list sorted so that the view does not depend on the file system's order.
std::vector<fs::path> report_files(const std::vector<std::string>& inputs) {
  std::vector<fs::path> out;
  for (const auto& input : inputs) {
    const fs::path p = io::utf8_path(input);
    std::error_code ec;
    const auto st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      throw UsageError{"\"" + input + "\" does not exist: give report files or folders"};
    }
    if (!fs::is_directory(st)) {
      out.push_back(p);
      continue;
    }
    std::vector<fs::path> found;
    for (fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec),
         end;
         !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec) && is_json_name(it->path())) found.push_back(it->path());
    }
    if (ec) throw UsageError{"cannot list \"" + input + "\": " + ec.message()};
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

}  // namespace

CLI::App* add_report_command(CLI::App& app, ReportCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Merge many machines' doctor/attest JSON reports (files, or folders of *.json) into one "
      "fleet view: machines, per-check counts, the machines failing each check with their remedy");
  cmd->add_option("inputs", o.inputs, "Report files or folders")->required();
  cmd->add_option("-o,--output", o.output,
                  "text, json (schema hciattest.fleet/1), csv (one row per machine and check), "
                  "junit (a suite per check, a case per machine) or html (one self-contained page)")
      ->check(CLI::IsMember({"text", "json", "csv", "junit", "html"}))
      ->capture_default_str();
  cmd->add_option("--out", o.out, "Write the view to FILE instead of standard output");
  cmd->add_option("--max-bytes", o.max_bytes, "Largest report file read, in bytes")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{64} * 1024 * 1024))
      ->capture_default_str();
  return cmd;
}

int run_report(const ReportCommandOptions& o, CommandIo& io) {
  try {
    const std::vector<fs::path> files = report_files(o.inputs);
    if (files.empty()) {
      throw UsageError{"no *.json file in the folders given: save each machine's report "
                       "with `hciattest doctor -o json > NAME.json`"};
    }
    fleet::FleetReport view;
    for (const auto& f : files) {  // one file in memory at a time
      const std::string name = f.u8string();
      io::ReadResult rd = io::read_file_at_most(f, o.max_bytes);
      if (rd.status == io::ReadStatus::kOverCap) {
        view.skip(name, io::cap_message("the report", o.max_bytes, "--max-bytes raises it (up to 64 MiB)"));
      } else if (rd.status != io::ReadStatus::kOk) {
        view.skip(name, "cannot read it: " + rd.error);
      } else {
        view.add(rd.bytes, name, mtime_of(f));
      }
    }
    const std::string now = iso8601(io.now());
    std::ofstream file;
    if (o.out) {
      file.open(io::utf8_path(*o.out), std::ios::binary);
      if (!file) {
        throw UsageError{"cannot write --out \"" + *o.out + "\": check the folder exists and is writable"};
      }
    }
    std::ostream& out = o.out ? static_cast<std::ostream&>(file) : io.out;
    if (o.output == "json") fleet::write_json(view, now, HCIATTEST_VERSION, out);
    else if (o.output == "csv") fleet::write_csv(view, out);
    else if (o.output == "junit") fleet::write_junit(view, now, out);
    else if (o.output == "html") fleet::write_html(view, now, out);
    else fleet::write_text(view, out);
    if (o.out && !file.flush()) {
      throw UsageError{"cannot write --out \"" + *o.out + "\": the disk may be full"};
    }
    if (o.out || o.output != "text") {  // the text view names them itself
      for (const auto& s : view.skipped()) {
        io.err << "hciattest report: skipped " << s.file << ": " << s.reason << "\n";
      }
    }
    return fleet::fleet_exit_code(view);
  } catch (const UsageError& e) {
    io.err << "hciattest report: " << e.message << "\n";
    return kExitUsage;
  }
}

}  // namespace hciattest::cli
