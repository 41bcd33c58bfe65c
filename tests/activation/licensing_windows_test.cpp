// The licensing readers against the real OS (Wine under the mingw build): the registry, the
// process token and WMI. Wine 8.0 answers differently from Windows in two places, and the tests
// check Wine's answer there (docs/windows-under-wine.md); the conversions behind them are tested
// on every platform with Windows-shaped values (wmi_values_test.cpp, plan_test.cpp).
// clang-format off
#include <winsock2.h>
#include <windows.h>
// clang-format on

#include <gtest/gtest.h>

#include "tests/support/under_wine.h"

#include "activation/edition.h"
#include "activation/licensing.h"

namespace hciattest::activation {
namespace {

using hciattest::testing::under_wine;

TEST(WindowsVersionOnThisMachine, ReadsEditionAndBuildFromTheRegistry) {
  std::string error;
  const auto v = read_windows_version(error);
  if (under_wine()) {
    // Wine 8.0's CurrentVersion key has ProductName and CurrentBuildNumber but no EditionID.
    EXPECT_FALSE(v);
    EXPECT_NE(error.find("no EditionID"), std::string::npos) << error;
    return;
  }
  ASSERT_TRUE(v) << error;
  EXPECT_FALSE(v->edition_id.empty());
  EXPECT_GT(v->build, 0);
  std::printf("EditionID=%s build=%d -> %s\n", v->edition_id.c_str(), v->build,
              classify_edition(*v).name.c_str());
}

TEST(LicensingOnThisMachine, IsReadOnWindowsAndWineSaysWhyNot) {
  const LicensingState s = read_licensing_state();
  if (under_wine()) {
    // Wine's SoftwareLicensingProduct has only LicenseIsAddon and LicenseStatus: a query that
    // names ApplicationID or PartialProductKey is WBEM_E_INVALID_QUERY.
    EXPECT_FALSE(s.available);
    EXPECT_NE(s.error.find("SoftwareLicensingProduct"), std::string::npos) << s.error;
    EXPECT_NE(s.error.find("0x80041017"), std::string::npos) << s.error;
    return;
  }
  ASSERT_TRUE(s.available) << s.error;
  EXPECT_NE(s.status, LicenseStatus::kUnknown);
  EXPECT_FALSE(s.partial_product_key.empty());
}

TEST(ElevationOnThisMachine, WineRunsElevated) {
  // Wine gives every process an elevated administrator token; on Windows the answer depends on
  // how the test was started, so only Wine's is checked.
  if (under_wine()) {
    EXPECT_TRUE(running_elevated());
  }
}

}  // namespace
}  // namespace hciattest::activation
