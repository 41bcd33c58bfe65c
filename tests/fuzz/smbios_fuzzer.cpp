// SMBIOS structures as the firmware (or a hostile hypervisor) lays them out: the parser must not
// read out of the table, whatever the lengths and string numbers say, and its strings come only
// from the table's bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "hostcheck/platform.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> table(data, data + size);
  const auto s = hciattest::hostcheck::parse_smbios_structures(table);
  for (const auto* field : {&s.sys_vendor, &s.product_name, &s.chassis_asset_tag, &s.bios_vendor,
                            &s.bios_version}) {
    if (field->size() > size) std::abort();
  }
  return 0;
}
