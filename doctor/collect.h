// Collecting the doctor's facts from a machine, once. Every reader of the machine is injected
// (Machine), so that tests run the whole collection over fakes, and the safety rules of the
// collection (no TCP probe of the host's IMDS port except through a link-local adapter, the KMS
// probes only on Azure and AWS) are tested, not only promised. real_machine() gives this machine.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "activation/firewall.h"
#include "activation/kms_probe.h"
#include "activation/plan.h"
#include "activation/spp_events.h"
#include "activation/windows_chain.h"
#include "attest/trust_store.h"
#include "attest/verifier.h"
#include "doctor/facts.h"
#include "hostcheck/network.h"
#include "hostcheck/platform.h"
#include "hostcheck/services.h"
#include "imds/client.h"

namespace hciattest::doctor {

// What the caller decides: where IMDS is asked and for how long, what the document is verified
// against, and the cloud (the signer's and the Azure KMS host's).
struct Inputs {
  imds::ImdsRequest request;      // endpoints, timeout; the head start is decided here
  bool default_endpoints = true;  // false: --endpoint named them (no HCI head start then)
  std::shared_ptr<const attest::TrustStore> trust;
  attest::VerifyOptions options;  // the expected nonce is set per fetch
  std::string cloud;              // "" = public
};

// The machine's readers.
struct Machine {
  hostcheck::NetworkInspector* net = nullptr;  // adapters, routes, TCP probe, DNS
  std::function<hostcheck::Smbios()> smbios;
  std::function<bool()> services_supported;
  std::function<hostcheck::Result<hostcheck::ServiceState>(const std::string& name)> query_service;
  std::function<std::map<std::string, std::string>()> proxy_env;  // set variables only
  imds::ClientEnvironment imds;
  activation::KmsProbeDeps kms;
  std::function<activation::ActivationFacts(hostcheck::Platform, const std::string& cloud)>
      activation;
  std::function<activation::WindowsChainResult(const std::vector<std::vector<unsigned char>>&)>
      windows_chain;
  std::function<activation::SppEventReading()> spp_events;
  std::function<activation::FirewallReading()> firewall;
};

// This machine's readers, with `net` for the network (it must outlive the Machine).
Machine real_machine(hostcheck::NetworkInspector& net);

// How long each KMS host may take to answer the bind (per address).
inline constexpr std::chrono::milliseconds kKmsProbeTimeout{3000};
// The TCP probe of the host's IMDS port (HCI), and the /metadata/instance request.
inline constexpr std::chrono::milliseconds kHostPortProbeTimeout{1500};
inline constexpr std::chrono::milliseconds kInstanceTimeout{5000};

// Reads the machine, in order: SMBIOS, adapters and the route to .253 (and .253:80 only through
// a 169.254.x.x adapter), the Guest Service Interface, proxy variables, the attested document
// (fetched, verified, and handed to Windows' chain engine), /metadata/instance from the endpoint
// that answered, the platform, the KMS hosts (Azure: the cloud's first; AWS: .250 and .251 with
// their routes), licensing, Security-SPP events and the firewall.
Facts collect(const Inputs& inputs, const Machine& machine);

// /metadata/instance's "compute" fields as evidence (name=value) and the Azure VM's resource
// group, name and subscription; `answer` is what fetch returned.
void read_instance_metadata(const imds::ImdsResult& answer, Facts& facts);

}  // namespace hciattest::doctor
