#include <windows.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

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
    s.error = "GetSystemFirmwareTable('RSMB') failed: error " + std::to_string(GetLastError());
    return s;
  }
  std::vector<std::uint8_t> raw(size);
  if (GetSystemFirmwareTable(rsmb, 0, raw.data(), size) != size) {
    s.source = "GetSystemFirmwareTable('RSMB')";
    s.error = "GetSystemFirmwareTable('RSMB') changed size: error " + std::to_string(GetLastError());
    return s;
  }
  const std::uint32_t length = raw[4] | (raw[5] << 8) | (raw[6] << 16) | (static_cast<std::uint32_t>(raw[7]) << 24);
  std::vector<std::uint8_t> table(raw.begin() + 8, raw.begin() + 8 + std::min<std::size_t>(length, raw.size() - 8));
  s = parse_smbios_structures(table);
  s.source = "GetSystemFirmwareTable('RSMB')";
  return s;
}

}  // namespace hciattest::hostcheck
