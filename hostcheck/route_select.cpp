#include "hostcheck/network.h"

#include <charconv>

namespace hciattest::hostcheck {

std::optional<std::uint32_t> parse_ipv4(const std::string& text) {
  std::uint32_t out = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (int i = 0; i < 4; ++i) {
    unsigned octet = 0;
    auto [next, ec] = std::from_chars(p, end, octet);
    if (ec != std::errc() || octet > 255 || next == p || next - p > 3) return std::nullopt;
    out = (out << 8) | octet;
    p = next;
    if (i < 3) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
  }
  if (p != end) return std::nullopt;
  return out;
}

std::optional<Route> select_route(const std::vector<Route>& table, const std::string& ipv4) {
  const auto target = parse_ipv4(ipv4);
  if (!target) return std::nullopt;
  std::optional<Route> best;
  for (const Route& r : table) {
    const auto dest = parse_ipv4(r.destination);
    if (!dest || r.prefix_length < 0 || r.prefix_length > 32) continue;
    const std::uint32_t mask = r.prefix_length == 0 ? 0 : ~std::uint32_t{0} << (32 - r.prefix_length);
    if ((*target & mask) != (*dest & mask)) continue;
    if (!best || r.prefix_length > best->prefix_length ||
        (r.prefix_length == best->prefix_length && r.metric < best->metric)) {
      best = r;
    }
  }
  return best;
}

std::optional<Route> default_route(const std::vector<Route>& table) {
  std::optional<Route> best;
  for (const Route& r : table) {
    if (r.prefix_length == 0 && (!best || r.metric < best->metric)) best = r;
  }
  return best;
}

std::optional<std::string> hci_imds_adapter(const std::vector<Adapter>& adapters,
                                            const Route& route_to_253) {
  if (!route_to_253.gateway.empty()) return std::nullopt;
  for (const Adapter& a : adapters) {
    if (a.name != route_to_253.interface_name) continue;
    for (const InterfaceAddress& addr : a.addresses) {
      if (addr.ipv6 || addr.address.rfind("169.254.", 0) != 0) continue;
      return a.name + " (" + addr.address + "/" + std::to_string(addr.prefix_length) +
             "): 169.254.169.253 is on-link";
    }
  }
  return std::nullopt;
}

}  // namespace hciattest::hostcheck
