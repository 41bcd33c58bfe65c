// The scheduled task that carries IMDS activation (\Microsoft\Windows\Clip\LicenseImdsIntegration),
// through Task Scheduler 2.0. task_scheduler_windows.cpp implements it over ITaskService (COM);
// task_scheduler_linux.cpp answers "not applicable on Linux". Folder and name are parameters so
// the tests use a folder of their own and never touch the real task.
#pragma once

#include <memory>
#include <string>

#include "activation/licensing.h"

namespace hciattest::activation {

class TaskScheduler {
 public:
  virtual ~TaskScheduler() = default;
  // The task's state. A task (or folder) that does not exist is exists = false, not an error;
  // available = false only when Task Scheduler itself could not be asked (error says why).
  virtual ImdsTaskState read(const std::string& folder, const std::string& name) = 0;
};

std::unique_ptr<TaskScheduler> make_task_scheduler();

}  // namespace hciattest::activation
