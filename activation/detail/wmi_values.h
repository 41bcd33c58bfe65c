// Private to activation/: the pure half of the WMI licensing reader. One SoftwareLicensingProduct
// instance as property name → value (strings as UTF-8, integers as integers, NULL absent) in,
// LicensingState out; tested on every platform with values as Windows returns them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>

#include "activation/licensing.h"

namespace hciattest::activation::detail {

using WmiValue = std::variant<std::string, std::int64_t, bool>;
using WmiInstance = std::map<std::string, WmiValue>;

// The properties read_licensing_state asks for, in the query's order.
inline constexpr const char* kLicensingProperties[] = {
    "Name", "Description", "PartialProductKey", "LicenseStatus", "LicenseStatusReason",
    "GracePeriodRemaining", "KeyManagementServiceMachine", "KeyManagementServicePort",
    "DiscoveredKeyManagementServiceMachineName"};

// The SoftwareLicensingService properties read_licensing_state asks for.
inline constexpr const char* kServiceProperties[] = {"Version", "KeyManagementServiceMachine",
                                                     "KeyManagementServicePort"};

// Adds the service's properties to `state` (missing ones stay empty).
void add_service_values(const WmiInstance& service, LicensingState& state);

// A missing or mistyped property leaves its field at the default; LicenseStatus outside 0..6 is
// kUnknown. `available` is set: the instance was read.
LicensingState licensing_from(const WmiInstance& product);

}  // namespace hciattest::activation::detail
