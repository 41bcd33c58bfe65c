#include "hostcheck/platform.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "io/ascii.h"

namespace hciattest::hostcheck {
namespace {

bool contains(const std::string& hay, const char* needle) {
  return io::ascii_lower(hay).find(needle) != std::string::npos;
}

// The n-th (1-based) string of the structure's string set; "" for 0 or out of range.
std::string smbios_string(const std::vector<std::uint8_t>& t, size_t strings, size_t end,
                          std::uint8_t n) {
  if (n == 0) return {};
  size_t at = strings;
  for (std::uint8_t i = 1; at < end; ++i) {
    const size_t len = std::find(t.begin() + static_cast<long>(at), t.begin() + static_cast<long>(end), 0) -
                       (t.begin() + static_cast<long>(at));
    if (len == 0) return {};
    if (i == n) return std::string(reinterpret_cast<const char*>(t.data() + at), len);
    at += len + 1;
  }
  return {};
}

std::string uuid_text(const std::uint8_t* u) {
  // SMBIOS 2.6+: the first three fields little-endian (what Linux prints in product_uuid).
  char buf[37];
  std::snprintf(buf, sizeof(buf),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[3], u[2],
                u[1], u[0], u[5], u[4], u[7], u[6], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
                u[15]);
  return buf;
}

}  // namespace

Smbios parse_smbios_structures(const std::vector<std::uint8_t>& t) {
  Smbios s;
  s.source = "SMBIOS structure table";
  size_t at = 0;
  while (at + 4 <= t.size()) {
    const std::uint8_t type = t[at];
    const std::uint8_t length = t[at + 1];
    if (length < 4 || at + length > t.size()) break;
    // The string set follows the formatted area and ends with two NULs.
    size_t end = at + length;
    while (end + 1 < t.size() && !(t[end] == 0 && t[end + 1] == 0)) ++end;
    if (end + 1 >= t.size()) break;
    const size_t strings = at + length;
    auto str = [&](size_t offset) {
      return offset < length ? smbios_string(t, strings, end + 1, t[at + offset]) : std::string();
    };
    if (type == 0) {
      s.bios_vendor = str(0x04);
      s.bios_version = str(0x05);
    } else if (type == 1) {
      s.sys_vendor = str(0x04);
      s.product_name = str(0x05);
      if (length >= 0x18) s.product_uuid = uuid_text(&t[at + 0x08]);
    } else if (type == 3) {
      s.chassis_asset_tag = str(0x08);
    } else if (type == 127) {
      break;  // end of table
    }
    at = end + 2;
  }
  return s;
}

std::string_view platform_id(Platform p) {
  switch (p) {
    case Platform::kAzure: return "azure";
    case Platform::kAzureStackHci: return "azure-stack-hci";
    case Platform::kAws: return "aws";
    case Platform::kHyperV: return "hyper-v";
    case Platform::kOther: return "other";
  }
  return "other";
}

PlatformVerdict detect_platform(const Smbios& s, const std::string& imds_endpoint) {
  PlatformVerdict v;
  auto note = [&v](const std::string& what, const std::string& value) {
    if (!value.empty()) v.evidence.push_back(what + " = \"" + value + "\"");
  };
  note("SMBIOS system manufacturer", s.sys_vendor);
  note("SMBIOS product name", s.product_name);
  note("SMBIOS chassis asset tag", s.chassis_asset_tag);
  note("SMBIOS BIOS vendor", s.bios_vendor);
  note("SMBIOS BIOS version", s.bios_version);
  if (!s.error.empty()) v.evidence.push_back("SMBIOS unreadable: " + s.error);
  if (!imds_endpoint.empty()) v.evidence.push_back("IMDS answered at " + imds_endpoint);
  if (v.evidence.empty()) v.evidence.push_back("no SMBIOS values and no IMDS answer");

  // AWS: Nitro reports "Amazon EC2"; Xen instances an "amazon" BIOS version; both an ec2 UUID
  // (cloud-init's EC2 data source).
  if (contains(s.sys_vendor, "amazon ec2") || contains(s.bios_vendor, "amazon ec2") ||
      contains(s.bios_version, "amazon") || io::ascii_lower(s.product_uuid).rfind("ec2", 0) == 0) {
    v.platform = Platform::kAws;
    v.summary = "AWS EC2 instance";
    return v;
  }
  const bool hyperv = s.sys_vendor == "Microsoft Corporation" && s.product_name == "Virtual Machine";
  if (hyperv && s.chassis_asset_tag == kAzureChassisAssetTag) {
    v.platform = Platform::kAzure;
    v.summary = "Azure VM (Azure's chassis asset tag)";
    return v;
  }
  if (imds_endpoint.find("169.254.169.253") != std::string::npos) {
    v.platform = Platform::kAzureStackHci;
    v.summary = hyperv ? "Azure Stack HCI VM (Hyper-V guest whose IMDS is the host's 169.254.169.253)"
                       : "Azure Stack HCI VM (IMDS answered at the host's 169.254.169.253)";
    return v;
  }
  if (hyperv) {
    v.platform = Platform::kHyperV;
    v.summary = imds_endpoint.empty()
                    ? "Hyper-V guest without Azure's asset tag and no IMDS answer: an Azure Stack HCI "
                      "VM without attestation, or another Hyper-V host"
                    : "Hyper-V guest without Azure's asset tag";
    return v;
  }
  v.platform = Platform::kOther;
  v.summary = "not an Azure, Azure Stack HCI or AWS machine by its SMBIOS";
  return v;
}

}  // namespace hciattest::hostcheck
