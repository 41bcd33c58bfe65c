// The checks of `hciattest doctor`: the facts collected from the machine (doctor/facts.h) turned
// into checks by pure functions, so every branch is tested with faked facts.
#pragma once

#include <string>
#include <vector>

#include "activation/firewall.h"
#include "doctor/facts.h"
#include "doctor/report.h"

namespace hciattest::doctor {

// The flows the firewall check decides: IMDS (.254, and .253 off Azure and AWS), and on Azure
// every address of the cloud's KMS hosts (documented and resolved), on AWS .250 and .251.
std::vector<activation::FirewallFlow> firewall_flows(const Facts& facts);

std::vector<Check> evaluate(const Facts& facts);

// The report's machine: `name`, the SMBIOS UUID, and the document's vmId and subscriptionId only
// when it verified (an unverified payload proves nothing about the VM).
MachineIdentity machine_identity(const Facts& facts, const std::string& name);

}  // namespace hciattest::doctor
