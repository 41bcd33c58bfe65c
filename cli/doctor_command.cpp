#include "cli/doctor_command.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <ostream>

#include "cli/doctor_render.h"
#include "cli/exit_codes.h"
#include "cli/usage_error.h"
#include "cli/verify_render.h"
#include "doctor/checks.h"
#include "hostcheck/platform.h"

#ifndef HCIATTEST_VERSION
#define HCIATTEST_VERSION "0.0.0"
#endif

namespace hciattest::cli {

CLI::App* add_doctor_command(CLI::App& app, DoctorCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "doctor",
      "Check the whole attestation path of this VM: platform, IMDS adapter and route, IMDS, the "
      "attested document, proxy, Windows Firewall, KMS (and on AWS the routes and the launch "
      "agent), Windows licensing, the LicenseImdsIntegration task, Windows' chain engine, "
      "Security-SPP events; each check with evidence and the remedy");
  cmd->add_option("--output,-o", o.output,
                  "text, json (schema docs/report-schema.json), junit, or summary (one line of at "
                  "most 2,048 ASCII bytes, for Intune and Run Command)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json", "junit", "summary"}));
  cmd->add_option("--timeout", o.timeout_seconds, "IMDS time limit in seconds, retries included")
      ->capture_default_str()
      ->check(CLI::Range(0.5, 600.0));
  cmd->add_option("--endpoint", o.endpoints, "IMDS base URL instead of .254 then .253 (repeatable)")
      ->type_name("URL");
  cmd->add_flag("--strict", o.strict, "Warnings fail too (exit 1 instead of 3)");
  cmd->add_option("--ca-file", o.ca_files, "Extra trusted anchors for the attested document")
      ->type_name("PEM");
  cmd->add_option("--signer-domain", o.signer_domains, "Accept this signer domain (repeatable)")
      ->type_name("D");
  cmd->add_option("--cloud", o.cloud, "public, usgov, china or germany")
      ->check(CLI::IsMember({"public", "usgov", "china", "germany"}));
  return cmd;
}

doctor::Inputs doctor_inputs(const DoctorCommandOptions& o, CommandIo& io) {
  doctor::Inputs in;
  in.default_endpoints = o.endpoints.empty();
  if (!in.default_endpoints) in.request.endpoints = checked_endpoints(o.endpoints);
  in.request.timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(o.timeout_seconds * 1000));
  VerifyCommandOptions vo;
  vo.ca_files = o.ca_files;
  vo.signer_domains = o.signer_domains;
  vo.cloud = o.cloud;
  in.trust = build_trust(vo);
  in.options = build_options(vo, io);
  in.cloud = o.cloud;
  return in;
}

int run_doctor(const DoctorCommandOptions& o, CommandIo& io) {
  try {
    // Arguments first: a usage error must not cost a single probe.
    const doctor::Inputs inputs = doctor_inputs(o, io);
    auto inspector = hostcheck::make_network_inspector();
    const doctor::Facts facts = doctor::collect(inputs, doctor::real_machine(*inspector));
    doctor::Report report;
    report.tool_version = HCIATTEST_VERSION;
    report.machine = doctor::machine_identity(facts, hostcheck::computer_name());
    report.generated_at = iso8601(io.now());
    report.platform = std::string(hostcheck::platform_id(facts.platform.platform));
    report.platform_summary = facts.platform.summary;
    report.checks = doctor::evaluate(facts);
    if (o.output == "json") io.out << doctor_to_json(report).dump(2) << "\n";
    else if (o.output == "junit") io.out << doctor_to_junit(report);
    else if (o.output == "summary") {
      io.out << render_summary(doctor_summary(report, o.strict)) << "\n";
    }
    else io.out << doctor_to_text(report, io.color);
    return doctor_exit_code(report, o.strict);
  } catch (const UsageError& e) {
    io.err << "hciattest doctor: " << e.message << "\n";
    return kExitUsage;
  }
}

}  // namespace hciattest::cli
