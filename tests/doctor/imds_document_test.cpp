// How the IMDS race starts on the machine's evidence (doctor/imds_document.h).
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "doctor/imds_document.h"

namespace hciattest::doctor {
namespace {

TEST(RaceStart, TheHciAdapterStartsBothAtOnceOnlyWithTheDefaultEndpoints) {
  const std::optional<std::string> hci = "Ethernet 2 (169.254.77.20/16): 169.254.169.253 is on-link";
  RaceStart r = race_start(true, std::nullopt, false, hci);
  EXPECT_EQ(r.head_start.count(), 0);
  EXPECT_NE(r.why.find("started at once"), std::string::npos);
  EXPECT_NE(r.why.find("Ethernet 2 (169.254.77.20/16)"), std::string::npos) << r.why;
  // Azure, or any VM without the adapter: .254 alone first, as before.
  r = race_start(true, std::nullopt, false, std::nullopt);
  EXPECT_EQ(r.head_start.count(), 250);
  EXPECT_EQ(r.why, "");
  // What the admin chose wins: --head-start, --endpoint, --sequential.
  EXPECT_EQ(race_start(true, 400, false, hci).head_start.count(), 400);
  EXPECT_EQ(race_start(false, std::nullopt, false, hci).head_start.count(), 250);
  EXPECT_EQ(race_start(true, std::nullopt, true, hci).why, "");
}

}  // namespace
}  // namespace hciattest::doctor
