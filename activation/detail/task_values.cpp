#include "activation/detail/task_values.h"

#include <cmath>
#include <cstdio>

namespace hciattest::activation::detail {
namespace {

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's
// days_from_civil), and back.
void civil_from_days(long long z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long long yy = static_cast<long long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yy + (m <= 2));
}

// The OLE epoch 1899-12-30 is 25569 days before 1970-01-01.
constexpr long long kOleEpochToUnixDays = 25569;

}  // namespace

const char* task_state_text(long state) {
  switch (state) {
    case 1: return "disabled";
    case 2: return "queued";
    case 3: return "ready";
    case 4: return "running";
    default: return "unknown";
  }
}

std::string ole_date_text(double date) {
  if (!std::isfinite(date) || date < 36526.0 || date > 2958465.0) return "";  // < 2000-01-01
  // Round to the second first, so 23:59:59.9999 does not print as 24:00:00.
  const long long seconds = std::llround(date * 86400.0);
  const long long days = seconds / 86400;
  const long long sod = seconds % 86400;
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days - kOleEpochToUnixDays, y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02lld:%02lld:%02lld", y, m, d, sod / 3600,
                sod / 60 % 60, sod % 60);
  return buf;
}

std::string trigger_type_text(long type) {
  switch (type) {
    case 0: return "event";
    case 1: return "time";
    case 2: return "daily";
    case 3: return "weekly";
    case 4: return "monthly";
    case 5: return "monthly-dow";
    case 6: return "idle";
    case 7: return "registration";
    case 8: return "boot";
    case 9: return "logon";
    case 11: return "session-state-change";
    case 12: return "custom";
    default: return "type " + std::to_string(type);
  }
}

ImdsTaskState task_state_from(const RawTaskValues& raw) {
  ImdsTaskState s;
  s.available = true;
  s.exists = true;
  s.enabled = raw.enabled;
  s.state = task_state_text(raw.state);
  s.last_result = raw.last_result;
  if (raw.last_run) s.last_run = ole_date_text(*raw.last_run);
  if (raw.next_run) s.next_run = ole_date_text(*raw.next_run);
  s.actions = raw.exec_paths;
  for (long t : raw.trigger_types) s.triggers.push_back(trigger_type_text(t));
  return s;
}

}  // namespace hciattest::activation::detail
