// Private to activation/: the pure half of the Task Scheduler reader. Raw values as
// IRegisteredTask returns them (TASK_STATE, VARIANT_BOOL, OLE DATE, HRESULTs) in, ImdsTaskState
// out, so that the conversion is tested on every platform with values recorded on Windows, where
// Wine returns E_NOTIMPL (docs/windows-under-wine.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "activation/licensing.h"

namespace hciattest::activation::detail {

struct RawTaskValues {
  long state = 0;                         // TASK_STATE: 0 unknown, 1 disabled, 2 queued, 3 ready, 4 running
  bool enabled = false;
  std::optional<double> last_run;         // OLE DATE (local time); nullopt: the call failed
  std::optional<std::uint32_t> last_result;  // nullopt: get_LastTaskResult failed (E_NOTIMPL on Wine)
  std::optional<double> next_run;         // OLE DATE; nullopt: get_NextRunTime failed (Wine)
  std::vector<std::string> exec_paths;    // IExecAction::get_Path of each exec action
  std::vector<long> trigger_types;        // TASK_TRIGGER_TYPE2 of each trigger
};

// TASK_TRIGGER_TYPE2 to a word: 0 "event", 1 "time", 2 "daily", 3 "weekly", 4 "monthly",
// 5 "monthly-dow", 6 "idle", 7 "registration", 8 "boot", 9 "logon", 11 "session-state-change",
// 12 "custom"; others "type N".
std::string trigger_type_text(long type);

// "ready", "running", "disabled", "queued", "unknown".
const char* task_state_text(long state);

// OLE automation DATE (days since 1899-12-30, fraction = time of day) to "YYYY-MM-DDTHH:MM:SS"
// (local time, no zone: Task Scheduler reports local time). "" for dates before 2000-01-01:
// Task Scheduler reports a task that never ran as 1999-11-30 (FACTS.md).
std::string ole_date_text(double date);

ImdsTaskState task_state_from(const RawTaskValues& raw);

}  // namespace hciattest::activation::detail
