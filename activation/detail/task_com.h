// Private to activation/'s Windows files: opening a registered task through Task Scheduler 2.0.
// The caller holds a ComApartment.
#pragma once

// clang-format off
#include <winsock2.h>
#include <windows.h>
#include <taskschd.h>
// clang-format on

#include <string>

#include "activation/detail/com.h"

namespace hciattest::activation::detail {

// Connects (local machine, current user) and opens folder\name. S_OK, or the failing HRESULT
// with `step` set to the call that failed ("ITaskService::GetFolder", ...).
HRESULT open_task(const std::string& folder, const std::string& name,
                  ComPtr<IRegisteredTask>& task, std::string& step);

// ERROR_FILE_NOT_FOUND / ERROR_PATH_NOT_FOUND as HRESULTs: the task or folder is absent.
bool task_not_found(HRESULT hr);

}  // namespace hciattest::activation::detail
