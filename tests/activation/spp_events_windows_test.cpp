// The Security-SPP reader against the real event log API (Wine's wevtapi under the mingw build).
// clang-format off
#include <winsock2.h>
#include <windows.h>
// clang-format on

#include <gtest/gtest.h>

#include "tests/support/under_wine.h"

#include "activation/spp_events.h"

namespace hciattest::activation {
namespace {

using hciattest::testing::under_wine;

TEST(SppEventsOnThisMachine, AreReadOnWindowsAndWineSaysWhyNot) {
  const SppEventReading r = read_spp_events(10);
  if (under_wine()) {
    EXPECT_FALSE(r.available);
    EXPECT_NE(r.error.find("returned no result handle"), std::string::npos) << r.error;
    return;
  }
  ASSERT_TRUE(r.available) << r.error;
  EXPECT_LE(r.events.size(), 10u);
  for (const auto& e : r.events) {
    EXPECT_TRUE(e.id == 12288 || e.id == 12289 || e.id == 8196 || e.id == 8198 || e.id == 8200)
        << e.id;
  }
}

}  // namespace
}  // namespace hciattest::activation
