#include "activation/licensing.h"

namespace hciattest::activation {

LicensingState read_licensing_state() {
  LicensingState s;
  s.error = "not applicable on Linux (Windows licensing)";
  return s;
}

std::optional<WindowsVersion> read_windows_version(std::string& error) {
  error = "not applicable on Linux (Windows registry)";
  return std::nullopt;
}

bool running_elevated() { return false; }

}  // namespace hciattest::activation
