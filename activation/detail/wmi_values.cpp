#include "activation/detail/wmi_values.h"

namespace hciattest::activation::detail {
namespace {

std::string text(const WmiInstance& p, const char* name) {
  auto it = p.find(name);
  if (it == p.end()) return {};
  if (const auto* s = std::get_if<std::string>(&it->second)) return *s;
  return {};
}

std::int64_t number(const WmiInstance& p, const char* name, std::int64_t fallback) {
  auto it = p.find(name);
  if (it == p.end()) return fallback;
  if (const auto* n = std::get_if<std::int64_t>(&it->second)) return *n;
  return fallback;
}

}  // namespace

LicensingState licensing_from(const WmiInstance& p) {
  LicensingState s;
  s.available = true;
  s.name = text(p, "Name");
  s.description = text(p, "Description");
  s.partial_product_key = text(p, "PartialProductKey");
  s.status = license_status_from(static_cast<int>(number(p, "LicenseStatus", -1)));
  s.status_reason = static_cast<std::uint32_t>(number(p, "LicenseStatusReason", 0));
  const std::int64_t grace = number(p, "GracePeriodRemaining", 0);
  s.grace_minutes = grace > 0 ? static_cast<std::uint32_t>(grace) : 0;
  s.kms_machine = text(p, "KeyManagementServiceMachine");
  const std::int64_t port = number(p, "KeyManagementServicePort", 0);
  s.kms_port = port > 0 && port <= 65535 ? static_cast<std::uint16_t>(port) : 0;
  s.discovered_kms = text(p, "DiscoveredKeyManagementServiceMachineName");
  return s;
}

void add_service_values(const WmiInstance& p, LicensingState& s) {
  s.service_version = text(p, "Version");
  s.service_kms_machine = text(p, "KeyManagementServiceMachine");
  const std::int64_t port = number(p, "KeyManagementServicePort", 0);
  s.service_kms_port = port > 0 && port <= 65535 ? static_cast<std::uint16_t>(port) : 0;
}

}  // namespace hciattest::activation::detail
