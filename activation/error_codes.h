// What Windows activation's HRESULTs mean and what to do about them: one table (STYLE.md rule 11),
// used to decode the LicenseImdsIntegration task's last result, Security-SPP events and the
// licensing service's errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace hciattest::activation {

struct ErrorCodeInfo {
  std::uint32_t code;
  const char* name;     // Windows' symbolic name where it is well known, else a snake_case id
  const char* meaning;
  const char* remedy;
};

// nullopt for a code the table does not hold.
std::optional<ErrorCodeInfo> lookup_error_code(std::uint32_t code);

// "0xC004F074 (kms_not_contacted: no Key Management Service could be contacted)", or
// "0x12345678 (unknown code)" for one the table lacks. Always starts with the 0x-prefixed, upper-case, 8-digit code.
std::string describe_error_code(std::uint32_t code);

}  // namespace hciattest::activation
