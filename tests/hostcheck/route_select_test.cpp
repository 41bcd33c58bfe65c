// select_route and parse_ipv4: pure, the same on every platform. On Windows select_route is how
// route_to decides (Wine has no GetBestRoute2), so the recorded Windows tables of
// recorded_windows_hosts.cpp are the main cases.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "hostcheck/network.h"
#include "tests/hostcheck/recorded_windows_hosts.h"

namespace hciattest::hostcheck {
namespace {

Route route(const char* destination, int prefix, const char* interface_name, std::uint32_t metric,
            const char* gateway = "") {
  Route r;
  r.destination = destination;
  r.prefix_length = prefix;
  r.interface_name = interface_name;
  r.metric = metric;
  r.gateway = gateway;
  return r;
}

struct Expected {
  const char* destination;
  int prefix_length;
  const char* interface_name;
  std::uint32_t metric;
};

struct Row {
  const char* name;
  std::vector<Route> table;
  std::string target;
  std::optional<Expected> expected;  // nullopt: no route
};

std::vector<Route> with_imds_fix(std::vector<Route> table) {
  const auto fix = recorded::failover_cluster_imds_fix();
  table.push_back(route(fix.destination, fix.prefix_length, "Ethernet", fix.shown_metric));
  return table;
}

class SelectRoute : public ::testing::TestWithParam<Row> {};

TEST_P(SelectRoute, PicksTheLongestPrefixThenTheLowestMetric) {
  const Row& row = GetParam();
  const auto chosen = select_route(row.table, row.target);
  if (!row.expected) {
    EXPECT_FALSE(chosen.has_value())
        << "chose " << chosen->destination << "/" << chosen->prefix_length;
    return;
  }
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->destination, row.expected->destination);
  EXPECT_EQ(chosen->prefix_length, row.expected->prefix_length);
  EXPECT_EQ(chosen->interface_name, row.expected->interface_name);
  EXPECT_EQ(chosen->metric, row.expected->metric);
}

const std::vector<Route> kAzure = recorded::as_routes(recorded::azure_vm());
const std::vector<Route> kCluster = recorded::as_routes(recorded::failover_cluster_vm());
const std::vector<Route> kTwoDefaults = {route("0.0.0.0", 0, "Ethernet", 266, "10.0.0.1"),
                                         route("0.0.0.0", 0, "Ethernet 2", 25, "10.1.0.1"),
                                         route("10.0.0.0", 24, "Ethernet", 266)};
const std::vector<Route> kNoDefault = {route("10.0.0.0", 8, "eth0", 100),
                                       route("169.254.0.0", 16, "eth1", 100)};
const std::vector<Route> kFullTie = {route("10.0.0.0", 8, "first", 5),
                                     route("10.0.0.0", 8, "second", 5)};
const std::vector<Route> kMalformedRows = {
    route("not-an-address", 0, "bad", 0), route("10.0.0.0", 33, "bad", 0),
    route("10.0.0.0", -1, "bad", 0), route("0.0.0.0", 0, "good", 50)};

INSTANTIATE_TEST_SUITE_P(
    Tables, SelectRoute,
    ::testing::Values(
        // Recorded Azure VM: loopback on the loopback interface, IMDS and WireServer through the
        // /32 routes, anything else through the default route.
        Row{"azure_loopback", kAzure, "127.0.0.1",
            Expected{"127.0.0.1", 32, "Loopback Pseudo-Interface 1", 331}},
        Row{"azure_loopback_range", kAzure, "127.8.9.10",
            Expected{"127.0.0.0", 8, "Loopback Pseudo-Interface 1", 331}},
        Row{"azure_imds", kAzure, "169.254.169.254",
            Expected{"169.254.169.254", 32, "Ethernet", 11}},
        Row{"azure_wireserver", kAzure, "168.63.129.16",
            Expected{"168.63.129.16", 32, "Ethernet", 11}},
        Row{"azure_same_subnet", kAzure, "172.16.69.20",
            Expected{"172.16.69.0", 24, "Ethernet", 266}},
        Row{"azure_default_route", kAzure, "203.0.113.7", Expected{"0.0.0.0", 0, "Ethernet", 10}},
        // Recorded failover cluster VM: the documented IMDS failure (the cluster adapter's /16
        // beats the default route), then the documented fix (a /32 beats the /16).
        Row{"cluster_imds_captured_by_apipa", kCluster, "169.254.169.254",
            Expected{"169.254.0.0", 16, "Cluster Virtual Adapter", 271}},
        Row{"cluster_imds_after_fix", with_imds_fix(kCluster), "169.254.169.254",
            Expected{"169.254.169.254", 32, "Ethernet", 11}},
        Row{"cluster_host_route", kCluster, "10.0.1.15",
            Expected{"10.0.1.15", 32, "Ethernet", 266}},
        Row{"cluster_multicast_lowest_metric", kCluster, "224.0.0.251",
            Expected{"224.0.0.0", 4, "Cluster Virtual Adapter", 271}},
        Row{"cluster_broadcast_lowest_metric", kCluster, "255.255.255.255",
            Expected{"255.255.255.255", 32, "Ethernet", 266}},
        // Metric tie-break on equal prefixes, whatever the table order.
        Row{"lower_metric_default_wins", kTwoDefaults, "198.51.100.1",
            Expected{"0.0.0.0", 0, "Ethernet 2", 25}},
        Row{"longer_prefix_beats_lower_metric", kTwoDefaults, "10.0.0.9",
            Expected{"10.0.0.0", 24, "Ethernet", 266}},
        Row{"full_tie_keeps_table_order", kFullTie, "10.1.2.3",
            Expected{"10.0.0.0", 8, "first", 5}},
        Row{"malformed_rows_are_skipped", kMalformedRows, "10.0.0.1",
            Expected{"0.0.0.0", 0, "good", 50}},
        // No match.
        Row{"no_default_route", kNoDefault, "192.0.2.1", std::nullopt},
        Row{"empty_table", {}, "10.0.0.1", std::nullopt},
        // Bad input never matches, not even the default route.
        Row{"empty_target", kAzure, "", std::nullopt},
        Row{"three_octets", kAzure, "10.0.0", std::nullopt},
        Row{"five_octets", kAzure, "10.0.0.1.2", std::nullopt},
        Row{"octet_over_255", kAzure, "10.0.0.256", std::nullopt},
        Row{"hostname", kAzure, "localhost", std::nullopt},
        Row{"ipv6", kAzure, "::1", std::nullopt},
        Row{"trailing_space", kAzure, "10.0.0.1 ", std::nullopt},
        Row{"negative_octet", kAzure, "-1.0.0.1", std::nullopt}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DefaultRoute, IsTheLowestMetricZeroPrefixRoute) {
  const std::vector<Route> table = {route("0.0.0.0", 0, "Ethernet 2", 25, "10.1.0.1"),
                                    route("10.0.0.0", 8, "Ethernet", 1),
                                    route("0.0.0.0", 0, "Ethernet", 15, "172.31.0.1")};
  const auto def = default_route(table);
  ASSERT_TRUE(def);
  EXPECT_EQ(def->gateway, "172.31.0.1");
  EXPECT_EQ(def->interface_name, "Ethernet");
  EXPECT_FALSE(default_route({route("10.0.0.0", 8, "Ethernet", 1)}));
  EXPECT_FALSE(default_route({}));
}

struct ParseRow {
  const char* text;
  std::optional<std::uint32_t> value;
};

class ParseIpv4 : public ::testing::TestWithParam<ParseRow> {};

TEST_P(ParseIpv4, AcceptsOnlyDottedQuads) {
  EXPECT_EQ(parse_ipv4(GetParam().text), GetParam().value) << '"' << GetParam().text << '"';
}

INSTANTIATE_TEST_SUITE_P(
    Texts, ParseIpv4,
    ::testing::Values(ParseRow{"0.0.0.0", 0u}, ParseRow{"255.255.255.255", 0xffffffffu},
                      ParseRow{"169.254.169.254", 0xa9fea9feu}, ParseRow{"127.0.0.1", 0x7f000001u},
                      ParseRow{"", std::nullopt}, ParseRow{"1.2.3", std::nullopt},
                      ParseRow{"1.2.3.4.", std::nullopt}, ParseRow{"1..2.3", std::nullopt},
                      ParseRow{"1.2.3.0256", std::nullopt}, ParseRow{"a.b.c.d", std::nullopt},
                      ParseRow{" 1.2.3.4", std::nullopt}, ParseRow{"1.2.3.4/32", std::nullopt}));

}  // namespace
}  // namespace hciattest::hostcheck

namespace hciattest::hostcheck {
namespace {

Adapter adapter_with(const char* name, const char* address, int prefix) {
  Adapter a;
  a.name = name;
  a.up = true;
  a.addresses.push_back({address, prefix, false});
  return a;
}

TEST(HciImdsAdapter, AnApipaAdapterWithTheHostOnLinkIsTheEvidence) {
  const std::vector<Adapter> adapters = {adapter_with("Ethernet", "10.0.0.4", 24),
                                         adapter_with("Ethernet 2", "169.254.77.20", 16)};
  EXPECT_EQ(hci_imds_adapter(adapters, route("169.254.0.0", 16, "Ethernet 2", 0)),
            std::optional<std::string>("Ethernet 2 (169.254.77.20/16): 169.254.169.253 is on-link"));
}

TEST(HciImdsAdapter, NoEvidenceThroughAGatewayOrANonApipaAdapter) {
  const std::vector<Adapter> adapters = {adapter_with("Ethernet", "10.0.0.4", 24),
                                         adapter_with("Ethernet 2", "169.254.77.20", 16)};
  // An Azure VM: .253 only through the default gateway.
  EXPECT_EQ(hci_imds_adapter(adapters, route("0.0.0.0", 0, "Ethernet", 0, "10.0.0.1")), std::nullopt);
  // On-link, but through an adapter with no 169.254.x.x address (a static route).
  EXPECT_EQ(hci_imds_adapter(adapters, route("169.254.169.253", 32, "Ethernet", 0)), std::nullopt);
  // The APIPA adapter is not the one the route names.
  EXPECT_EQ(hci_imds_adapter({adapters[1]}, route("169.254.0.0", 16, "Ethernet 3", 0)), std::nullopt);
}

}  // namespace
}  // namespace hciattest::hostcheck
