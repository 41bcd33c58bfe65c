#include "activation/kms_diagnosis.h"

#include <vector>

#include "hostcheck/network.h"

namespace hciattest::activation {
namespace {

std::vector<std::string> ipv4_only(const std::vector<std::string>& addresses) {
  std::vector<std::string> out;
  for (const auto& a : addresses) {
    if (hostcheck::parse_ipv4(a)) out.push_back(a);
  }
  return out;
}

bool silent(KmsVerdict v) { return v == KmsVerdict::kUnreachable || v == KmsVerdict::kNoAnswer; }

}  // namespace

std::string cloud_of_kms_host(const std::string& host) {
  for (const auto& e : kms_host_table()) {
    if (e.host == host) return e.cloud;
  }
  return {};
}

KmsSilenceCause explain_kms_silence(KmsProbeReport& r, const KmsSilenceContext& ctx) {
  if (!silent(r.verdict)) return KmsSilenceCause::kNone;
  const FirewallReading* fw = ctx.firewall;
  if (fw != nullptr && fw->available) {
    if (auto block = first_blocked_kms_flow(fw->policy, "KMS " + r.target.host, r.addresses,
                                            r.target.port)) {
      r.evidence.push_back("Windows Firewall: " + block->explanation);
      if (block->rule) r.evidence.push_back("rule " + describe_rule(*block->rule));
      r.remedy = "Windows Firewall blocks it: " + firewall_remedy({*block});
      return KmsSilenceCause::kFirewall;
    }
    r.evidence.push_back("Windows Firewall: no active profile blocks TCP " +
                         std::to_string(r.target.port) + " out to " + r.target.host);
  }
  std::string cloud = ctx.azure_cloud;
  if (cloud.empty()) cloud = cloud_of_kms_host(r.target.host);
  if (cloud.empty() || cloud == "aws" || !r.resolve_error.empty()) return KmsSilenceCause::kNone;
  r.remedy = forced_tunnel_remedy(cloud, ipv4_only(kms_addresses_for(cloud, r.addresses)), ctx.vm);
  if (fw != nullptr && !fw->available && fw->error.find("not applicable") == std::string::npos) {
    r.remedy += "; Windows Firewall could not be read (" + fw->error + "): rule it out too";
  }
  return KmsSilenceCause::kForcedTunnel;
}

}  // namespace hciattest::activation
