// Windows only: the IP Helper → model conversions of hostcheck/detail/windows_convert.cpp, fed with
// the recorded Windows hosts of recorded_windows_hosts.cpp turned back into the structures
// GetAdaptersAddresses and GetIpForwardTable2 return. This is how the Windows answers that Wine
// cannot give are covered: the loopback routes, Windows' friendly names and descriptions, interface
// metrics and the route print metric sums (docs/windows-under-wine.md).
#include "hostcheck/detail/windows_convert.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "hostcheck/network.h"
#include "tests/hostcheck/recorded_windows_hosts.h"

namespace hciattest::hostcheck {
namespace {

using recorded::RecordedHost;
using recorded::RecordedInterface;
using recorded::RecordedRoute;

SOCKADDR_INET sockaddr_of(const std::string& text) {
  SOCKADDR_INET out{};
  if (text.find(':') != std::string::npos) {
    out.Ipv6.sin6_family = AF_INET6;
    EXPECT_EQ(::inet_pton(AF_INET6, text.c_str(), &out.Ipv6.sin6_addr), 1) << text;
  } else {
    out.Ipv4.sin_family = AF_INET;
    EXPECT_EQ(::inet_pton(AF_INET, text.c_str(), &out.Ipv4.sin_addr), 1) << text;
  }
  return out;
}

// A GetAdaptersAddresses list built from a recorded host, owning every node it points to.
class FakeAdapterList {
 public:
  explicit FakeAdapterList(const RecordedHost& host) {
    IP_ADAPTER_ADDRESSES* previous = nullptr;
    for (const RecordedInterface& i : host.interfaces) {
      IP_ADAPTER_ADDRESSES* a = add_adapter(i);
      if (previous != nullptr) previous->Next = a;
      previous = a;
    }
  }
  const IP_ADAPTER_ADDRESSES* first() const {
    return adapters_.empty() ? nullptr : adapters_.front().get();
  }

 private:
  IP_ADAPTER_ADDRESSES* add_adapter(const RecordedInterface& i) {
    adapters_.push_back(std::make_unique<IP_ADAPTER_ADDRESSES>());
    IP_ADAPTER_ADDRESSES* a = adapters_.back().get();
    a->Length = sizeof(IP_ADAPTER_ADDRESSES);
    a->IfIndex = i.index;
    a->Ipv6IfIndex = i.index;
    a->FriendlyName = wide(i.friendly_name);
    a->Description = wide(i.description);
    const std::string mac = i.mac;
    for (std::size_t at = 0; at + 1 < mac.size() && a->PhysicalAddressLength < 8; at += 3) {
      a->PhysicalAddress[a->PhysicalAddressLength++] =
          static_cast<BYTE>(std::stoul(mac.substr(at, 2), nullptr, 16));
    }
    a->OperStatus = IfOperStatusUp;
    a->IfType = i.loopback ? IF_TYPE_SOFTWARE_LOOPBACK : IF_TYPE_ETHERNET_CSMACD;
    a->Ipv4Metric = i.ipv4_metric;
    a->Ipv6Metric = i.ipv4_metric;
    IP_ADAPTER_UNICAST_ADDRESS* previous = nullptr;
    for (const auto& address : i.addresses) {
      sockaddrs_.push_back(std::make_unique<SOCKADDR_INET>(sockaddr_of(address.address)));
      unicast_.push_back(std::make_unique<IP_ADAPTER_UNICAST_ADDRESS>());
      IP_ADAPTER_UNICAST_ADDRESS* u = unicast_.back().get();
      u->Length = sizeof(IP_ADAPTER_UNICAST_ADDRESS);
      u->Address.lpSockaddr = reinterpret_cast<SOCKADDR*>(sockaddrs_.back().get());
      u->Address.iSockaddrLength = sockaddrs_.back()->si_family == AF_INET6
                                       ? static_cast<INT>(sizeof(sockaddr_in6))
                                       : static_cast<INT>(sizeof(sockaddr_in));
      u->OnLinkPrefixLength = static_cast<UINT8>(address.prefix_length);
      if (previous == nullptr)
        a->FirstUnicastAddress = u;
      else
        previous->Next = u;
      previous = u;
    }
    return a;
  }

  wchar_t* wide(const char* text) {
    strings_.push_back(std::make_unique<std::wstring>(detail::utf16(text)));
    return strings_.back()->data();
  }

  std::vector<std::unique_ptr<IP_ADAPTER_ADDRESSES>> adapters_;
  std::vector<std::unique_ptr<IP_ADAPTER_UNICAST_ADDRESS>> unicast_;
  std::vector<std::unique_ptr<SOCKADDR_INET>> sockaddrs_;
  std::vector<std::unique_ptr<std::wstring>> strings_;
};

MIB_IPFORWARD_ROW2 row_of(const RecordedRoute& r) {
  MIB_IPFORWARD_ROW2 row{};
  row.InterfaceIndex = r.interface_index;
  row.InterfaceLuid.Value =
      0x0006000000000000ULL | r.interface_index;  // IF_TYPE_ETHERNET_CSMACD << 48
  row.DestinationPrefix.Prefix = sockaddr_of(r.destination);
  row.DestinationPrefix.PrefixLength = static_cast<UINT8>(r.prefix_length);
  row.NextHop = sockaddr_of(*r.next_hop != '\0' ? r.next_hop : "0.0.0.0");
  row.Metric = r.route_metric;
  return row;
}

std::vector<MIB_IPFORWARD_ROW2> rows_of(const RecordedHost& host) {
  std::vector<MIB_IPFORWARD_ROW2> rows;
  for (const RecordedRoute& r : host.routes) rows.push_back(row_of(r));
  return rows;
}

std::vector<Route> routes_of(const RecordedHost& host) {
  FakeAdapterList list(host);
  const auto rows = rows_of(host);
  return detail::routes_from(rows.data(), rows.size(), detail::interfaces_from(list.first()),
                             [](const NET_LUID&) { return std::string("unexpected"); });
}

TEST(WindowsAdapters, ConvertTheRecordedAzureVm) {
  FakeAdapterList list(recorded::azure_vm());
  const auto adapters = detail::adapters_from(list.first());
  ASSERT_EQ(adapters.size(), 2u);
  const Adapter& lo = adapters[0];
  EXPECT_EQ(lo.index, 1u);
  EXPECT_EQ(lo.name, "Loopback Pseudo-Interface 1");
  EXPECT_EQ(lo.description, "Software Loopback Interface 1");
  EXPECT_TRUE(lo.loopback);
  EXPECT_TRUE(lo.up);
  EXPECT_EQ(lo.mac, "");
  ASSERT_EQ(lo.addresses.size(), 2u);
  EXPECT_EQ(lo.addresses[0].address, "::1");
  EXPECT_EQ(lo.addresses[0].prefix_length, 128);
  EXPECT_TRUE(lo.addresses[0].ipv6);
  EXPECT_EQ(lo.addresses[1].address, "127.0.0.1");
  EXPECT_EQ(lo.addresses[1].prefix_length, 8);
  EXPECT_FALSE(lo.addresses[1].ipv6);

  const Adapter& nic = adapters[1];
  EXPECT_EQ(nic.index, 3u);
  EXPECT_EQ(nic.name, "Ethernet");
  EXPECT_EQ(nic.description, "Microsoft Hyper-V Network Adapter");
  EXPECT_EQ(nic.mac, "00:0d:3a:e5:1c:c0");  // ipconfig's 00-0D-3A-E5-1C-C0
  EXPECT_FALSE(nic.loopback);
  ASSERT_EQ(nic.addresses.size(), 2u);
  EXPECT_EQ(nic.addresses[0].address, "fe80::3166:ce5a:2bd5:a6d1");  // ipconfig adds "%3"
  EXPECT_EQ(nic.addresses[0].prefix_length, 64);
  EXPECT_EQ(nic.addresses[1].address, "172.16.69.7");
  EXPECT_EQ(nic.addresses[1].prefix_length, 24);  // Subnet Mask 255.255.255.0
}

TEST(WindowsAdapters, AnEmptyListIsNoAdapters) {
  EXPECT_TRUE(detail::adapters_from(nullptr).empty());
  EXPECT_TRUE(detail::interfaces_from(nullptr).empty());
}

TEST(WindowsAdapters, OnlySixBytePhysicalAddressesAreMacs) {
  IP_ADAPTER_ADDRESSES teredo{};
  teredo.IfIndex = 19;
  teredo.PhysicalAddressLength = 8;  // route print: "00 00 00 00 00 00 00 e0 Teredo Tunneling ..."
  teredo.PhysicalAddress[7] = 0xe0;
  teredo.OperStatus = IfOperStatusDown;
  const auto adapters = detail::adapters_from(&teredo);
  ASSERT_EQ(adapters.size(), 1u);
  EXPECT_EQ(adapters[0].mac, "");
  EXPECT_FALSE(adapters[0].up);
  EXPECT_EQ(adapters[0].name, "");  // no FriendlyName: empty, not a crash
}

class WindowsRoutes : public ::testing::TestWithParam<const RecordedHost*> {};

TEST_P(WindowsRoutes, SumRouteAndInterfaceMetricsAsRoutePrintShows) {
  const RecordedHost& host = *GetParam();
  const auto routes = routes_of(host);
  ASSERT_EQ(routes.size(), host.routes.size());
  for (std::size_t i = 0; i < routes.size(); ++i) {
    const RecordedRoute& want = host.routes[i];
    SCOPED_TRACE(std::string(want.destination) + "/" + std::to_string(want.prefix_length));
    EXPECT_EQ(routes[i].destination, want.destination);
    EXPECT_EQ(routes[i].prefix_length, want.prefix_length);
    EXPECT_EQ(routes[i].gateway, want.next_hop);  // On-link (0.0.0.0) is ""
    EXPECT_EQ(routes[i].interface_index, want.interface_index);
    EXPECT_EQ(routes[i].metric, want.shown_metric);
    EXPECT_NE(routes[i].interface_name, "unexpected");
  }
}

INSTANTIATE_TEST_SUITE_P(Recorded, WindowsRoutes,
                         ::testing::Values(&recorded::azure_vm(), &recorded::failover_cluster_vm()),
                         [](const auto& info) { return std::string(info.param->name); });

// What route_to answers on real Windows, where Wine has no 127.0.0.0/8 route and no GetBestRoute2:
// select_route over the converted recorded table.
TEST(WindowsRouteTo, LoopbackGoesThroughTheLoopbackPseudoInterface) {
  const auto chosen = select_route(routes_of(recorded::azure_vm()), "127.0.0.1");
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->interface_name, "Loopback Pseudo-Interface 1");
  EXPECT_EQ(chosen->interface_index, 1u);
  EXPECT_EQ(chosen->prefix_length, 32);
  EXPECT_EQ(chosen->gateway, "");
  EXPECT_EQ(chosen->metric, 331u);
}

TEST(WindowsRouteTo, AzureImdsGoesThroughTheGatewayOfThePrimaryNic) {
  const auto chosen = select_route(routes_of(recorded::azure_vm()), "169.254.169.254");
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->interface_name, "Ethernet");
  EXPECT_EQ(chosen->gateway, "172.16.69.1");
  EXPECT_EQ(chosen->metric, 11u);
}

TEST(WindowsRouteTo, ClusterAdapterCapturesImdsUntilTheDocumentedFix) {
  const RecordedHost& host = recorded::failover_cluster_vm();
  auto captured = select_route(routes_of(host), "169.254.169.254");
  ASSERT_TRUE(captured.has_value());
  EXPECT_EQ(captured->interface_name, "Cluster Virtual Adapter");
  EXPECT_EQ(captured->prefix_length, 16);

  RecordedHost fixed = host;
  fixed.routes.push_back(recorded::failover_cluster_imds_fix());
  auto after = select_route(routes_of(fixed), "169.254.169.254");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->interface_name, "Ethernet");
  EXPECT_EQ(after->prefix_length, 32);
  EXPECT_EQ(after->metric, 11u);
}

TEST(WindowsRoutes, AnInterfaceMissingFromTheAdapterListIsNamedByItsLuid) {
  MIB_IPFORWARD_ROW2 rows[2] = {row_of({"0.0.0.0", 0, "10.0.0.1", 7, 0, 0}),
                                row_of({"10.0.0.0", 24, "", 7, 256, 0})};
  rows[1].DestinationPrefix.Prefix.si_family = AF_INET6;  // not IPv4: skipped
  std::vector<std::uint64_t> asked;
  const auto routes = detail::routes_from(rows, 2, {}, [&asked](const NET_LUID& luid) {
    asked.push_back(luid.Value);
    return std::string("ethernet_32775");
  });
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0].interface_name, "ethernet_32775");
  EXPECT_EQ(routes[0].metric, 0u);  // the row's own metric: no interface metric known
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0], rows[0].InterfaceLuid.Value);
}

TEST(WindowsErrorText, CarriesTheCodeInDecimalAndHexAndTheSystemText) {
  const std::string text = detail::windows_error_text("GetBestRoute2", ERROR_NOT_SUPPORTED);
  EXPECT_EQ(text.rfind("GetBestRoute2 failed: ", 0), 0u) << text;
  EXPECT_NE(text.find("(error 50, 0x00000032)"), std::string::npos) << text;
  // Windows: "The request is not supported."; Wine: "Request not supported." Either is text.
  const std::string message = text.substr(22, text.find(" (error") - 22);
  EXPECT_GT(message.size(), 5u) << text;
  EXPECT_EQ(message.find("no message text"), std::string::npos) << text;
  EXPECT_EQ(message.find('\n'), std::string::npos) << text;
}

TEST(WindowsErrorText, SaysSoWhenTheSystemHasNoText) {
  const std::string text = detail::windows_error_text("Something", 0x2FFFFFFFul);
  EXPECT_NE(text.find("no message text for this code"), std::string::npos) << text;
  EXPECT_NE(text.find("0x2FFFFFFF"), std::string::npos) << text;
}

TEST(WindowsText, ConvertsUtf16AndUtf8BothWays) {
  EXPECT_EQ(detail::utf8(nullptr), "");
  EXPECT_EQ(detail::utf8(L"Ethernet 2"), "Ethernet 2");
  EXPECT_EQ(detail::utf8(detail::utf16("Verbindung \xC3\xBC").c_str()), "Verbindung \xC3\xBC");
  EXPECT_EQ(detail::utf16("bad \xFF utf-8"), L"");
}

}  // namespace
}  // namespace hciattest::hostcheck
