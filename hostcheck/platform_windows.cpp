#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "hostcheck/detail/windows_convert.h"
#include "hostcheck/platform.h"

namespace hciattest::hostcheck {

Smbios read_smbios() {
  // 'RSMB': the raw SMBIOS table behind a RawSMBIOSData header (Used20CallingMethod,
  // major, minor, DMI revision, then a DWORD length and the structures).
  const DWORD rsmb = (DWORD{'R'} << 24) | (DWORD{'S'} << 16) | (DWORD{'M'} << 8) | DWORD{'B'};
  Smbios s;
  const UINT size = GetSystemFirmwareTable(rsmb, 0, nullptr, 0);
  if (size < 8) {
    s.source = "GetSystemFirmwareTable('RSMB')";
    s.error = detail::windows_error_text("GetSystemFirmwareTable('RSMB')", GetLastError());
    return s;
  }
  std::vector<std::uint8_t> raw(size);
  if (GetSystemFirmwareTable(rsmb, 0, raw.data(), size) != size) {
    s.source = "GetSystemFirmwareTable('RSMB')";
    s.error =
        detail::windows_error_text("GetSystemFirmwareTable('RSMB') (size changed)", GetLastError());
    return s;
  }
  const std::uint32_t length =
      raw[4] | (raw[5] << 8) | (raw[6] << 16) | (static_cast<std::uint32_t>(raw[7]) << 24);
  std::vector<std::uint8_t> table(raw.begin() + 8,
                                  raw.begin() + 8 + std::min<std::size_t>(length, raw.size() - 8));
  s = parse_smbios_structures(table);
  s.source = "GetSystemFirmwareTable('RSMB')";
  // Windows always fills type 0 and type 1. Wine builds the table from /sys/class/dmi/id and, where
  // that is missing (containers), returns structures with empty strings: a table that says nothing
  // must not pass for a read one.
  if (s.sys_vendor.empty() && s.product_name.empty() && s.bios_vendor.empty() &&
      s.chassis_asset_tag.empty()) {
    s.error =
        "GetSystemFirmwareTable('RSMB') returned " + std::to_string(table.size()) +
        " bytes of SMBIOS structures without manufacturer, product, BIOS or asset tag strings";
  }
  return s;
}

std::string computer_name() {
  wchar_t name[256];
  DWORD size = 256;
  if (!::GetComputerNameExW(ComputerNameDnsHostname, name, &size)) return {};
  return detail::utf8(name);
}

}  // namespace hciattest::hostcheck
