#include "activation/task_scheduler.h"

namespace hciattest::activation {
namespace {

class NoTaskScheduler : public TaskScheduler {
 public:
  ImdsTaskState read(const std::string&, const std::string&) override {
    ImdsTaskState s;
    s.error = "not applicable on Linux (Windows Task Scheduler)";
    return s;
  }
};

}  // namespace

std::unique_ptr<TaskScheduler> make_task_scheduler() { return std::make_unique<NoTaskScheduler>(); }

}  // namespace hciattest::activation
