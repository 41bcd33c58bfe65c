// The Task Scheduler conversion on every platform, fed with values as Windows returns them.
#include "activation/detail/task_values.h"

#include <gtest/gtest.h>

#include "activation/error_codes.h"

namespace hciattest::activation::detail {
namespace {

TEST(OleDate, PrintsLocalDateAndTimeToTheSecond) {
  EXPECT_EQ(ole_date_text(45260.75), "2023-11-30T18:00:00");
  // 2026-11-23 18:05:42 is 46349 days and 65142 seconds after 1899-12-30.
  EXPECT_EQ(ole_date_text(46349.0 + 65142.0 / 86400.0), "2026-11-23T18:05:42");
  EXPECT_EQ(ole_date_text(46349.0 + 86399.9999 / 86400.0), "2026-11-24T00:00:00");
}

TEST(OleDate, TheNeverRanDateAndNonsenseAreEmpty) {
  // Task Scheduler reports a task that never ran as 1999-11-30 (FACTS.md): day 36494.
  EXPECT_EQ(ole_date_text(36494.0), "");
  EXPECT_EQ(ole_date_text(0.0), "");
  EXPECT_EQ(ole_date_text(-1.0), "");
  EXPECT_EQ(ole_date_text(1e12), "");
}

TEST(TaskValues, ANeverRunTaskAsWindowsReportsIt) {
  // Windows' answer for a registered task that has not run yet: state ready (3), enabled,
  // LastRunTime 1999-11-30, LastTaskResult SCHED_S_TASK_HAS_NOT_RUN (FACTS.md, Task Scheduler).
  RawTaskValues raw;
  raw.state = 3;
  raw.enabled = true;
  raw.last_run = 36494.0;
  raw.last_result = 0x41303;
  const ImdsTaskState s = task_state_from(raw);
  EXPECT_TRUE(s.available);
  EXPECT_TRUE(s.exists);
  EXPECT_TRUE(s.enabled);
  EXPECT_EQ(s.state, "ready");
  EXPECT_EQ(s.last_run, "");
  ASSERT_TRUE(s.last_result);
  EXPECT_EQ(describe_error_code(*s.last_result).rfind("0x00041303 (SCHED_S_TASK_HAS_NOT_RUN", 0),
            0u);
}

TEST(TaskValues, WhatWineCannotAnswerStaysAbsent) {
  RawTaskValues raw;
  raw.state = 1;
  raw.enabled = false;
  const ImdsTaskState s = task_state_from(raw);
  EXPECT_EQ(s.state, "disabled");
  EXPECT_FALSE(s.enabled);
  EXPECT_FALSE(s.last_result);  // not 0 ("success"): unknown
  EXPECT_EQ(s.last_run, "");
}

TEST(TaskValues, LicenseImdsIntegrationAsWindowsDefinesIt) {
  // The task's action is fclip.exe and it runs at logon, daily and on a custom trigger
  // (shared/FACTS.md, Azure Stack HCI Azure Benefits).
  RawTaskValues raw;
  raw.state = 3;
  raw.enabled = true;
  raw.next_run = 46350.125;  // 2026-11-24T03:00:00
  raw.exec_paths = {"%SystemRoot%\\system32\\fclip.exe"};
  raw.trigger_types = {9, 2, 12};
  const ImdsTaskState s = task_state_from(raw);
  EXPECT_EQ(s.next_run, "2026-11-24T03:00:00");
  EXPECT_EQ(s.actions, std::vector<std::string>{"%SystemRoot%\\system32\\fclip.exe"});
  EXPECT_EQ(s.triggers, (std::vector<std::string>{"logon", "daily", "custom"}));
  EXPECT_EQ(trigger_type_text(42), "type 42");
}

TEST(TaskValues, EveryStateHasAName) {
  EXPECT_STREQ(task_state_text(0), "unknown");
  EXPECT_STREQ(task_state_text(2), "queued");
  EXPECT_STREQ(task_state_text(4), "running");
  EXPECT_STREQ(task_state_text(99), "unknown");
}

}  // namespace
}  // namespace hciattest::activation::detail
