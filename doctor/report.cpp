#include "doctor/report.h"

namespace hciattest::doctor {

const char* status_id(Status s) {
  switch (s) {
    case Status::kPass: return "pass";
    case Status::kWarn: return "warn";
    case Status::kFail: return "fail";
    case Status::kSkip: return "skip";
  }
  return "skip";
}

const char* verdict_id(Verdict v) {
  switch (v) {
    case Verdict::kHealthy: return "healthy";
    case Verdict::kWarnings: return "warnings";
    case Verdict::kFailures: return "failures";
  }
  return "failures";
}

Verdict verdict(const Report& report, bool strict) {
  bool warn = false;
  for (const auto& c : report.checks) {
    if (c.status == Status::kFail) return Verdict::kFailures;
    warn = warn || c.status == Status::kWarn;
  }
  if (warn) return strict ? Verdict::kFailures : Verdict::kWarnings;
  return Verdict::kHealthy;
}

}  // namespace hciattest::doctor
