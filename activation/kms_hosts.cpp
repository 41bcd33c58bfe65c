#include "activation/kms_hosts.h"

#include <algorithm>

namespace hciattest::activation {

const std::vector<KmsHostEntry>& kms_host_table() {
  // Azure: MicrosoftDocs/SupportArticles-docs support/azure/virtual-machines/windows/
  // custom-routes-enable-kms-activation.md and windows-activation-stopped-working.md (the
  // azkms names and addresses; kms.core.windows.net resolves to 20.118.99.224 since 2023-03-01).
  // AWS: EC2Launch v1 Set-ActivationSettings.ps1 and Add-Routes.ps1 (169.254.169.250 / .251,
  // reached through the subnet gateway). shared/FACTS.md "KMS hosts".
  static const std::vector<KmsHostEntry> kTable = {
      {"public", "azkms.core.windows.net", 1688, true, {"20.118.99.224", "40.83.235.53"},
       "Azure public cloud; answers only sources inside Azure"},
      {"public", "kms.core.windows.net", 1688, false, {"23.102.135.246"},
       "legacy name, resolves to 20.118.99.224 since 2023-03-01"},
      {"usgov", "azkms.core.usgovcloudapi.net", 1688, true, {"52.126.105.2"}, "Azure US Government"},
      {"usgov", "kms.core.usgovcloudapi.net", 1688, false, {"23.97.0.13"}, "legacy name"},
      {"china", "azkms.core.chinacloudapi.cn", 1688, true, {"159.27.28.100", "163.228.64.161"},
       "Azure China (21Vianet)"},
      {"china", "kms.core.chinacloudapi.cn", 1688, false, {"42.159.7.249"}, "legacy name"},
      {"germany", "kms.core.cloudapi.de", 1688, true, {"51.4.143.248"}, "Azure Germany (classic)"},
      {"aws", "169.254.169.250", 1688, true, {"169.254.169.250"},
       "AWS, through the instance's subnet gateway (EC2Launch v1 Add-Routes)"},
      {"aws", "169.254.169.251", 1688, true, {"169.254.169.251"}, "AWS, second address"},
  };
  return kTable;
}

std::vector<KmsHostEntry> kms_hosts_for(const std::string& cloud) {
  const std::string c = cloud.empty() ? "public" : cloud;
  std::vector<KmsHostEntry> out;
  for (const auto& e : kms_host_table()) {
    if (e.cloud == c) out.push_back(e);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const KmsHostEntry& a, const KmsHostEntry& b) { return a.current > b.current; });
  return out;
}

std::string preferred_kms_host(const std::string& cloud) {
  const auto hosts = kms_hosts_for(cloud);
  return hosts.empty() ? std::string() : hosts.front().host;
}

std::vector<std::string> kms_addresses_for(const std::string& cloud,
                                           const std::vector<std::string>& resolved) {
  std::vector<std::string> out;
  auto add = [&](const std::string& a) {
    if (!a.empty() && std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  };
  for (const auto& e : kms_hosts_for(cloud)) {
    for (const auto& a : e.documented_addresses) add(a);
  }
  for (const auto& a : resolved) add(a);
  return out;
}

std::string forced_tunnel_remedy(const std::string& cloud, const std::vector<std::string>& addresses,
                                 const AzureVmContext& vm) {
  const std::string rg = vm.resource_group.empty() ? "<vm-resource-group>" : vm.resource_group;
  const std::string name = vm.vm_name.empty() ? "<vm-name>" : vm.vm_name;
  std::string az_cloud;
  if (cloud == "usgov") az_cloud = "az cloud set --name AzureUSGovernment; ";
  else if (cloud == "china") az_cloud = "az cloud set --name AzureChinaCloud; ";
  else if (cloud == "germany") az_cloud = "az cloud set --name AzureGermanCloud; ";
  std::string out =
      "Azure's KMS answers only traffic that comes from Azure: a route that sends it elsewhere "
      "(ExpressRoute or VPN forced tunnelling, a 0.0.0.0/0 route to a firewall appliance) makes it "
      "unreachable. See where the NIC sends it: " + az_cloud +
      "az network nic show-effective-route-table --ids $(az vm show -g " + rg + " -n " + name +
      " --query \"networkProfile.networkInterfaces[0].id\" -o tsv) -o table (Azure PowerShell: "
      "Get-AzEffectiveRouteTable -ResourceGroupName " + rg + " -NetworkInterfaceName <nic-name>). "
      "If 0.0.0.0/0 goes to VirtualNetworkGateway or VirtualAppliance, add a /32 route with next "
      "hop Internet for each KMS address to the route table of the VM's subnet:";
  auto route_name = [](std::string a) {  // "kms-20-118-99-224"
    for (char& c : a) c = c == '.' ? '-' : c;
    return "kms-" + a;
  };
  for (const auto& a : addresses) {
    out += " az network route-table route create -g <route-table-resource-group> "
           "--route-table-name <route-table> -n " + route_name(a) + " --address-prefix " + a +
           "/32 --next-hop-type Internet;";
  }
  out += " (Azure PowerShell: $rt = Get-AzRouteTable -ResourceGroupName <route-table-resource-group> "
         "-Name <route-table>;";
  for (const auto& a : addresses) {
    out += " Add-AzRouteConfig -RouteTable $rt -Name " + route_name(a) + " -AddressPrefix " + a +
           "/32 -NextHopType Internet;";
  }
  out += " Set-AzRouteTable -RouteTable $rt)";
  if (!vm.subscription_id.empty()) out += " in subscription " + vm.subscription_id;
  return out;
}

}  // namespace hciattest::activation
