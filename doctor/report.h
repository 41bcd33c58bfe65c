// The doctor's report model: checks with a status, evidence and remedy, and the machine they are
// about. Plain structs; cli/doctor_render.h renders them (text, JSON, JUnit, one line).
#pragma once

#include <string>
#include <vector>

namespace hciattest::doctor {

enum class Status { kPass, kWarn, kFail, kSkip };
const char* status_id(Status s);  // "pass", "warn", "fail", "skip"

struct Check {
  std::string id;       // stable, e.g. "hci-imds-nic"
  std::string title;
  Status status = Status::kSkip;
  std::string summary;
  std::vector<std::string> evidence;
  std::string remedy;   // what to do; set on warn and fail
};

// Which machine the report is about, so that a fleet's reports can be told apart and merged.
struct MachineIdentity {
  std::string name;             // the computer name (hostcheck::computer_name)
  std::string smbios_uuid;      // SMBIOS type 1 UUID
  std::string vm_id;            // the attested document's vmId, only when it verified
  std::string subscription_id;  // the attested document's subscriptionId, only when it verified
};

struct Report {
  std::string tool_version;
  MachineIdentity machine;
  std::string generated_at;     // ISO 8601 UTC
  std::string platform;         // hostcheck::platform_id
  std::string platform_summary;
  std::vector<Check> checks;
};

enum class Verdict { kHealthy, kWarnings, kFailures };
const char* verdict_id(Verdict v);  // "healthy", "warnings", "failures"

// Failures when a check fails; else warnings when one warns (failures with `strict`); else
// healthy. Skipped checks count for nothing.
Verdict verdict(const Report& report, bool strict);

}  // namespace hciattest::doctor
