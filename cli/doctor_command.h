// `hciattest doctor`: every check of the attestation path, in order, with evidence and remedy. The
// diagnosis is doctor/ (facts, checks, report); this file parses the options and renders.
#pragma once

#include <string>
#include <vector>

#include "cli/common_options.h"
#include "doctor/collect.h"

namespace hciattest::cli {

struct DoctorCommandOptions {
  std::string output = "text";          // text | json | junit | summary
  double timeout_seconds = 30;          // IMDS, retries included
  std::vector<std::string> endpoints;   // empty: .254 then .253
  bool strict = false;
  std::vector<std::string> ca_files;
  std::vector<std::string> signer_domains;
  std::string cloud;                    // for the signer and the Azure KMS host
};

CLI::App* add_doctor_command(CLI::App& app, DoctorCommandOptions& options);

// The collection's inputs the options describe. Throws UsageError, before anything is probed.
doctor::Inputs doctor_inputs(const DoctorCommandOptions& options, CommandIo& io);

int run_doctor(const DoctorCommandOptions& options, CommandIo& io);

}  // namespace hciattest::cli
