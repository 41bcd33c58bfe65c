// Network inspection for the checks of `hciattest doctor`: adapters, the IPv4 route a packet
// to an address would take, a TCP connect probe and DNS resolution. One interface, one
// implementation per platform (network_linux.cpp: getifaddrs + netlink; network_windows.cpp:
// IP Helper + Winsock), chosen by CMake. A probe that cannot run is an error value with its
// reason, never an empty answer (STYLE.md rule 9).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hciattest::hostcheck {

template <typename T>
struct Result {
  std::optional<T> value;
  std::string error;  // what failed, with the OS error code and text
  bool ok() const { return value.has_value(); }
};

struct InterfaceAddress {
  std::string address;     // "169.254.77.20", "fe80::1"
  int prefix_length = 0;
  bool ipv6 = false;
};

struct Adapter {
  unsigned index = 0;
  std::string name;         // "eth0"; on Windows the friendly name ("Ethernet 2")
  std::string description;  // Windows: the driver description; Linux: the link kind if known
  std::string mac;          // "00:15:5d:01:02:03", empty when none
  bool up = false;          // administratively up and with a carrier
  bool loopback = false;
  std::vector<InterfaceAddress> addresses;
};

struct Route {
  std::string destination;  // "169.254.0.0"
  int prefix_length = 0;
  std::string gateway;      // empty: on-link
  unsigned interface_index = 0;
  std::string interface_name;
  std::uint32_t metric = 0;
};

struct ConnectProbe {
  bool connected = false;
  std::int64_t elapsed_ms = 0;
  std::string error;  // "timed out after 1000 ms", "connection refused (111)", ...
};

class NetworkInspector {
 public:
  virtual ~NetworkInspector() = default;
  virtual Result<std::vector<Adapter>> adapters() = 0;
  // The IPv4 routing table (main table on Linux).
  virtual Result<std::vector<Route>> ipv4_routes() = 0;
  // The route a packet to `ipv4` would take, as the OS would choose it.
  virtual Result<Route> route_to(const std::string& ipv4) = 0;
  virtual ConnectProbe tcp_connect(const std::string& ipv4, std::uint16_t port,
                                   std::chrono::milliseconds timeout) = 0;
  virtual Result<std::vector<std::string>> resolve(const std::string& name) = 0;
};

// This platform's inspector.
std::unique_ptr<NetworkInspector> make_network_inspector();

// Longest-prefix match, then lowest metric, over an IPv4 table: how Windows picks a route, done
// by hand because Wine does not implement GetBestRoute2 (FACTS.md). nullopt when nothing matches
// or `ipv4` is not a dotted quad.
std::optional<Route> select_route(const std::vector<Route>& table, const std::string& ipv4);

// The default route (0.0.0.0/0) with the lowest metric; nullopt when the table has none.
std::optional<Route> default_route(const std::vector<Route>& table);

// Evidence of the Azure Stack HCI guest's IMDS adapter: `route_to_253` (the route a packet to
// 169.254.169.253 takes) is on-link, through an adapter with a 169.254.x.x IPv4 address, as the
// host's AZSHCI_HOST-IMDS_DO_NOT_MODIFY switch gives it. One line naming the adapter and address
// ("Ethernet 2 (169.254.77.20/16): 169.254.169.253 is on-link"), or nullopt.
std::optional<std::string> hci_imds_adapter(const std::vector<Adapter>& adapters,
                                            const Route& route_to_253);

// Dotted quad to host-order integer; nullopt on anything else.
std::optional<std::uint32_t> parse_ipv4(const std::string& text);

}  // namespace hciattest::hostcheck
