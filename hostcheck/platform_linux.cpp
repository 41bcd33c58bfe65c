#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <string>

#include "hostcheck/platform.h"

namespace hciattest::hostcheck {
namespace {

// HCIATTEST_DMI_DIR replaces /sys/class/dmi/id (same file layout): for tests, and to replay
// the values of another machine.
std::string dmi_dir() {
  const char* dir = std::getenv("HCIATTEST_DMI_DIR");
  return dir != nullptr && *dir != '\0' ? dir : "/sys/class/dmi/id";
}

std::string read_dmi(const char* name, bool& any) {
  std::ifstream f(dmi_dir() + "/" + name);
  std::string value;
  if (f && std::getline(f, value)) any = true;
  while (!value.empty() && (value.back() == ' ' || value.back() == '\n')) value.pop_back();
  return value;
}

}  // namespace

Smbios read_smbios() {
  Smbios s;
  s.source = dmi_dir();
  bool any = false;
  s.sys_vendor = read_dmi("sys_vendor", any);
  s.product_name = read_dmi("product_name", any);
  s.product_uuid = read_dmi("product_uuid", any);  // root only; empty otherwise
  s.chassis_asset_tag = read_dmi("chassis_asset_tag", any);
  s.bios_vendor = read_dmi("bios_vendor", any);
  s.bios_version = read_dmi("bios_version", any);
  if (!any) s.error = s.source + " is not readable (no DMI on this machine, or a container)";
  return s;
}

std::string computer_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return {};
  return name;
}

}  // namespace hciattest::hostcheck
