// Windows only: the pure half of network_windows.cpp. IP Helper structures in, hostcheck's model
// out, with no OS state read, so that tests can feed them tables recorded on real Windows machines
// where Wine answers differently (docs/windows-under-wine.md). Included by network_windows.cpp and
// by the Windows tests; never by a public header (STYLE.md rule 3).
#pragma once

// winsock2.h must come before windows.h and iphlpapi.h: keep this order.
// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <netioapi.h>
// clang-format on

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "hostcheck/network.h"

namespace hciattest::hostcheck::detail {

// "<what> failed: <FormatMessage text> (error <decimal>, 0x<hex>)". For Win32 (GetLastError and
// IP Helper return values) and Winsock codes (WSAGetLastError, GetAddrInfoW) alike. A code the
// system has no text for says "no message text for this code" instead of an empty text.
std::string windows_error_text(const std::string& what, unsigned long code);

// UTF-16 to UTF-8 and back. utf8(nullptr) is "". utf16 of invalid UTF-8 is "".
std::string utf8(const wchar_t* text);
std::wstring utf16(const std::string& text);

// Numeric text of an AF_INET or AF_INET6 socket address, without an IPv6 scope suffix (as Linux
// prints it: "fe80::1", not "fe80::1%3"). "" for nullptr or any other family.
std::string address_text(const SOCKADDR* address);

// The adapters of a GetAdaptersAddresses list (nullptr: none): friendly name as name,
// Description, a 6-byte physical address as "aa:bb:cc:dd:ee:ff" (other lengths, e.g. the 8-byte
// tunnel ones, are not MACs: ""), up = OperStatus IfOperStatusUp, loopback =
// IF_TYPE_SOFTWARE_LOOPBACK, unicast IPv4/IPv6 addresses with OnLinkPrefixLength. Index: IfIndex,
// or Ipv6IfIndex for an IPv6-only adapter.
std::vector<Adapter> adapters_from(const IP_ADAPTER_ADDRESSES* first);

// What a route needs from the adapter list: the friendly name and the IPv4 interface metric
// (IP_ADAPTER_ADDRESSES::Ipv4Metric, the value MIB_IPINTERFACE_ROW::Metric holds; that API is
// not usable under Wine, see network_windows.cpp).
struct InterfaceInfo {
  std::string name;
  std::uint32_t ipv4_metric = 0;
};
std::map<unsigned long, InterfaceInfo> interfaces_from(const IP_ADAPTER_ADDRESSES* first);

// The AF_INET rows of a GetIpForwardTable2 table (other families are skipped). gateway "" when
// the next hop is 0.0.0.0 (on-link). metric = the row's Metric + the interface's IPv4 metric:
// the sum `route print` shows and Windows compares (MIB_IPFORWARD_ROW2 documentation). A row whose
// interface is not in `interfaces` takes its name from `name_of_luid` (the caller's
// ConvertInterfaceLuidToNameW) and its own Metric alone.
std::vector<Route> routes_from(const MIB_IPFORWARD_ROW2* rows, std::size_t count,
                               const std::map<unsigned long, InterfaceInfo>& interfaces,
                               const std::function<std::string(const NET_LUID&)>& name_of_luid);

}  // namespace hciattest::hostcheck::detail
