// Windows network configurations as Microsoft documents them (`route print`, `ipconfig /all`), in
// plain structs that build on every platform. The pure route tests use them as hostcheck Routes;
// the Windows tests turn them back into IP_ADAPTER_ADDRESSES lists and MIB_IPFORWARD_ROW2 tables
// to cover what Wine cannot show (docs/windows-under-wine.md). Sources and what is constructed:
// recorded_windows_hosts.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hostcheck/network.h"

namespace hciattest::hostcheck::recorded {

struct RecordedAddress {
  const char* address;
  int prefix_length;
};

struct RecordedInterface {
  unsigned index;
  const char* friendly_name;
  const char* description;
  const char* mac;  // "" when none (loopback)
  bool loopback;
  std::uint32_t ipv4_metric;  // the interface metric (IP_ADAPTER_ADDRESSES::Ipv4Metric)
  std::vector<RecordedAddress> addresses;
};

struct RecordedRoute {
  const char* destination;
  int prefix_length;
  const char* next_hop;  // "" = On-link
  unsigned interface_index;
  std::uint32_t route_metric;  // MIB_IPFORWARD_ROW2::Metric
  std::uint32_t shown_metric;  // the Metric column of `route print`
};

struct RecordedHost {
  const char* name;
  std::vector<RecordedInterface> interfaces;
  std::vector<RecordedRoute> routes;
};

// An Azure VM: one Hyper-V NIC, the /32 routes to WireServer and IMDS through the gateway.
const RecordedHost& azure_vm();

// An Azure VM in a Windows Server failover cluster: the cluster adapter's APIPA address brings a
// 169.254.0.0/16 on-link route, which captures 169.254.169.254 (Microsoft's documented IMDS
// failure), plus that documentation's fix: a /32 route for 169.254.169.254 on the primary NIC.
const RecordedHost& failover_cluster_vm();
RecordedRoute failover_cluster_imds_fix();

// The host's table in hostcheck's model, metric = the `route print` metric.
std::vector<Route> as_routes(const RecordedHost& host);

}  // namespace hciattest::hostcheck::recorded
