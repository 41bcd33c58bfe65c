#include "cli/commands.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "cli/activate_command.h"
#include "cli/anchors_command.h"
#include "cli/doctor_command.h"
#include "cli/exit_codes.h"
#include "cli/imds_commands.h"
#include "cli/kms_command.h"
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
  VerifyCommandOptions verify;
  CLI::App* verify_cmd = add_verify_command(app, verify);
  FetchCommandOptions fetch;
  CLI::App* fetch_cmd = add_fetch_command(app, fetch);
  FetchCommandOptions attest_fetch;
  VerifyCommandOptions attest_verify;
  CLI::App* attest_cmd = add_attest_command(app, attest_fetch, attest_verify);
  EmulateCommandOptions emulate;
  CLI::App* emulate_cmd = add_emulate_command(app, emulate);
  DoctorCommandOptions doctor;
  CLI::App* doctor_cmd = add_doctor_command(app, doctor);
  ActivateCommandOptions activate;
  CLI::App* activate_cmd = add_activate_command(app, activate);
  AnchorsCommandOptions anchors;
  CLI::App* anchors_cmd = add_anchors_command(app, anchors);
  KmsProbeCommandOptions kms_probe;
  CLI::App* kms_probe_cmd = add_kms_command(app, kms_probe);
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
  if (verify_cmd->parsed()) return run_verify(verify, io);
  if (fetch_cmd->parsed()) return run_fetch(fetch, io);
  if (attest_cmd->parsed()) return run_attest(attest_fetch, attest_verify, io);
  if (emulate_cmd->parsed()) return run_emulate(emulate, io);
  if (doctor_cmd->parsed()) return run_doctor(doctor, io);
  if (kms_probe_cmd->parsed()) return run_kms_probe(kms_probe, io);
  if (activate_cmd->parsed()) return run_activate(activate, io);
  if (anchors_cmd->parsed()) return run_anchors(anchors, io);
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
