// The checks of `hciattest doctor`: what was collected from the machine (DoctorFacts) turned
// into checks by a pure function, so every branch is tested with fakes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "attest/verifier.h"
#include "cli/doctor_report.h"
#include "hostcheck/network.h"
#include "hostcheck/platform.h"
#include "hostcheck/services.h"
#include "imds/client.h"

namespace hciattest::cli {

struct KmsProbe {
  std::string host;                                   // name or address
  std::uint16_t port = 1688;
  std::optional<hostcheck::Result<std::vector<std::string>>> dns;  // absent for an address
  hostcheck::ConnectProbe tcp;
};

struct AwsRouteProbe {
  std::string target;                                 // 169.254.169.250 / .251
  hostcheck::Result<hostcheck::Route> route;
};

struct DoctorFacts {
  hostcheck::Smbios smbios;
  hostcheck::PlatformVerdict platform;
  hostcheck::Result<std::vector<hostcheck::Adapter>> adapters;
  // HCI: the route the OS would use to the host's IMDS, and a TCP probe of port 80.
  hostcheck::Result<hostcheck::Route> route_253;
  hostcheck::ConnectProbe tcp_253;
  // HCI 23H2+: the VMBus attestation path needs the Hyper-V Guest Service Interface.
  bool services_supported = false;
  hostcheck::Result<hostcheck::ServiceState> guest_interface;
  bool imds_attempted = false;
  imds::ImdsResult imds;
  std::optional<attest::VerificationReport> verification;
  // What /metadata/instance said ("compute" fields as name=value), from the endpoint that
  // answered; empty when it did not answer.
  std::vector<std::string> instance_evidence;
  std::map<std::string, std::string> proxy_env;       // set proxy variables only
  std::vector<KmsProbe> kms;                          // Azure KMS or AWS .250/.251
  std::optional<hostcheck::Result<hostcheck::Route>> default_route;  // AWS
  std::vector<AwsRouteProbe> aws_routes;
};

// The Azure KMS host per cloud (MicrosoftDocs/SupportArticles-docs,
// custom-routes-enable-kms-activation.md): azkms.core.windows.net, azkms.core.usgovcloudapi.net,
// azkms.core.chinacloudapi.cn.
std::string azure_kms_host(const std::string& cloud);

// AWS: the KMS addresses EC2Launch sets (169.254.169.250 and .251).
const std::vector<std::string>& aws_kms_addresses();

std::vector<DoctorCheck> evaluate_doctor(const DoctorFacts& facts);

}  // namespace hciattest::cli
