#include "hostcheck/platform.h"

#include <gtest/gtest.h>

namespace hciattest::hostcheck {
namespace {

// Values as the machines report them. Azure and AWS: the DMI values cloud-init's Azure and EC2
// data sources key on (Azure's fixed chassis asset tag; "Amazon EC2" on Nitro, an "amazon" Xen
// BIOS version and an ec2 UUID on Xen). Hyper-V guests (Azure Stack HCI included) report
// "Microsoft Corporation" / "Virtual Machine" with a per-VM asset tag; the tag below is
// constructed in that shape, not recorded from a real host.
Smbios smbios(const char* vendor, const char* product, const char* tag, const char* bios_vendor,
              const char* bios_version, const char* uuid = "") {
  Smbios s;
  s.sys_vendor = vendor;
  s.product_name = product;
  s.chassis_asset_tag = tag;
  s.bios_vendor = bios_vendor;
  s.bios_version = bios_version;
  s.product_uuid = uuid;
  return s;
}

struct Row {
  const char* name;
  Smbios smbios;
  std::string imds;
  Platform expected;
};

class DetectPlatform : public ::testing::TestWithParam<Row> {};

TEST_P(DetectPlatform, FromSmbiosAndImds) {
  PlatformVerdict v = detect_platform(GetParam().smbios, GetParam().imds);
  EXPECT_EQ(platform_id(v.platform), platform_id(GetParam().expected)) << v.summary;
  EXPECT_FALSE(v.summary.empty());
  EXPECT_FALSE(v.evidence.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Recorded, DetectPlatform,
    ::testing::Values(
        Row{"azure_gen2", smbios("Microsoft Corporation", "Virtual Machine", kAzureChassisAssetTag,
                                 "Microsoft Corporation", "Hyper-V UEFI Release v4.1"),
            "http://169.254.169.254", Platform::kAzure},
        Row{"azure_without_imds_answer",
            smbios("Microsoft Corporation", "Virtual Machine", kAzureChassisAssetTag,
                   "American Megatrends Inc.", "090008"),
            "", Platform::kAzure},
        Row{"hci_vm_via_253", smbios("Microsoft Corporation", "Virtual Machine",
                                     "4417-3062-6517-5206-8521-5381-25", "Microsoft Corporation",
                                     "Hyper-V UEFI Release v4.1"),
            "http://169.254.169.253", Platform::kAzureStackHci},
        Row{"hyper_v_without_imds", smbios("Microsoft Corporation", "Virtual Machine",
                                           "4417-3062-6517-5206-8521-5381-25",
                                           "Microsoft Corporation", "Hyper-V UEFI Release v4.1"),
            "", Platform::kHyperV},
        Row{"aws_nitro", smbios("Amazon EC2", "m5.large", "Amazon EC2", "Amazon EC2", "1.0",
                                "ec2e1916-9099-7caf-fd21-012345abcdef"),
            "", Platform::kAws},
        Row{"aws_xen", smbios("Xen", "HVM domU", "", "Xen", "4.11.amazon",
                              "ec2f1a2b-0000-1111-2222-333344445555"),
            "", Platform::kAws},
        Row{"qemu_kvm", smbios("QEMU", "Standard PC (Q35 + ICH9, 2009)", "", "SeaBIOS",
                               "1.16.2-debian-1.16.2-1"),
            "", Platform::kOther},
        Row{"unreadable", Smbios{}, "", Platform::kOther}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DetectPlatform, ALookAlikeAssetTagIsNotAzure) {
  auto v = detect_platform(smbios("Microsoft Corporation", "Virtual Machine",
                                  "7783-7084-3265-9085-8269-3286-78", "", ""),
                           "");
  EXPECT_EQ(v.platform, Platform::kHyperV);
}

// Builds one SMBIOS structure: type, formatted area (after the 4-byte header), strings.
void add_structure(std::vector<std::uint8_t>& t, std::uint8_t type, std::vector<std::uint8_t> body,
                   std::vector<std::string> strings) {
  t.push_back(type);
  t.push_back(static_cast<std::uint8_t>(4 + body.size()));
  t.push_back(0);
  t.push_back(0);
  t.insert(t.end(), body.begin(), body.end());
  for (const auto& s : strings) {
    t.insert(t.end(), s.begin(), s.end());
    t.push_back(0);
  }
  if (strings.empty()) t.push_back(0);
  t.push_back(0);
}

TEST(SmbiosTable, DecodesBiosSystemAndChassisStructures) {
  std::vector<std::uint8_t> t;
  add_structure(t, 0, {1, 2, 0, 0}, {"Microsoft Corporation", "Hyper-V UEFI Release v4.1"});
  std::vector<std::uint8_t> system = {1, 2, 0};  // manufacturer=1, product=2, version=0
  system.push_back(0);                            // serial
  for (std::uint8_t b : {0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb,
                         0xcc, 0xdd, 0xee, 0xff}) {
    system.push_back(b);
  }
  system.push_back(6);  // wake-up type
  add_structure(t, 1, system, {"Microsoft Corporation", "Virtual Machine"});
  add_structure(t, 3, {1, 3, 0, 0, 2}, {"Microsoft Corporation", kAzureChassisAssetTag});
  add_structure(t, 127, {}, {});
  Smbios s = parse_smbios_structures(t);
  EXPECT_EQ(s.bios_vendor, "Microsoft Corporation");
  EXPECT_EQ(s.bios_version, "Hyper-V UEFI Release v4.1");
  EXPECT_EQ(s.sys_vendor, "Microsoft Corporation");
  EXPECT_EQ(s.product_name, "Virtual Machine");
  EXPECT_EQ(s.product_uuid, "00112233-4455-6677-8899-aabbccddeeff");
  EXPECT_EQ(s.chassis_asset_tag, kAzureChassisAssetTag);
  EXPECT_EQ(detect_platform(s, "").platform, Platform::kAzure);
}

TEST(SmbiosTable, SurvivesTruncationAndBadStringIndexes) {
  std::vector<std::uint8_t> t;
  add_structure(t, 1, {9, 2, 0, 0}, {"only one string"});
  Smbios s = parse_smbios_structures(t);
  EXPECT_EQ(s.sys_vendor, "");  // index 9 does not exist
  for (size_t cut = 0; cut < t.size(); ++cut) {
    std::vector<std::uint8_t> part(t.begin(), t.begin() + static_cast<long>(cut));
    (void)parse_smbios_structures(part);  // must not read out of bounds (ASan run)
  }
  std::vector<std::uint8_t> bogus = {1, 2, 0, 0, 0, 0};  // length < 4
  EXPECT_EQ(parse_smbios_structures(bogus).sys_vendor, "");
}

TEST(SmbiosOfThisMachine, IsReadOrExplained) {
  Smbios s = read_smbios();
  EXPECT_FALSE(s.source.empty());
  EXPECT_TRUE(!s.sys_vendor.empty() || !s.error.empty());
}

}  // namespace
}  // namespace hciattest::hostcheck
