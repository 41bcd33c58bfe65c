// Run by inspector_test.sh inside the VM namespace of tests/netns/hci_topology.sh: the Linux
// NetworkInspector against a real kernel with the HCI topology (an APIPA adapter on a veth, the
// host's 169.254.169.253 answering on TCP 80, 169.254.169.254 dropped, a blackhole route).
// Not registered with gtest_discover_tests: outside the namespace it has nothing to find.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "hostcheck/network.h"

namespace hciattest::hostcheck {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

// Refuses to run anywhere but in the test's VM namespace: the probes below connect to
// 169.254.169.253 and .254, which must never be contacted from the machine itself.
class OnlyInTheTestNamespace : public ::testing::Environment {
 public:
  void SetUp() override {
    auto inspector = make_network_inspector();
    auto adapters = inspector->adapters();
    bool ours = false;
    if (adapters.ok() && !env("HCI_VETH_VM").empty()) {
      for (const auto& a : *adapters.value) {
        for (const auto& addr : a.addresses) {
          ours = ours || (a.name == env("HCI_VETH_VM") && addr.address == "169.254.77.20");
        }
      }
    }
    const bool no_default_route = !inspector->route_to("192.0.2.1").ok();
    if (!ours || !no_default_route) {
      std::fprintf(stderr, "hostcheck_netns_probe: not inside the test's VM namespace (run it "
                           "through tests/netns/inspector_test.sh); refusing to probe\n");
      std::exit(2);
    }
  }
};
const auto* const kGuard = ::testing::AddGlobalTestEnvironment(new OnlyInTheTestNamespace);

TEST(LinuxInspectorInHciTopology, SeesTheApipaAdapter) {
  auto inspector = make_network_inspector();
  auto adapters = inspector->adapters();
  ASSERT_TRUE(adapters.ok()) << adapters.error;
  auto it = std::find_if(adapters.value->begin(), adapters.value->end(),
                         [](const Adapter& a) { return a.name == env("HCI_VETH_VM"); });
  ASSERT_NE(it, adapters.value->end());
  EXPECT_TRUE(it->up);
  EXPECT_EQ(it->mac.size(), 17u);
  bool apipa = false;
  for (const auto& a : it->addresses) apipa = apipa || (a.address == "169.254.77.20" && a.prefix_length == 16);
  EXPECT_TRUE(apipa);
}

TEST(LinuxInspectorInHciTopology, RoutesTheHostImdsOnLinkThroughTheApipaAdapter) {
  auto inspector = make_network_inspector();
  auto r = inspector->route_to("169.254.169.253");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value->interface_name, env("HCI_VETH_VM"));
  EXPECT_EQ(r.value->gateway, "");
  auto table = inspector->ipv4_routes();
  ASSERT_TRUE(table.ok()) << table.error;
  auto chosen = select_route(*table.value, "169.254.169.253");
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->interface_name, env("HCI_VETH_VM"));
  EXPECT_EQ(chosen->prefix_length, 16);
}

TEST(LinuxInspectorInHciTopology, ABlackholeRouteIsAnErrorWithItsReason) {
  auto r = make_network_inspector()->route_to("10.99.1.1");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("10.99.1.1"), std::string::npos) << r.error;
}

TEST(LinuxInspectorInHciTopology, NoDefaultRouteMeansNoRouteOut) {
  auto r = make_network_inspector()->route_to("192.0.2.1");  // TEST-NET-1: never reached
  EXPECT_FALSE(r.ok());
}

TEST(LinuxInspectorInHciTopology, ConnectsToTheHostImdsAndTimesOutOnTheDroppedOne) {
  auto inspector = make_network_inspector();
  auto ok = inspector->tcp_connect("169.254.169.253", 80, std::chrono::milliseconds(2000));
  EXPECT_TRUE(ok.connected) << ok.error;
  auto dropped = inspector->tcp_connect("169.254.169.254", 80, std::chrono::milliseconds(300));
  EXPECT_FALSE(dropped.connected);
  EXPECT_NE(dropped.error.find("timed out"), std::string::npos) << dropped.error;
  auto refused = inspector->tcp_connect("169.254.169.253", 81, std::chrono::milliseconds(2000));
  EXPECT_FALSE(refused.connected);
  EXPECT_NE(refused.error.find("refused"), std::string::npos) << refused.error;
}

TEST(LinuxInspectorInHciTopology, ResolvesFromTheHostsFile) {
  auto r = make_network_inspector()->resolve("localhost");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_FALSE(r.value->empty());
  auto bad = make_network_inspector()->resolve("no-such-host.invalid");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.error.find("no-such-host.invalid"), std::string::npos);
}

}  // namespace
}  // namespace hciattest::hostcheck
