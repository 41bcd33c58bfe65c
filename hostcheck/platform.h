// Which platform this machine is: Azure VM, Azure Stack HCI VM, AWS EC2, another Hyper-V guest,
// or something else, with the evidence. SMBIOS is read by the platform file (platform_linux.cpp:
// /sys/class/dmi/id; platform_windows.cpp: GetSystemFirmwareTable('RSMB')); the decision is pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hciattest::hostcheck {

struct Smbios {
  std::string sys_vendor;         // type 1 manufacturer
  std::string product_name;       // type 1 product name
  std::string product_uuid;       // type 1 UUID, lower-case, as Linux prints it
  std::string chassis_asset_tag;  // type 3 asset tag
  std::string bios_vendor;        // type 0 vendor
  std::string bios_version;       // type 0 version
  std::string source;             // where the values were read
  std::string error;              // why they could not be read (values empty then)
};

// Reads this machine's SMBIOS values.
Smbios read_smbios();

// This machine's name as admins know it: the DNS host name (GetComputerNameExW on Windows,
// gethostname on Linux); empty when it cannot be read.
std::string computer_name();

// Decodes the raw SMBIOS structure table (as GetSystemFirmwareTable('RSMB') returns after its
// 8-byte header, or /sys/firmware/dmi/tables/DMI) into the fields above. Bounds-checked:
// truncated or malformed structures end the walk.
Smbios parse_smbios_structures(const std::vector<std::uint8_t>& table);

enum class Platform { kAzure, kAzureStackHci, kAws, kHyperV, kOther };
std::string_view platform_id(Platform p);  // "azure", "azure-stack-hci", "aws", "hyper-v", "other"

struct PlatformVerdict {
  Platform platform = Platform::kOther;
  std::string summary;
  std::vector<std::string> evidence;
};

// `imds_endpoint` is the base URL that answered IMDS, when one did ("" otherwise).
PlatformVerdict detect_platform(const Smbios& smbios, const std::string& imds_endpoint);

// The chassis asset tag every Azure VM carries (cloud-init's Azure data source; Azure/azure-init).
inline constexpr const char* kAzureChassisAssetTag = "7783-7084-3265-9085-8269-3286-77";

}  // namespace hciattest::hostcheck
