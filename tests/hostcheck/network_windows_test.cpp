// Windows only: the IP Helper calls network_windows.cpp chose NOT to use, asked directly. On real
// Windows they cross-check the inspector (its route choice against GetBestRoute2, its interface
// metrics against GetIpInterfaceTable); under Wine they assert Wine's documented answer, so a Wine
// that starts implementing them is noticed (docs/windows-under-wine.md).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "hostcheck/detail/windows_convert.h"
#include "hostcheck/network.h"
#include "tests/hostcheck/os_test_support.h"

namespace hciattest::hostcheck {
namespace {

struct MibTableDeleter {
  void operator()(void* table) const {
    if (table != nullptr) ::FreeMibTable(table);
  }
};

TEST(GetBestRoute2, AgreesWithRouteToOnWindowsAndIsMissingUnderWine) {
  SOCKADDR_INET destination{};
  destination.Ipv4.sin_family = AF_INET;
  destination.Ipv4.sin_addr.s_addr = ::htonl(INADDR_LOOPBACK);
  MIB_IPFORWARD_ROW2 best{};
  SOCKADDR_INET source{};
  const DWORD rc = ::GetBestRoute2(nullptr, 0, nullptr, &destination, 0, &best, &source);
  const std::string wine = testing_os::wine_version();
  if (!wine.empty()) {
    EXPECT_EQ(rc, static_cast<DWORD>(ERROR_NOT_SUPPORTED))
        << "Wine " << wine << " now implements GetBestRoute2: compare it with route_to here and "
        << "update docs/windows-under-wine.md";
    return;
  }
  ASSERT_EQ(rc, static_cast<DWORD>(NO_ERROR)) << detail::windows_error_text("GetBestRoute2", rc);
  auto chosen = make_network_inspector()->route_to("127.0.0.1");
  ASSERT_TRUE(chosen.ok()) << chosen.error;
  EXPECT_EQ(chosen.value->interface_index, best.InterfaceIndex);
  EXPECT_EQ(chosen.value->prefix_length, best.DestinationPrefix.PrefixLength);
}

TEST(GetIpInterfaceTable, HoldsTheMetricsTheInspectorReadsFromTheAdapterList) {
  MIB_IPINTERFACE_TABLE* raw = nullptr;
  const DWORD rc = ::GetIpInterfaceTable(AF_INET, &raw);
  std::unique_ptr<MIB_IPINTERFACE_TABLE, MibTableDeleter> table(raw);
  const std::string wine = testing_os::wine_version();
  if (!wine.empty()) {
    // Wine 8.0: ERROR_NOT_SUPPORTED here, and GetIpInterfaceEntry is a stub that aborts the
    // process (not called). Hence IP_ADAPTER_ADDRESSES::Ipv4Metric in network_windows.cpp.
    EXPECT_EQ(rc, static_cast<DWORD>(ERROR_NOT_SUPPORTED))
        << "Wine " << wine << " now implements GetIpInterfaceTable: update the docs";
    return;
  }
  ASSERT_EQ(rc, static_cast<DWORD>(NO_ERROR))
      << detail::windows_error_text("GetIpInterfaceTable", rc);
  ULONG size = 64 * 1024;
  std::vector<std::uint64_t> buffer(size / sizeof(std::uint64_t));
  auto* list = reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data());
  const ULONG gaa = ::GetAdaptersAddresses(AF_UNSPEC, 0, nullptr, list, &size);
  ASSERT_EQ(gaa, static_cast<ULONG>(NO_ERROR))
      << detail::windows_error_text("GetAdaptersAddresses", gaa);
  const auto interfaces = detail::interfaces_from(list);
  int compared = 0;
  for (ULONG i = 0; i < table->NumEntries; ++i) {
    const MIB_IPINTERFACE_ROW& row = table->Table[i];
    auto it = interfaces.find(row.InterfaceIndex);
    if (it == interfaces.end()) continue;  // hidden interfaces are not in the adapter list
    EXPECT_EQ(it->second.ipv4_metric, row.Metric) << it->second.name;
    ++compared;
  }
  EXPECT_GT(compared, 0);
}

}  // namespace
}  // namespace hciattest::hostcheck
