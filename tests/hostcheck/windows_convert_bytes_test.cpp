// Windows only: the IP Helper conversions of hostcheck/detail/windows_convert.cpp fed with bytes.
// libFuzzer cannot run them (the structures need the Windows headers, and mingw-w64 has no
// libFuzzer), so this test takes 400,000 byte strings from a fixed-seed generator, lays them over
// GetAdaptersAddresses lists and GetIpForwardTable2 rows (every pointer pointed at memory the test
// owns: names of random UTF-16 with lone surrogates, socket addresses of any family), and checks
// what must hold for any table. Not coverage-guided; a failure names the iteration to replay.
#include "hostcheck/detail/windows_convert.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "hostcheck/network.h"

namespace hciattest::hostcheck {
namespace {

constexpr int kAdapterLists = 100000;  // about 2 s under Wine
constexpr int kRouteTables = 300000;   // about 1 s

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

bool dotted_quad(const std::string& s) {
  IN_ADDR a;
  return ::inet_pton(AF_INET, s.c_str(), &a) == 1;
}

// Owns everything one generated adapter list points to.
class Generated {
 public:
  explicit Generated(std::mt19937& rng) : rng_(rng) {}

  template <typename T>
  T* blob() {
    storage_.push_back(std::make_unique<unsigned char[]>(sizeof(T)));
    unsigned char* p = storage_.back().get();
    for (std::size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<unsigned char>(rng_());
    return reinterpret_cast<T*>(p);
  }

  wchar_t* text() {
    const std::size_t n = rng_() % 24;
    wide_.push_back(std::make_unique<wchar_t[]>(n + 1));
    wchar_t* w = wide_.back().get();
    for (std::size_t i = 0; i < n; ++i) {
      // Mostly ASCII, some BMP, some lone surrogates (0xD800-0xDFFF), never an early NUL.
      const unsigned pick = rng_() % 4;
      wchar_t c = pick == 0 ? static_cast<wchar_t>(0xD800 + rng_() % 0x800)
                  : pick == 1 ? static_cast<wchar_t>(0x80 + rng_() % 0xD700)
                              : static_cast<wchar_t>(0x20 + rng_() % 0x5F);
      w[i] = c == 0 ? L'?' : c;
    }
    w[n] = 0;
    return w;
  }

  IP_ADAPTER_ADDRESSES* adapters(std::size_t count, std::size_t& unicast_ip) {
    IP_ADAPTER_ADDRESSES* first = nullptr;
    IP_ADAPTER_ADDRESSES* previous = nullptr;
    unicast_ip = 0;
    for (std::size_t i = 0; i < count; ++i) {
      IP_ADAPTER_ADDRESSES* a = blob<IP_ADAPTER_ADDRESSES>();
      a->Next = nullptr;
      a->AdapterName = nullptr;
      a->FirstAnycastAddress = nullptr;
      a->FirstMulticastAddress = nullptr;
      a->FirstDnsServerAddress = nullptr;
      a->DnsSuffix = text();
      a->Description = text();
      a->FriendlyName = text();
      a->FirstPrefix = nullptr;
      a->FirstWinsServerAddress = nullptr;
      a->FirstGatewayAddress = nullptr;
      a->FirstDnsSuffix = nullptr;
      a->FirstUnicastAddress = nullptr;
      IP_ADAPTER_UNICAST_ADDRESS* last = nullptr;
      for (std::size_t u = 0, n = rng_() % 4; u < n; ++u) {
        IP_ADAPTER_UNICAST_ADDRESS* ua = blob<IP_ADAPTER_UNICAST_ADDRESS>();
        ua->Next = nullptr;
        const unsigned kind = rng_() % 4;
        if (kind == 3) {
          ua->Address.lpSockaddr = nullptr;
        } else {
          SOCKADDR_INET* sa = blob<SOCKADDR_INET>();
          if (kind == 0) sa->si_family = AF_INET;
          if (kind == 1) sa->si_family = AF_INET6;
          if (kind == 2 && (sa->si_family == AF_INET || sa->si_family == AF_INET6)) sa->si_family = AF_UNSPEC;
          ua->Address.lpSockaddr = reinterpret_cast<SOCKADDR*>(sa);
          unicast_ip += kind < 2;
        }
        (last == nullptr ? a->FirstUnicastAddress : last->Next) = ua;
        last = ua;
      }
      (previous == nullptr ? first : previous->Next) = a;
      previous = a;
    }
    return first;
  }

 private:
  std::mt19937& rng_;
  std::vector<std::unique_ptr<unsigned char[]>> storage_;
  std::vector<std::unique_ptr<wchar_t[]>> wide_;
};

TEST(WindowsConvertBytes, AnyAdapterListConvertsToWhatItHolds) {
  std::mt19937 rng(20261203);
  for (int it = 0; it < kAdapterLists; ++it) {
    Generated g(rng);
    const std::size_t count = rng() % 5;
    std::size_t unicast_ip = 0;
    const IP_ADAPTER_ADDRESSES* first = g.adapters(count, unicast_ip);
    const std::vector<Adapter> adapters = detail::adapters_from(first);
    ASSERT_EQ(adapters.size(), count) << "iteration " << it;
    std::size_t addresses = 0;
    std::set<unsigned long> indexes;
    for (const IP_ADAPTER_ADDRESSES* a = first; a != nullptr; a = a->Next) {
      if (a->IfIndex != 0) indexes.insert(a->IfIndex);
    }
    for (const Adapter& a : adapters) {
      ASSERT_TRUE(valid_utf8(a.name) && valid_utf8(a.description)) << "iteration " << it;
      ASSERT_TRUE(a.mac.empty() || a.mac.size() == 17) << "iteration " << it << ": " << a.mac;
      for (const auto& ia : a.addresses) {
        ASSERT_FALSE(ia.address.empty()) << "iteration " << it;
        ASSERT_EQ(ia.ipv6, ia.address.find(':') != std::string::npos) << "iteration " << it;
      }
      addresses += a.addresses.size();
    }
    ASSERT_EQ(addresses, unicast_ip) << "iteration " << it;
    const auto interfaces = detail::interfaces_from(first);
    ASSERT_EQ(interfaces.size(), indexes.size()) << "iteration " << it;
    for (const auto& [index, info] : interfaces) {
      ASSERT_TRUE(indexes.count(index) == 1 && valid_utf8(info.name)) << "iteration " << it;
    }
  }
}

TEST(WindowsConvertBytes, AnyRouteTableConvertsItsIpv4RowsAndSelectionStaysInside) {
  std::mt19937 rng(3122026);
  for (int it = 0; it < kRouteTables; ++it) {
    const std::size_t count = rng() % 8;
    std::vector<MIB_IPFORWARD_ROW2> rows(count);
    std::size_t ipv4 = 0;
    for (auto& row : rows) {
      auto* p = reinterpret_cast<unsigned char*>(&row);
      for (std::size_t i = 0; i < sizeof(row); ++i) p[i] = static_cast<unsigned char>(rng());
      const unsigned kind = rng() % 3;
      if (kind == 0) row.DestinationPrefix.Prefix.si_family = AF_INET;
      if (kind == 1) row.NextHop.si_family = AF_INET;
      ipv4 += row.DestinationPrefix.Prefix.si_family == AF_INET;
    }
    std::map<unsigned long, detail::InterfaceInfo> interfaces;
    if (count > 0 && rng() % 2 == 0) interfaces[rows[0].InterfaceIndex] = {"Ethernet", rng() % 100};
    int luid_names = 0;
    const std::vector<Route> routes = detail::routes_from(
        rows.data(), rows.size(), interfaces, [&luid_names](const NET_LUID&) {
          ++luid_names;
          return std::string("luid-name");
        });
    ASSERT_EQ(routes.size(), ipv4) << "iteration " << it;
    for (const Route& r : routes) {
      ASSERT_TRUE(dotted_quad(r.destination)) << "iteration " << it << ": " << r.destination;
      ASSERT_TRUE(r.gateway.empty() || (dotted_quad(r.gateway) && r.gateway != "0.0.0.0"))
          << "iteration " << it << ": " << r.gateway;
      ASSERT_FALSE(r.interface_name.empty()) << "iteration " << it;
    }
    // Whatever the table, the route chosen for any address is one of its rows.
    const std::string target = std::to_string(rng() % 256) + "." + std::to_string(rng() % 256) +
                               "." + std::to_string(rng() % 256) + "." + std::to_string(rng() % 256);
    const auto chosen = select_route(routes, target);
    if (chosen) {
      bool found = false;
      for (const Route& r : routes) {
        found = found || (r.destination == chosen->destination &&
                          r.prefix_length == chosen->prefix_length && r.metric == chosen->metric);
      }
      ASSERT_TRUE(found && chosen->prefix_length >= 0 && chosen->prefix_length <= 32)
          << "iteration " << it;
    }
  }
}

}  // namespace
}  // namespace hciattest::hostcheck
