// The WMI conversion on every platform, fed with a SoftwareLicensingProduct instance shaped as
// Windows returns it (uint32 properties arrive as VT_I4, strings as BSTR, unset ones as NULL).
#include "activation/detail/wmi_values.h"

#include <gtest/gtest.h>

namespace hciattest::activation::detail {
namespace {

// The values of a KMS-activated Windows Server 2022 Datacenter VM on Azure, as
// `Get-CimInstance SoftwareLicensingProduct` shows them: constructed from the documented fields
// (learn.microsoft.com sppwmi) and the published key's last five characters (6VM33).
WmiInstance azure_datacenter() {
  return {{"Name", std::string("Windows(R), ServerDatacenter edition")},
          {"Description", std::string("Windows(R) Operating System, VOLUME_KMSCLIENT channel")},
          {"PartialProductKey", std::string("6VM33")},
          {"LicenseStatus", std::int64_t{1}},
          {"LicenseStatusReason", std::int64_t{0x4004F040}},
          {"GracePeriodRemaining", std::int64_t{259140}},
          {"KeyManagementServiceMachine", std::string("azkms.core.windows.net")},
          {"KeyManagementServicePort", std::int64_t{1688}},
          {"DiscoveredKeyManagementServiceMachineName", std::string("")}};
}

TEST(WmiLicensing, AnActivatedKmsClient) {
  const LicensingState s = licensing_from(azure_datacenter());
  EXPECT_TRUE(s.available);
  EXPECT_TRUE(s.activated());
  EXPECT_EQ(s.channel(), "VOLUME_KMSCLIENT");
  EXPECT_EQ(s.partial_product_key, "6VM33");
  EXPECT_EQ(s.grace_minutes, 259140u);
  EXPECT_EQ(s.kms_machine, "azkms.core.windows.net");
  EXPECT_EQ(s.kms_port, 1688);
  EXPECT_EQ(s.status_reason, 0x4004F040u);
}

TEST(WmiLicensing, NullAndMistypedPropertiesKeepTheirDefaults) {
  WmiInstance p = azure_datacenter();
  p.erase("KeyManagementServiceMachine");            // NULL: DNS auto-discovery
  p["KeyManagementServicePort"] = std::int64_t{0};    // unset
  p["LicenseStatus"] = std::string("1");              // wrong type: not trusted
  p["GracePeriodRemaining"] = std::int64_t{-5};
  const LicensingState s = licensing_from(p);
  EXPECT_EQ(s.kms_machine, "");
  EXPECT_EQ(s.kms_port, 0);
  EXPECT_EQ(s.status, LicenseStatus::kUnknown);
  EXPECT_FALSE(s.activated());
  EXPECT_EQ(s.grace_minutes, 0u);
}

TEST(WmiLicensing, NotificationStateIsNotActivated) {
  WmiInstance p = azure_datacenter();
  p["LicenseStatus"] = std::int64_t{5};
  p["LicenseStatusReason"] = std::int64_t{static_cast<std::int64_t>(0xC004F074)};
  const LicensingState s = licensing_from(p);
  EXPECT_EQ(s.status, LicenseStatus::kNotification);
  EXPECT_EQ(s.status_reason, 0xC004F074u);
}

TEST(WmiLicensing, TheServiceAddsItsVersionAndKmsSetting) {
  LicensingState s = licensing_from(azure_datacenter());
  add_service_values({{"Version", std::string("10.0.20348.2849")},
                      {"KeyManagementServiceMachine", std::string("azkms.core.windows.net")},
                      {"KeyManagementServicePort", std::int64_t{1688}}},
                     s);
  EXPECT_EQ(s.service_version, "10.0.20348.2849");
  EXPECT_EQ(s.service_kms_machine, "azkms.core.windows.net");
  EXPECT_EQ(s.service_kms_port, 1688);
}

}  // namespace
}  // namespace hciattest::activation::detail
