#include "cli/commands.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <iterator>
#include <string_view>

#include "cli/activate_command.h"
#include "cli/anchors_command.h"
#include "cli/doctor_command.h"
#include "cli/exit_codes.h"
#include "cli/imds_commands.h"
#include "cli/kms_command.h"
#include "cli/report_command.h"
#include "cli/terminal.h"
#include "cli/verify_command.h"
#include "imds/transport.h"

#ifndef HCIATTEST_VERSION
#define HCIATTEST_VERSION "0.0.0"
#endif

namespace hciattest::cli {
int run_main(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err) {
  CLI::App app{"hciattest: verify the IMDS attested document of an Azure / Azure Stack HCI VM "
               "and diagnose Windows activation",
               "hciattest"};
  app.set_version_flag("--version", std::string("hciattest ") + HCIATTEST_VERSION);
  app.require_subcommand(1);
  // CLI11 builds every option of every command it is given: when the first argument names a
  // command, only that one is registered (0.3 ms of a cold `verify`, scripts/bench-coldstart);
  // otherwise (--help, --version, a typo) all of them, so that help and errors list them all.
  static constexpr std::string_view kCommands[] = {"verify",   "fetch",   "attest", "emulate",
                                                   "doctor",   "activate", "anchors", "kms",
                                                   "report"};
  const std::string_view first = argc > 1 ? std::string_view(argv[1]) : std::string_view();
  const bool one = std::find(std::begin(kCommands), std::end(kCommands), first) != std::end(kCommands);
  auto wanted = [&](std::string_view name) { return !one || first == name; };
  VerifyCommandOptions verify;
  CLI::App* verify_cmd = wanted("verify") ? add_verify_command(app, verify) : nullptr;
  FetchCommandOptions fetch;
  CLI::App* fetch_cmd = wanted("fetch") ? add_fetch_command(app, fetch) : nullptr;
  FetchCommandOptions attest_fetch;
  VerifyCommandOptions attest_verify;
  CLI::App* attest_cmd =
      wanted("attest") ? add_attest_command(app, attest_fetch, attest_verify) : nullptr;
  EmulateCommandOptions emulate;
  CLI::App* emulate_cmd = wanted("emulate") ? add_emulate_command(app, emulate) : nullptr;
  DoctorCommandOptions doctor;
  CLI::App* doctor_cmd = wanted("doctor") ? add_doctor_command(app, doctor) : nullptr;
  ActivateCommandOptions activate;
  CLI::App* activate_cmd = wanted("activate") ? add_activate_command(app, activate) : nullptr;
  AnchorsCommandOptions anchors;
  CLI::App* anchors_cmd = wanted("anchors") ? add_anchors_command(app, anchors) : nullptr;
  KmsProbeCommandOptions kms_probe;
  CLI::App* kms_probe_cmd = wanted("kms") ? add_kms_command(app, kms_probe) : nullptr;
  ReportCommandOptions report;
  CLI::App* report_cmd = wanted("report") ? add_report_command(app, report) : nullptr;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return kExitOk;
  } catch (const CLI::CallForVersion&) {
    out << app.version() << "\n";
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    err << "hciattest: " << e.what() << "\nRun 'hciattest --help' for usage.\n";
    return kExitUsage;
  }
  CommandIo io{in, out, err,
               [] {
                 return static_cast<std::int64_t>(
                     std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count());
               },
               &out == &std::cout && stdout_is_terminal() && std::getenv("NO_COLOR") == nullptr};
  auto parsed = [](const CLI::App* cmd) { return cmd != nullptr && cmd->parsed(); };
  if (parsed(verify_cmd)) return run_verify(verify, io);
  if (parsed(fetch_cmd)) return run_fetch(fetch, io);
  if (parsed(attest_cmd)) return run_attest(attest_fetch, attest_verify, io);
  if (parsed(emulate_cmd)) return run_emulate(emulate, io);
  if (parsed(doctor_cmd)) return run_doctor(doctor, io);
  if (parsed(kms_probe_cmd)) return run_kms_probe(kms_probe, io);
  if (parsed(activate_cmd)) return run_activate(activate, io);
  if (parsed(anchors_cmd)) return run_anchors(anchors, io);
  if (parsed(report_cmd)) return run_report(report, io);
  err << "hciattest: no command given\n";
  return kExitUsage;
}

int run_process(int argc, char** argv) {
  try {
    return run_main(argc, argv, std::cin, std::cout, std::cerr);
  } catch (const imds::HttpModuleError& e) {  // a broken installation, not a bug
    std::cerr << "hciattest: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "hciattest: internal error: " << e.what()
              << "\nPlease report it with the command line you used.\n";
    return kExitInternal;
  }
}

}  // namespace hciattest::cli
