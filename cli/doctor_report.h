// The `doctor` report model and its renderers: pure functions over plain structs (STYLE.md
// rule 5), tested on every OS with golden files.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/summary.h"

namespace hciattest::cli {

enum class DoctorStatus { kPass, kWarn, kFail, kSkip };
const char* doctor_status_id(DoctorStatus s);  // "pass", "warn", "fail", "skip"

struct DoctorCheck {
  std::string id;       // stable, e.g. "hci-imds-nic"
  std::string title;
  DoctorStatus status = DoctorStatus::kSkip;
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

struct DoctorReport {
  std::string tool_version;
  MachineIdentity machine;
  std::string generated_at;     // ISO 8601 UTC
  std::string platform;         // hostcheck::platform_id
  std::string platform_summary;
  std::vector<DoctorCheck> checks;
};

// Version 2 adds "machine" (version 1 is version 2 without it).
inline constexpr const char* kDoctorSchema = "hciattest.doctor/2";

// 0 healthy, 3 warnings only, 1 any failure; with `strict` warnings count as failures.
int doctor_exit_code(const DoctorReport& report, bool strict);

nlohmann::json doctor_to_json(const DoctorReport& report);
// Failing checks first, each with its remedy; aligned; colour only when asked.
std::string doctor_to_text(const DoctorReport& report, bool color);
// One testcase per check; fail -> <failure> carrying the remedy, skip -> <skipped>, warn ->
// system-out. Accepted by Azure DevOps (PublishTestResults, JUnit) and Jenkins.
std::string doctor_to_junit(const DoctorReport& report);

// --output summary: the verdict (as doctor_exit_code(report, strict) says it), the machine's
// name, the failing and then the warning check ids, and the first failing check's remedy (else
// the first warning's).
Summary doctor_summary(const DoctorReport& report, bool strict);

}  // namespace hciattest::cli
