// Windows: Task Scheduler 2.0 over COM (ITaskService → ITaskFolder → IRegisteredTask), as
// osquery's scheduled_tasks table does, but with every pointer owned (ComPtr) and each getter
// read into its own field (osquery #9114 read `hidden` through get_Enabled).
// winsock2.h before windows.h (hostcheck's Windows header includes it too).
// clang-format off
#include <winsock2.h>
#include <windows.h>
#include <taskschd.h>
// clang-format on

#include <cstdio>

#include "activation/detail/com.h"
#include "activation/detail/task_com.h"
#include "activation/detail/task_values.h"
#include "activation/task_scheduler.h"
#include "hostcheck/detail/windows_convert.h"

namespace hciattest::activation {
namespace detail {

std::string hresult_hex(HRESULT hr) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08lX", static_cast<unsigned long>(hr));
  return buf;
}

std::string com_error(const std::string& call, HRESULT hr) {
  return hostcheck::detail::windows_error_text(call, static_cast<unsigned long>(hr));
}

HRESULT open_task(const std::string& folder_path, const std::string& name,
                  ComPtr<IRegisteredTask>& task, std::string& step) {
  ComPtr<ITaskService> service;
  step = "CoCreateInstance(TaskScheduler)";
  HRESULT hr = ::CoCreateInstance(CLSID_TaskScheduler, nullptr, CLSCTX_INPROC_SERVER,
                                  IID_ITaskService, reinterpret_cast<void**>(service.GetAddressOf()));
  if (FAILED(hr)) return hr;
  Variant none1, none2, none3, none4;  // local machine, current user
  step = "ITaskService::Connect";
  hr = service->Connect(none1.value(), none2.value(), none3.value(), none4.value());
  if (FAILED(hr)) return hr;
  ComPtr<ITaskFolder> folder;
  step = "ITaskService::GetFolder(" + folder_path + ")";
  hr = service->GetFolder(Bstr(hostcheck::detail::utf16(folder_path)).get(), folder.GetAddressOf());
  if (FAILED(hr)) return hr;
  step = "ITaskFolder::GetTask(" + name + ")";
  return folder->GetTask(Bstr(hostcheck::detail::utf16(name)).get(), task.GetAddressOf());
}

bool task_not_found(HRESULT hr) {
  return hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND) ||
         hr == HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND);
}

}  // namespace detail

namespace {

using detail::Bstr;
using detail::ComPtr;
using detail::Variant;
using hostcheck::detail::utf16;
using hostcheck::detail::windows_error_text;

// The exec actions' paths and the triggers' kinds. Wine 8.0 answers E_NOTIMPL for these
// collections (FACTS.md): they are then empty.
void read_definition(IRegisteredTask* task, detail::RawTaskValues& raw) {
  ComPtr<ITaskDefinition> def;
  if (FAILED(task->get_Definition(def.GetAddressOf())) || !def) return;
  ComPtr<IActionCollection> actions;
  LONG count = 0;
  if (SUCCEEDED(def->get_Actions(actions.GetAddressOf())) && actions &&
      SUCCEEDED(actions->get_Count(&count))) {
    for (LONG i = 1; i <= count; ++i) {  // Task Scheduler collections are 1-based
      ComPtr<IAction> action;
      ComPtr<IExecAction> exec;
      Bstr path;
      if (SUCCEEDED(actions->get_Item(i, action.GetAddressOf())) && action &&
          SUCCEEDED(action.As(&exec)) && SUCCEEDED(exec->get_Path(path.out())) && path.get()) {
        raw.exec_paths.push_back(hostcheck::detail::utf8(path.get()));
      }
    }
  }
  ComPtr<ITriggerCollection> triggers;
  if (SUCCEEDED(def->get_Triggers(triggers.GetAddressOf())) && triggers &&
      SUCCEEDED(triggers->get_Count(&count))) {
    for (LONG i = 1; i <= count; ++i) {
      ComPtr<ITrigger> trigger;
      TASK_TRIGGER_TYPE2 type = TASK_TRIGGER_EVENT;
      if (SUCCEEDED(triggers->get_Item(i, trigger.GetAddressOf())) && trigger &&
          SUCCEEDED(trigger->get_Type(&type))) {
        raw.trigger_types.push_back(static_cast<long>(type));
      }
    }
  }
}

class ComTaskScheduler : public TaskScheduler {
 public:
  ImdsTaskState read(const std::string& folder_path, const std::string& name) override {
    ImdsTaskState s;
    detail::ComApartment com;
    if (!com.ok()) {
      s.error = windows_error_text("CoInitializeEx", static_cast<unsigned long>(com.result()));
      return s;
    }
    ComPtr<IRegisteredTask> task;
    std::string step;
    const HRESULT hr = detail::open_task(folder_path, name, task, step);
    if (detail::task_not_found(hr)) {
      s.available = true;  // asked, and the task (or its folder) is not there
      return s;
    }
    if (FAILED(hr)) {
      s.error = windows_error_text(step, static_cast<unsigned long>(hr));
      return s;
    }
    detail::RawTaskValues raw;
    TASK_STATE state = TASK_STATE_UNKNOWN;
    if (SUCCEEDED(task->get_State(&state))) raw.state = static_cast<long>(state);
    VARIANT_BOOL enabled = VARIANT_FALSE;
    if (SUCCEEDED(task->get_Enabled(&enabled))) raw.enabled = enabled != VARIANT_FALSE;
    DATE last_run = 0;
    if (SUCCEEDED(task->get_LastRunTime(&last_run))) raw.last_run = last_run;
    LONG last_result = 0;
    // Wine 8.0 answers E_NOTIMPL here: the value is then absent, not 0 (FACTS.md).
    if (SUCCEEDED(task->get_LastTaskResult(&last_result))) {
      raw.last_result = static_cast<std::uint32_t>(last_result);
    }
    DATE next_run = 0;
    if (SUCCEEDED(task->get_NextRunTime(&next_run))) raw.next_run = next_run;
    read_definition(task.Get(), raw);
    return detail::task_state_from(raw);
  }
};

}  // namespace

std::unique_ptr<TaskScheduler> make_task_scheduler() {
  return std::make_unique<ComTaskScheduler>();
}

}  // namespace hciattest::activation
