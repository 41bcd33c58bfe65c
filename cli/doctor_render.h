// The `doctor` report's renderers (doctor/report.h is the model): pure functions, tested on
// every OS with golden files.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "cli/summary.h"
#include "doctor/report.h"

namespace hciattest::cli {

// Version 2 adds "machine" (version 1 is version 2 without it).
inline constexpr const char* kDoctorSchema = "hciattest.doctor/2";

// 0 healthy, 3 warnings only, 1 any failure; with `strict` warnings count as failures.
int doctor_exit_code(const doctor::Report& report, bool strict);

nlohmann::json doctor_to_json(const doctor::Report& report);
// Failing checks first, each with its remedy; aligned; colour only when asked.
std::string doctor_to_text(const doctor::Report& report, bool color);
// One testcase per check; fail -> <failure> carrying the remedy, skip -> <skipped>, warn ->
// system-out. Accepted by Azure DevOps (PublishTestResults, JUnit) and Jenkins.
std::string doctor_to_junit(const doctor::Report& report);

// --output summary: the verdict (as doctor_exit_code(report, strict) says it), the machine's
// name, the failing and then the warning check ids, and the first failing check's remedy (else
// the first warning's).
Summary doctor_summary(const doctor::Report& report, bool strict);

}  // namespace hciattest::cli
