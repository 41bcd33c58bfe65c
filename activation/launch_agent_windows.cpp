// Windows: the launch agent's files under %ProgramFiles% and %ProgramData% (as the environment
// gives them, in UTF-16), its services from the Service Control Manager, and EC2Launch v1's task
// from Task Scheduler. Read-only.
// clang-format off
#include <winsock2.h>
#include <windows.h>
// clang-format on

#include <memory>
#include <string>

#include "activation/launch_agent.h"
#include "activation/task_scheduler.h"
#include "hostcheck/detail/windows_convert.h"

namespace hciattest::activation {
namespace {

std::string env_or(const wchar_t* name, const char* fallback) {
  wchar_t buffer[MAX_PATH];
  const DWORD n = ::GetEnvironmentVariableW(name, buffer, MAX_PATH);
  if (n == 0 || n >= MAX_PATH) return fallback;
  return hostcheck::detail::utf8(buffer);
}

}  // namespace

LaunchAgentProbe probe_launch_agent() {
  LaunchAgentSources s;
  s.program_files = env_or(L"ProgramFiles", "C:\\Program Files");
  s.program_data = env_or(L"ProgramData", "C:\\ProgramData");
  s.service = hostcheck::query_service;
  auto scheduler = std::shared_ptr<TaskScheduler>(make_task_scheduler());
  s.task = [scheduler](const std::string& folder, const std::string& name) {
    return scheduler->read(folder, name);
  };
  return probe_launch_agent(s);
}

}  // namespace hciattest::activation
