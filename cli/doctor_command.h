// `hciattest doctor`: every check of the attestation path, in order, with evidence and remedy.
#pragma once

#include <string>
#include <vector>

#include "cli/doctor_checks.h"
#include "cli/verify_command.h"

namespace hciattest::cli {

struct DoctorCommandOptions {
  std::string output = "text";          // text | json | junit
  double timeout_seconds = 30;          // IMDS, retries included
  std::vector<std::string> endpoints;   // empty: .254 then .253
  bool strict = false;
  std::vector<std::string> ca_files;
  std::vector<std::string> signer_domains;
  std::string cloud;                    // for the signer and the Azure KMS host
};

CLI::App* add_doctor_command(CLI::App& app, DoctorCommandOptions& options);

// Collects the facts from this machine (network probes, IMDS, SMBIOS) with `inspector`.
DoctorFacts collect_doctor_facts(const DoctorCommandOptions& options, CommandIo& io,
                                 hostcheck::NetworkInspector& inspector);

int run_doctor(const DoctorCommandOptions& options, CommandIo& io);

}  // namespace hciattest::cli
