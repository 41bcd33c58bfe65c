// Why a KMS host could not be reached, by name: the causes Azure support names for almost every
// activation case are Windows Firewall blocking the flow and forced tunnelling sending it out of
// Azure; on AWS, the routes to .250/.251 (hciattest doctor's aws-kms-routes). Pure: a probe's
// report and what the machine told (the firewall policy, the cloud) in, the report's evidence
// and remedy refined out. `hciattest kms probe` and `hciattest doctor` both use it.
#pragma once

#include <optional>
#include <string>

#include "activation/firewall.h"
#include "activation/kms_hosts.h"
#include "activation/kms_probe.h"

namespace hciattest::activation {

enum class KmsSilenceCause {
  kNone,            // the probe got an answer, or nothing more can be said
  kFirewall,        // Windows Firewall blocks the flow (a rule, or the default action)
  kForcedTunnel,    // an Azure KMS host resolved but stayed silent, and the firewall lets it out
};

struct KmsSilenceContext {
  // The policy as read (read_firewall), or nullptr when it was not read; an unavailable reading
  // that is not "not applicable" is said in the forced-tunnelling remedy.
  const FirewallReading* firewall = nullptr;
  // The Azure cloud the VM is in ("public", "usgov", "china", "germany"); empty: take the cloud
  // of the target's own entry in the KMS host table (kms probe, which does not know the VM).
  std::string azure_cloud;
  AzureVmContext vm;  // fills the Azure CLI commands; placeholders where empty
};

// For a report whose verdict is kUnreachable or kNoAnswer: when the firewall blocks the flow to
// one of its addresses, adds that evidence and the firewall_remedy() of it; otherwise, when the
// target is an Azure KMS host (by name in the table, or any target with azure_cloud set) whose
// name resolved, sets the forced-tunnelling remedy (forced_tunnel_remedy) for every address of
// the cloud's KMS hosts. Other reports are left as they are. Returns the cause it found.
KmsSilenceCause explain_kms_silence(KmsProbeReport& report, const KmsSilenceContext& context);

// The cloud whose table lists `host` ("public", "aws", ...), or empty.
std::string cloud_of_kms_host(const std::string& host);

}  // namespace hciattest::activation
