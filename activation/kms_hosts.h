// Where a VM's classic KMS activation goes, per cloud: one table, its sources cited in
// kms_hosts.cpp (STYLE.md rule 11). Used by `doctor` (what to probe), `kms probe` (defaults) and
// the KMS repair of `activate` (what to set).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hciattest::activation {

struct KmsHostEntry {
  std::string cloud;     // "public" (Azure public), "usgov", "china", "germany", "aws"
  std::string host;      // what to set with SetKeyManagementServiceMachine
  std::uint16_t port = 1688;
  bool current = true;   // false: a legacy name still answered, not the one to set
  std::vector<std::string> documented_addresses;  // what the source says it resolves to
  std::string note;
};

const std::vector<KmsHostEntry>& kms_host_table();

// The entries for one cloud, current first. Empty for a cloud the table does not know.
std::vector<KmsHostEntry> kms_hosts_for(const std::string& cloud);

// The one host to set for `cloud` ("public" when empty); empty for an unknown cloud.
std::string preferred_kms_host(const std::string& cloud);

// Every address of the cloud's KMS hosts, current and legacy: the table's documented ones, then
// `resolved` (what the names answer today), without repeats.
std::vector<std::string> kms_addresses_for(const std::string& cloud,
                                           const std::vector<std::string>& resolved);

// What IMDS says about the VM, to fill in the commands; empty fields become placeholders.
struct AzureVmContext {
  std::string resource_group;  // compute.resourceGroupName
  std::string vm_name;         // compute.name
  std::string subscription_id;  // compute.subscriptionId
};

// The repair of forced tunnelling (Azure's KMS answers only traffic that comes from Azure): a /32
// route with next hop Internet for each address, as Azure CLI and Azure PowerShell commands for
// the subnet's route table, and the commands that show the NIC's effective routes first. One
// paragraph for a network team to act on.
std::string forced_tunnel_remedy(const std::string& cloud, const std::vector<std::string>& addresses,
                                 const AzureVmContext& vm);

}  // namespace hciattest::activation
