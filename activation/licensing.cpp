#include "activation/licensing.h"

namespace hciattest::activation {

const char* license_status_text(LicenseStatus s) {
  switch (s) {
    case LicenseStatus::kUnlicensed: return "Unlicensed";
    case LicenseStatus::kLicensed: return "Licensed";
    case LicenseStatus::kOobGrace: return "Initial grace period";
    case LicenseStatus::kOotGrace: return "Additional grace period (hardware or KMS expiry)";
    case LicenseStatus::kNonGenuineGrace: return "Non-genuine grace period";
    case LicenseStatus::kNotification: return "Notification (not activated)";
    case LicenseStatus::kExtendedGrace: return "Extended grace period";
    case LicenseStatus::kUnknown: return "Unknown";
  }
  return "Unknown";
}

LicenseStatus license_status_from(int value) {
  return value >= 0 && value <= 6 ? static_cast<LicenseStatus>(value) : LicenseStatus::kUnknown;
}

std::string LicensingState::channel() const {
  // The description reads "Windows(R) Operating System, VOLUME_KMSCLIENT channel": the channel is
  // an identifier from the licence itself. Anything else yields "" (unknown), and the plan then
  // never replaces the key on its own.
  const auto end = description.rfind(" channel");
  const auto comma = description.rfind(", ", end);
  if (end == std::string::npos || comma == std::string::npos) return {};
  std::string token = description.substr(comma + 2, end - comma - 2);
  for (char c : token) {
    if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return {};
  }
  return token;
}

}  // namespace hciattest::activation
