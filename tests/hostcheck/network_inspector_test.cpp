// The real NetworkInspector of the platform it runs on (Linux: getifaddrs + netlink; Windows:
// IP Helper + Winsock, also under Wine), checked for shape where values vary between machines.
// Only 127.0.0.1 and "localhost" are contacted. Where Wine answers differently from Windows the
// test asserts Wine's answer and says so; the Windows answer is covered by windows_convert_test.cpp
// with recorded tables (docs/windows-under-wine.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "hostcheck/network.h"
#include "tests/hostcheck/os_test_support.h"

namespace hciattest::hostcheck {
namespace {

using std::chrono::milliseconds;
using testing_os::LoopbackPort;

bool has_address(const Adapter& a, const std::string& address, int prefix_length) {
  return std::any_of(a.addresses.begin(), a.addresses.end(), [&](const InterfaceAddress& ia) {
    return ia.address == address && ia.prefix_length == prefix_length;
  });
}

// The loopback adapter with 127.0.0.1/8: "lo" on Linux and under Wine, "Loopback
// Pseudo-Interface 1" on Windows.
std::optional<Adapter> loopback_adapter(NetworkInspector& inspector) {
  auto adapters = inspector.adapters();
  if (!adapters.ok()) return std::nullopt;
  for (const Adapter& a : *adapters.value) {
    if (a.loopback && has_address(a, "127.0.0.1", 8)) return a;
  }
  return std::nullopt;
}

TEST(NetworkInspectorOnThisMachine, ListsALoopbackAdapterWith127001) {
  auto inspector = make_network_inspector();
  auto adapters = inspector->adapters();
  ASSERT_TRUE(adapters.ok()) << adapters.error;
  ASSERT_FALSE(adapters.value->empty());
  for (const Adapter& a : *adapters.value) {
    EXPECT_FALSE(a.name.empty()) << "adapter index " << a.index;
    EXPECT_TRUE(a.mac.empty() || a.mac.size() == 17) << a.name << ": " << a.mac;
    for (const InterfaceAddress& ia : a.addresses) {
      EXPECT_EQ(ia.ipv6, ia.address.find(':') != std::string::npos) << a.name << ": " << ia.address;
      EXPECT_EQ(ia.address.find('%'), std::string::npos) << "scope suffix in " << ia.address;
      EXPECT_GE(ia.prefix_length, 0);
      EXPECT_LE(ia.prefix_length, ia.ipv6 ? 128 : 32);
    }
  }
  const auto lo = loopback_adapter(*inspector);
  ASSERT_TRUE(lo.has_value()) << "no loopback adapter with 127.0.0.1/8";
  EXPECT_TRUE(lo->up) << lo->name;
}

TEST(NetworkInspectorOnThisMachine, ListsIpv4RoutesOrSaysWhyNot) {
  auto routes = make_network_inspector()->ipv4_routes();
  if (!routes.ok()) {
    EXPECT_FALSE(routes.error.empty()) << "a failed table must say why";
    return;
  }
  ASSERT_FALSE(routes.value->empty()) << "an empty table with no error";
  for (const Route& r : *routes.value) {
    EXPECT_TRUE(parse_ipv4(r.destination).has_value()) << r.destination;
    EXPECT_GE(r.prefix_length, 0);
    EXPECT_LE(r.prefix_length, 32);
    EXPECT_TRUE(r.gateway.empty() || parse_ipv4(r.gateway).has_value()) << r.gateway;
    EXPECT_FALSE(r.interface_name.empty()) << r.destination << "/" << r.prefix_length;
  }
}

TEST(NetworkInspectorOnThisMachine, RoutesLoopbackThroughTheLoopbackInterface) {
  auto inspector = make_network_inspector();
  const auto lo = loopback_adapter(*inspector);
  ASSERT_TRUE(lo.has_value());
  auto chosen = inspector->route_to("127.0.0.1");
  const std::string wine = testing_os::wine_version();
  if (wine.empty()) {  // Linux (the kernel's own choice) and real Windows (127.0.0.0/8 on loopback)
    ASSERT_TRUE(chosen.ok()) << chosen.error;
    EXPECT_EQ(chosen.value->interface_name, lo->name);
    return;
  }
  // Wine builds GetIpForwardTable2 from the Linux main table, which has no 127.0.0.0/8 route (it
  // lives in the local table), so Wine's answer is the default route or no route at all; never
  // the loopback adapter. The Windows answer is checked on recorded tables instead.
  auto table = inspector->ipv4_routes();
  ASSERT_TRUE(table.ok()) << table.error;
  for (const Route& r : *table.value) {
    EXPECT_NE(r.destination.rfind("127.", 0), 0u)
        << "Wine " << wine << " now lists " << r.destination << "/" << r.prefix_length
        << ": update docs/windows-under-wine.md and this test";
  }
  const std::string answer = chosen.ok() ? "via " + chosen.value->destination + "/" +
                                               std::to_string(chosen.value->prefix_length) +
                                               " on " + chosen.value->interface_name
                                         : chosen.error;
  if (chosen.ok()) {
    EXPECT_NE(chosen.value->interface_name, lo->name);
  }
  RecordProperty("wine_route_to_127_0_0_1", answer);
  std::printf("Wine %s answers route_to(127.0.0.1): %s\n", wine.c_str(), answer.c_str());
}

TEST(NetworkInspectorOnThisMachine, ConnectsToAListeningLoopbackPort) {
  LoopbackPort listener(LoopbackPort::Mode::kListening);
  ASSERT_NE(listener.port(), 0) << listener.error();
  auto probe =
      make_network_inspector()->tcp_connect("127.0.0.1", listener.port(), milliseconds(5000));
  EXPECT_TRUE(probe.connected) << probe.error;
  EXPECT_TRUE(probe.error.empty()) << probe.error;
  EXPECT_GE(probe.elapsed_ms, 0);
  EXPECT_LT(probe.elapsed_ms, 5000);
}

TEST(NetworkInspectorOnThisMachine, AClosedLoopbackPortIsRefusedWithTheReason) {
  LoopbackPort bound(LoopbackPort::Mode::kBoundOnly);
  ASSERT_NE(bound.port(), 0) << bound.error();
  // Real Windows retries a refused SYN for about 2 s before it reports the refusal: 10 s is room.
  auto probe =
      make_network_inspector()->tcp_connect("127.0.0.1", bound.port(), milliseconds(10000));
  EXPECT_FALSE(probe.connected);
  // strerror(ECONNREFUSED) and FormatMessage(WSAECONNREFUSED) both say "refused".
  EXPECT_NE(probe.error.find("refused"), std::string::npos) << probe.error;
  EXPECT_LT(probe.elapsed_ms, 10000);
}

TEST(NetworkInspectorOnThisMachine, RejectsTargetsThatAreNotIpv4WithoutSending) {
  auto inspector = make_network_inspector();
  auto probe = inspector->tcp_connect("localhost", 80, milliseconds(100));
  EXPECT_FALSE(probe.connected);
  EXPECT_NE(probe.error.find("not an IPv4 address"), std::string::npos) << probe.error;
  auto route = inspector->route_to("300.1.1.1");
  EXPECT_FALSE(route.ok());
  EXPECT_NE(route.error.find("300.1.1.1"), std::string::npos) << route.error;
}

TEST(NetworkInspectorOnThisMachine, ResolvesLocalhostToALoopbackAddress) {
  auto addresses = make_network_inspector()->resolve("localhost");
  ASSERT_TRUE(addresses.ok()) << addresses.error;
  ASSERT_FALSE(addresses.value->empty());
  const bool loopback =
      std::any_of(addresses.value->begin(), addresses.value->end(),
                  [](const std::string& a) { return a == "127.0.0.1" || a == "::1"; });
  EXPECT_TRUE(loopback) << "first answer: " << addresses.value->front();
}

}  // namespace
}  // namespace hciattest::hostcheck
