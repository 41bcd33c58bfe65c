// Everything `hciattest doctor` knows about the machine, collected once (doctor/collect.h) and then
// only read: the checks (doctor/checks.h) are a pure function of it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "activation/firewall.h"
#include "activation/kms_hosts.h"
#include "activation/kms_probe.h"
#include "activation/plan.h"
#include "activation/spp_events.h"
#include "activation/windows_chain.h"
#include "attest/verifier.h"
#include "hostcheck/network.h"
#include "hostcheck/platform.h"
#include "hostcheck/services.h"
#include "imds/client.h"

namespace hciattest::doctor {

struct AwsRouteProbe {
  std::string target;                                 // 169.254.169.250 / .251
  hostcheck::Result<hostcheck::Route> route;
};

struct Facts {
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
  // Azure: the cloud's KMS host; AWS: .250 and .251 (activation/kms_hosts.h), each probed with
  // a DCE/RPC bind (activation/kms_probe.h).
  std::vector<activation::KmsProbeReport> kms;
  std::optional<hostcheck::Result<hostcheck::Route>> default_route;  // AWS
  std::vector<AwsRouteProbe> aws_routes;
  // Windows licensing, the LicenseImdsIntegration task, edition, elevation (activation/machine.h
  // reads them); its platform is set from `platform` when the checks are evaluated. On Linux
  // the licensing state says "not applicable on Linux" and the checks are skipped.
  activation::ActivationFacts activation;
  // Windows' own chain engine on the document's signer (activation/windows_chain.h); absent when
  // no document was fetched.
  std::optional<activation::WindowsChainResult> windows_chain;
  // Security-SPP events of the Application log, newest first.
  activation::SppEventReading spp_events;
  // Windows Firewall's profiles and rules (activation/firewall.h), read once; the checks decide
  // the IMDS and KMS flows from it.
  activation::FirewallReading firewall;
  // What /metadata/instance said about the VM's resource group, name and subscription (Azure), for
  // the forced-tunnelling commands; empty when it did not answer.
  activation::AzureVmContext azure_vm;
  // How the IMDS race started (RaceStart::why): .253 at once on the HCI adapter's evidence.
  std::string imds_race;
  std::string imds_note;  // the document was fetched twice (a stale nonce from IMDS's cache)
};

}  // namespace hciattest::doctor
