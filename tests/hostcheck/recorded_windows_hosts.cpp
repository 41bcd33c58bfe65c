#include "tests/hostcheck/recorded_windows_hosts.h"

namespace hciattest::hostcheck::recorded {

// Source of both hosts: Microsoft's IMDS documentation, MicrosoftDocs/azure-compute-docs
// articles/virtual-machines/instance-metadata-service.md, FAQ "Why is my request timed out (or
// failed to connect)" (Windows tab: `route print` and `ipconfig /all` of an Azure VM) and
// "Fail over clustering in Windows Server" (the full IPv4 `route print` of a cluster VM).
//
// Recorded: every destination, mask, gateway, interface address and `route print` metric below
// marked "doc", the Azure NIC's description, MAC, IPv4 address and mask and IPv6 link-local
// address (its "%3" gives interface index 3).
//
// Derived, not printed by Windows: the split of each `route print` metric into route metric +
// interface metric. `route print` shows the sum (MIB_IPFORWARD_ROW2 documentation); Windows gives
// on-link routes route metric 256, so 331 = 256 + 75 (loopback), 266 = 256 + 10, 271 = 256 + 15,
// and the Azure gateway routes 10 = 0 + 10, 11 = 1 + 10.
//
// Constructed to mirror the documented output: the Azure VM's on-link, multicast and broadcast rows
// (the doc elides them as "... (continues) ..."; they follow the cluster VM's complete table), the
// loopback adapter (index 1, "Loopback Pseudo-Interface 1" / "Software Loopback Interface 1", the
// names every Windows machine gives it), and the cluster VM's interface indexes, friendly names and
// MACs (the doc shows only addresses).

// Columns: interface = index, friendly name, description, MAC, loopback, IPv4 interface metric,
// addresses; route = destination, prefix, next hop ("" On-link), interface index, route metric,
// `route print` metric.
// clang-format off
const RecordedHost& azure_vm() {
  static const RecordedHost host{
      "azure_vm",
      {
          {1, "Loopback Pseudo-Interface 1", "Software Loopback Interface 1", "", true, 75,
           {{"::1", 128}, {"127.0.0.1", 8}}},
          {3, "Ethernet", "Microsoft Hyper-V Network Adapter", "00:0d:3a:e5:1c:c0", false, 10,
           {{"fe80::3166:ce5a:2bd5:a6d1", 64}, {"172.16.69.7", 24}}},
      },
      {
          {"0.0.0.0",          0, "172.16.69.1", 3,   0,  10},  // doc
          {"127.0.0.0",        8, "",            1, 256, 331},  // doc
          {"127.0.0.1",       32, "",            1, 256, 331},  // doc
          {"127.255.255.255", 32, "",            1, 256, 331},  // doc
          {"168.63.129.16",   32, "172.16.69.1", 3,   1,  11},  // doc
          {"169.254.169.254", 32, "172.16.69.1", 3,   1,  11},  // doc
          {"172.16.69.0",     24, "",            3, 256, 266},  // constructed
          {"172.16.69.7",     32, "",            3, 256, 266},  // constructed
          {"172.16.69.255",   32, "",            3, 256, 266},  // constructed
          {"224.0.0.0",        4, "",            1, 256, 331},  // constructed
          {"224.0.0.0",        4, "",            3, 256, 266},  // constructed
          {"255.255.255.255", 32, "",            1, 256, 331},  // constructed
          {"255.255.255.255", 32, "",            3, 256, 266},  // constructed
      }};
  return host;
}

const RecordedHost& failover_cluster_vm() {
  static const RecordedHost host{
      "failover_cluster_vm",
      {
          {1, "Loopback Pseudo-Interface 1", "Software Loopback Interface 1", "", true, 75,
           {{"::1", 128}, {"127.0.0.1", 8}}},
          {4, "Ethernet", "Microsoft Hyper-V Network Adapter", "00:0d:3a:10:01:0a", false, 10,
           {{"10.0.1.10", 26}, {"10.0.1.15", 26}}},
          {12, "Cluster Virtual Adapter", "Microsoft Failover Cluster Virtual Adapter",
           "02:50:f2:00:00:02", false, 15, {{"169.254.1.156", 16}}},
      },
      {
          // The complete table of the doc, in its order.
          {"0.0.0.0",          0, "10.0.1.1",  4, 256, 266},
          {"10.0.1.0",        26, "",          4, 256, 266},
          {"10.0.1.10",       32, "",          4, 256, 266},
          {"10.0.1.15",       32, "",          4, 256, 266},
          {"10.0.1.63",       32, "",          4, 256, 266},
          {"127.0.0.0",        8, "",          1, 256, 331},
          {"127.0.0.1",       32, "",          1, 256, 331},
          {"127.255.255.255", 32, "",          1, 256, 331},
          {"169.254.0.0",     16, "",         12, 256, 271},
          {"169.254.1.156",   32, "",         12, 256, 271},
          {"169.254.255.255", 32, "",         12, 256, 271},
          {"224.0.0.0",        4, "",          1, 256, 331},
          {"224.0.0.0",        4, "",         12, 256, 271},
          {"255.255.255.255", 32, "",          1, 256, 331},
          {"255.255.255.255", 32, "",         12, 256, 271},
          {"255.255.255.255", 32, "",          4, 256, 266},
      }};
  return host;
}
// clang-format on

RecordedRoute failover_cluster_imds_fix() {
  // The doc's fix, `route add 169.254.169.254/32 10.0.1.10 metric 1 -p`: the "gateway" is the
  // NIC's own address, which Windows stores as on-link on that NIC; metric 1 + 10 (derived).
  return {"169.254.169.254", 32, "", 4, 1, 11};
}

std::vector<Route> as_routes(const RecordedHost& host) {
  std::vector<Route> routes;
  for (const RecordedRoute& r : host.routes) {
    Route out;
    out.destination = r.destination;
    out.prefix_length = r.prefix_length;
    out.gateway = r.next_hop;
    out.interface_index = r.interface_index;
    for (const RecordedInterface& i : host.interfaces) {
      if (i.index == r.interface_index) out.interface_name = i.friendly_name;
    }
    out.metric = r.shown_metric;
    routes.push_back(std::move(out));
  }
  return routes;
}

}  // namespace hciattest::hostcheck::recorded
