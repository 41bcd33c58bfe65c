// `hciattest kms probe [HOST[:PORT]...] [--cloud C]`: is a KMS host answering there? DNS, TCP,
// then a DCE/RPC bind to the KMS interface (activation/kms_probe.h). Nothing is activated.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "activation/firewall.h"
#include "activation/kms_probe.h"
#include "cli/common_options.h"
#include "hostcheck/network.h"

namespace hciattest::cli {

struct KmsProbeCommandOptions {
  std::vector<std::string> targets;  // HOST[:PORT]; empty: the --cloud table's current hosts
  std::string cloud;                 // public, usgov, china, germany, aws
  double timeout_seconds = 5;        // per address
  std::string output = "text";       // text | json
};

CLI::App* add_kms_command(CLI::App& app, KmsProbeCommandOptions& probe);

inline constexpr const char* kKmsProbeSchema = "hciattest.kms-probe/1";

// The targets the options name, validated, in order. Throws UsageError.
std::vector<activation::KmsTarget> kms_probe_targets(const KmsProbeCommandOptions& options);

nlohmann::json kms_probe_to_json(const std::vector<activation::KmsProbeReport>& reports);
std::string kms_probe_to_text(const std::vector<activation::KmsProbeReport>& reports, bool color);

// Reads Windows Firewall's policy (activation::read_firewall on this machine).
using FirewallReader = std::function<activation::FirewallReading()>;

// 0 when every target is a KMS host, 1 otherwise, 2 on a usage error. A target that is
// unreachable or silent gets its cause named where it can be (activation/kms_diagnosis.h):
// `read_firewall` is called at most once, and only then; empty: the firewall is not read.
int run_kms_probe(const KmsProbeCommandOptions& options, CommandIo& io,
                  const activation::KmsProbeDeps& deps, const FirewallReader& read_firewall = {});
int run_kms_probe(const KmsProbeCommandOptions& options, CommandIo& io);

}  // namespace hciattest::cli
