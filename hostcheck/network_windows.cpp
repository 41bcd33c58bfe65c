// Windows: IP Helper for adapters (GetAdaptersAddresses) and the IPv4 table (GetIpForwardTable2),
// Winsock for the connect probe (non-blocking connect + select) and GetAddrInfoW. The structures
// are turned into the model by the pure functions of detail/windows_convert.cpp.
//
// Under Wine 8.0 (the test bed, docs/windows-under-wine.md) some IP Helper calls are missing, so
// this file avoids them on purpose:
// - GetBestRoute2 returns ERROR_NOT_SUPPORTED: route_to is select_route over GetIpForwardTable2.
// - GetIpInterfaceEntry / InitializeIpInterfaceEntry are unimplemented stubs that abort the
//   process, GetIpInterfaceTable returns ERROR_NOT_SUPPORTED: the interface metric comes from
//   IP_ADAPTER_ADDRESSES::Ipv4Metric, which holds the same value on Windows.
#include <chrono>
#include <memory>
#include <vector>

#include "hostcheck/detail/windows_convert.h"
#include "hostcheck/detail/winsock.h"
#include "hostcheck/network.h"

namespace hciattest::hostcheck {
namespace {

using detail::windows_error_text;

struct MibTableDeleter {
  void operator()(void* table) const {
    if (table != nullptr) ::FreeMibTable(table);
  }
};
using ForwardTable = std::unique_ptr<MIB_IPFORWARD_TABLE2, MibTableDeleter>;

struct AddrInfoDeleter {
  void operator()(ADDRINFOW* list) const {
    if (list != nullptr) ::FreeAddrInfoW(list);
  }
};

using detail::Socket;

// GetAdaptersAddresses' list in an 8-byte aligned buffer it owns.
class AdapterList {
 public:
  const IP_ADAPTER_ADDRESSES* first() const {
    return empty_ ? nullptr : reinterpret_cast<const IP_ADAPTER_ADDRESSES*>(storage_.data());
  }
  static Result<AdapterList> read();

 private:
  std::vector<std::uint64_t> storage_;
  bool empty_ = true;
};

Result<AdapterList> AdapterList::read() {
  Result<AdapterList> out;
  const ULONG flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
  // Microsoft's advice: start with 15 KB, then take the size the call asks for; retry a few
  // times because an adapter can appear between two calls.
  ULONG size = 15 * 1024;
  AdapterList list;
  for (int attempt = 0; attempt < 4; ++attempt) {
    list.storage_.assign(size / sizeof(std::uint64_t) + 1, 0);
    auto* buffer = reinterpret_cast<IP_ADAPTER_ADDRESSES*>(list.storage_.data());
    const ULONG rc = ::GetAdaptersAddresses(AF_UNSPEC, flags, nullptr, buffer, &size);
    if (rc == ERROR_SUCCESS) {
      list.empty_ = false;
      out.value = std::move(list);
      return out;
    }
    if (rc == ERROR_NO_DATA) {  // no adapter has an address: a true, empty answer
      out.value = AdapterList();
      return out;
    }
    if (rc != ERROR_BUFFER_OVERFLOW) {
      out.error = windows_error_text("GetAdaptersAddresses", rc);
      return out;
    }
  }
  out.error =
      windows_error_text("GetAdaptersAddresses (the list kept growing)", ERROR_BUFFER_OVERFLOW);
  return out;
}

std::string name_of_luid(const NET_LUID& luid) {
  wchar_t name[NDIS_IF_MAX_STRING_SIZE + 1] = {0};
  const DWORD rc = ::ConvertInterfaceLuidToNameW(&luid, name, NDIS_IF_MAX_STRING_SIZE + 1);
  if (rc != NO_ERROR) return "(" + windows_error_text("ConvertInterfaceLuidToNameW", rc) + ")";
  return detail::utf8(name);
}

std::int64_t ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               t0)
      .count();
}

// Waits for a non-blocking connect: Windows reports success in the write set and failure in the
// except set (Winsock `select` documentation), then SO_ERROR holds the reason.
void finish_connect(SOCKET s, const std::string& target, std::chrono::milliseconds timeout,
                    ConnectProbe& probe) {
  fd_set writable;
  fd_set failed;
  FD_ZERO(&writable);
  FD_ZERO(&failed);
  FD_SET(s, &writable);
  FD_SET(s, &failed);
  timeval tv;
  tv.tv_sec = static_cast<long>(timeout.count() / 1000);
  tv.tv_usec = static_cast<long>((timeout.count() % 1000) * 1000);
  const int rc = ::select(0, nullptr, &writable, &failed, &tv);
  if (rc == 0) {
    probe.error = "timed out after " + std::to_string(timeout.count()) +
                  " ms (no answer: packets dropped or the host is absent)";
    return;
  }
  if (rc == SOCKET_ERROR) {
    probe.error = windows_error_text("select", static_cast<unsigned long>(::WSAGetLastError()));
    return;
  }
  int err = 0;
  int len = sizeof(err);
  if (::getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&err), &len) == SOCKET_ERROR) {
    probe.error =
        windows_error_text("getsockopt(SO_ERROR)", static_cast<unsigned long>(::WSAGetLastError()));
    return;
  }
  if (err == 0 && FD_ISSET(s, &writable)) {
    probe.connected = true;
  } else {
    probe.error = windows_error_text("connect to " + target, static_cast<unsigned long>(err));
  }
}

class WindowsNetworkInspector : public NetworkInspector {
 public:
  Result<std::vector<Adapter>> adapters() override {
    Result<std::vector<Adapter>> out;
    auto list = AdapterList::read();
    if (!list.ok()) {
      out.error = list.error;
      return out;
    }
    out.value = detail::adapters_from(list.value->first());
    return out;
  }

  Result<std::vector<Route>> ipv4_routes() override {
    Result<std::vector<Route>> out;
    MIB_IPFORWARD_TABLE2* raw = nullptr;
    const DWORD rc = ::GetIpForwardTable2(AF_INET, &raw);
    ForwardTable table(raw);
    if (rc != NO_ERROR) {
      out.error = windows_error_text("GetIpForwardTable2(AF_INET)", rc);
      return out;
    }
    // Names and interface metrics come from the adapter list; without it the metrics would not be
    // the ones Windows compares, so its failure fails the table.
    auto list = AdapterList::read();
    if (!list.ok()) {
      out.error = list.error + " (needed for the routes' interface names and metrics)";
      return out;
    }
    out.value = detail::routes_from(table->Table, table->NumEntries,
                                    detail::interfaces_from(list.value->first()), name_of_luid);
    return out;
  }

  Result<Route> route_to(const std::string& ipv4) override {
    Result<Route> out;
    if (!parse_ipv4(ipv4)) {
      out.error = "\"" + ipv4 + "\" is not an IPv4 address";
      return out;
    }
    auto table = ipv4_routes();
    if (!table.ok()) {
      out.error = table.error;
      return out;
    }
    auto chosen = select_route(*table.value, ipv4);
    if (!chosen) {
      out.error = "no route to " + ipv4 + " in the IPv4 table (" +
                  std::to_string(table.value->size()) + " routes, no default route)";
      return out;
    }
    out.value = std::move(*chosen);
    return out;
  }

  ConnectProbe tcp_connect(const std::string& ipv4, std::uint16_t port,
                           std::chrono::milliseconds timeout) override {
    ConnectProbe probe;
    const auto t0 = std::chrono::steady_clock::now();
    const std::string target = ipv4 + ":" + std::to_string(port);
    if (std::string e = detail::winsock_error(); !e.empty()) {
      probe.error = e;
      return probe;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = ::htons(port);
    if (::inet_pton(AF_INET, ipv4.c_str(), &addr.sin_addr) != 1) {
      probe.error = "\"" + ipv4 + "\" is not an IPv4 address";
      return probe;
    }
    Socket sock(::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
    if (sock.get() == INVALID_SOCKET) {
      probe.error = windows_error_text("socket", static_cast<unsigned long>(::WSAGetLastError()));
      return probe;
    }
    u_long nonblocking = 1;
    if (::ioctlsocket(sock.get(), FIONBIO, &nonblocking) == SOCKET_ERROR) {
      probe.error = windows_error_text("ioctlsocket(FIONBIO)",
                                       static_cast<unsigned long>(::WSAGetLastError()));
      return probe;
    }
    if (::connect(sock.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0) {
      probe.connected = true;
    } else if (const int err = ::WSAGetLastError(); err != WSAEWOULDBLOCK) {
      probe.error = windows_error_text("connect to " + target, static_cast<unsigned long>(err));
    } else {
      finish_connect(sock.get(), target, timeout, probe);
    }
    probe.elapsed_ms = ms_since(t0);
    return probe;
  }

  Result<std::vector<std::string>> resolve(const std::string& name) override {
    Result<std::vector<std::string>> out;
    if (std::string e = detail::winsock_error(); !e.empty()) {
      out.error = e;
      return out;
    }
    // GetAddrInfoW(L"") answers with this machine's own addresses; getaddrinfo("") on Linux fails.
    const std::wstring wide = detail::utf16(name);
    if (wide.empty()) {
      out.error = "cannot resolve \"" + name + "\": empty or not UTF-8";
      return out;
    }
    ADDRINFOW hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    ADDRINFOW* raw = nullptr;
    const int rc = ::GetAddrInfoW(wide.c_str(), nullptr, &hints, &raw);
    std::unique_ptr<ADDRINFOW, AddrInfoDeleter> list(raw);
    if (rc != 0) {
      out.error = windows_error_text("GetAddrInfoW(" + name + ")", static_cast<unsigned long>(rc));
      return out;
    }
    std::vector<std::string> addresses;
    for (const ADDRINFOW* a = list.get(); a != nullptr; a = a->ai_next) {
      std::string text = detail::address_text(a->ai_addr);
      if (text.empty()) continue;
      bool seen = false;
      for (const auto& s : addresses) seen = seen || s == text;
      if (!seen) addresses.push_back(std::move(text));
    }
    out.value = std::move(addresses);
    return out;
  }
};

}  // namespace

std::unique_ptr<NetworkInspector> make_network_inspector() {
  return std::make_unique<WindowsNetworkInspector>();
}

}  // namespace hciattest::hostcheck
