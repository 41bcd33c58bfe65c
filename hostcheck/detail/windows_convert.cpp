#include "hostcheck/detail/windows_convert.h"
#include "hostcheck/detail/winsock.h"

#include <cstdio>
#include <memory>

namespace hciattest::hostcheck::detail {
namespace {

struct LocalFreeDeleter {
  void operator()(wchar_t* p) const { ::LocalFree(p); }
};

std::string hex32(unsigned long code) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08lX", code);
  return buf;
}

}  // namespace

std::string utf8(const wchar_t* text) {
  if (text == nullptr || *text == L'\0') return {};
  const int n = ::WideCharToMultiByte(CP_UTF8, 0, text, -1, nullptr, 0, nullptr, nullptr);
  if (n <= 1) return {};
  std::string out(static_cast<std::size_t>(n), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, text, -1, out.data(), n, nullptr, nullptr);
  out.resize(static_cast<std::size_t>(n - 1));  // n counts the terminating NUL
  return out;
}

std::wstring utf16(const std::string& text) {
  if (text.empty()) return {};
  const int n = ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(),
                                      static_cast<int>(text.size()), nullptr, 0);
  if (n <= 0) return {};
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), static_cast<int>(text.size()),
                        out.data(), n);
  return out;
}

std::string windows_error_text(const std::string& what, unsigned long code) {
  // The system message table holds the Win32 and the Winsock (100xx, 110xx) texts alike.
  wchar_t* raw = nullptr;
  const DWORD n = ::FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, code, 0, reinterpret_cast<wchar_t*>(&raw), 0, nullptr);
  std::unique_ptr<wchar_t, LocalFreeDeleter> owner(raw);
  std::string text = n > 0 ? utf8(raw) : std::string();
  while (!text.empty() && (text.back() == '\r' || text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  if (text.empty()) text = "no message text for this code";
  return what + " failed: " + text + " (error " + std::to_string(code) + ", " + hex32(code) + ")";
}

std::string address_text(const SOCKADDR* address) {
  if (address == nullptr) return {};
  char buf[INET6_ADDRSTRLEN] = {0};
  if (address->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    if (::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf)) == nullptr) return {};
  } else if (address->sa_family == AF_INET6) {
    // inet_ntop of the bare address: no "%<scope>" suffix, as on Linux.
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    if (::inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf)) == nullptr) return {};
  } else {
    return {};
  }
  return buf;
}

std::vector<Adapter> adapters_from(const IP_ADAPTER_ADDRESSES* first) {
  std::vector<Adapter> adapters;
  for (const IP_ADAPTER_ADDRESSES* a = first; a != nullptr; a = a->Next) {
    Adapter out;
    out.index = a->IfIndex != 0 ? a->IfIndex : a->Ipv6IfIndex;
    out.name = utf8(a->FriendlyName);
    out.description = utf8(a->Description);
    if (a->PhysicalAddressLength == 6) {
      char mac[18];
      const BYTE* p = a->PhysicalAddress;
      std::snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1], p[2], p[3], p[4],
                    p[5]);
      out.mac = mac;
    }
    out.up = a->OperStatus == IfOperStatusUp;
    out.loopback = a->IfType == IF_TYPE_SOFTWARE_LOOPBACK;
    for (const IP_ADAPTER_UNICAST_ADDRESS* u = a->FirstUnicastAddress; u != nullptr; u = u->Next) {
      const SOCKADDR* sa = u->Address.lpSockaddr;
      if (sa == nullptr || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)) continue;
      InterfaceAddress ia;
      ia.ipv6 = sa->sa_family == AF_INET6;
      ia.address = address_text(sa);
      ia.prefix_length = u->OnLinkPrefixLength;
      out.addresses.push_back(std::move(ia));
    }
    adapters.push_back(std::move(out));
  }
  return adapters;
}

std::map<unsigned long, InterfaceInfo> interfaces_from(const IP_ADAPTER_ADDRESSES* first) {
  std::map<unsigned long, InterfaceInfo> out;
  for (const IP_ADAPTER_ADDRESSES* a = first; a != nullptr; a = a->Next) {
    if (a->IfIndex == 0) continue;  // no IPv4 on this adapter: no IPv4 route can use it
    InterfaceInfo info;
    info.name = utf8(a->FriendlyName);
    info.ipv4_metric = a->Ipv4Metric;
    out[a->IfIndex] = std::move(info);
  }
  return out;
}

std::vector<Route> routes_from(const MIB_IPFORWARD_ROW2* rows, std::size_t count,
                               const std::map<unsigned long, InterfaceInfo>& interfaces,
                               const std::function<std::string(const NET_LUID&)>& name_of_luid) {
  std::vector<Route> routes;
  for (std::size_t i = 0; i < count; ++i) {
    const MIB_IPFORWARD_ROW2& row = rows[i];
    if (row.DestinationPrefix.Prefix.si_family != AF_INET) continue;
    Route r;
    r.destination =
        address_text(reinterpret_cast<const SOCKADDR*>(&row.DestinationPrefix.Prefix.Ipv4));
    r.prefix_length = row.DestinationPrefix.PrefixLength;
    if (row.NextHop.si_family == AF_INET && row.NextHop.Ipv4.sin_addr.s_addr != 0) {
      r.gateway = address_text(reinterpret_cast<const SOCKADDR*>(&row.NextHop.Ipv4));
    }
    r.interface_index = row.InterfaceIndex;
    r.metric = row.Metric;
    auto it = interfaces.find(row.InterfaceIndex);
    if (it != interfaces.end()) {
      r.interface_name = it->second.name;
      r.metric += it->second.ipv4_metric;
    } else if (name_of_luid) {
      r.interface_name = name_of_luid(row.InterfaceLuid);
    }
    routes.push_back(std::move(r));
  }
  return routes;
}

namespace {

// WSAStartup once per process (thread-safe static), WSACleanup at exit.
class WinsockSession {
 public:
  WinsockSession() {
    WSADATA data;
    rc_ = ::WSAStartup(MAKEWORD(2, 2), &data);
  }
  ~WinsockSession() {
    if (rc_ == 0) ::WSACleanup();
  }
  WinsockSession(const WinsockSession&) = delete;
  WinsockSession& operator=(const WinsockSession&) = delete;
  int rc() const { return rc_; }

 private:
  int rc_ = 0;
};

}  // namespace

std::string winsock_error() {
  static const WinsockSession session;
  return session.rc() == 0 ? std::string()
                           : windows_error_text("WSAStartup", static_cast<unsigned long>(session.rc()));
}

}  // namespace hciattest::hostcheck::detail
