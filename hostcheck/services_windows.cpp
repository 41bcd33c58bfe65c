#include <windows.h>

#include <memory>
#include <string>
#include <vector>

#include "hostcheck/services.h"

namespace hciattest::hostcheck {
namespace {

struct ScHandleCloser {
  void operator()(SC_HANDLE h) const noexcept {
    if (h != nullptr) CloseServiceHandle(h);
  }
};
using ScHandle = std::unique_ptr<std::remove_pointer_t<SC_HANDLE>, ScHandleCloser>;

std::string last_error(const char* what) {
  const DWORD code = GetLastError();
  char* text = nullptr;
  FormatMessageA(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                     FORMAT_MESSAGE_IGNORE_INSERTS,
                 nullptr, code, 0, reinterpret_cast<char*>(&text), 0, nullptr);
  std::string message = text != nullptr ? text : "";
  LocalFree(text);
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r' || message.back() == ' ')) {
    message.pop_back();
  }
  char hex[16];
  wsprintfA(hex, "0x%08lX", code);
  return std::string(what) + " failed: " + hex + " " + message;
}

const char* state_text(DWORD s) {
  switch (s) {
    case SERVICE_RUNNING: return "running";
    case SERVICE_STOPPED: return "stopped";
    case SERVICE_START_PENDING: return "start pending";
    case SERVICE_STOP_PENDING: return "stop pending";
    case SERVICE_PAUSED: return "paused";
    case SERVICE_PAUSE_PENDING: return "pause pending";
    case SERVICE_CONTINUE_PENDING: return "continue pending";
    default: return "unknown";
  }
}

const char* start_text(DWORD t) {
  switch (t) {
    case SERVICE_AUTO_START: return "automatic";
    case SERVICE_DEMAND_START: return "manual";
    case SERVICE_DISABLED: return "disabled";
    case SERVICE_BOOT_START: return "boot";
    case SERVICE_SYSTEM_START: return "system";
    default: return "unknown";
  }
}

}  // namespace

Result<ServiceState> query_service(const std::string& name) {
  Result<ServiceState> r;
  ScHandle scm(OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
  if (!scm) {
    r.error = last_error("OpenSCManagerW");
    return r;
  }
  const std::wstring wname(name.begin(), name.end());  // service names are ASCII
  ScHandle service(OpenServiceW(scm.get(), wname.c_str(), SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG));
  ServiceState state;
  if (!service) {
    if (GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST) {
      state.state = "absent";
      r.value = state;
    } else {
      r.error = last_error("OpenServiceW");
    }
    return r;
  }
  state.exists = true;
  SERVICE_STATUS_PROCESS status{};
  DWORD needed = 0;
  if (!QueryServiceStatusEx(service.get(), SC_STATUS_PROCESS_INFO, reinterpret_cast<LPBYTE>(&status),
                            sizeof(status), &needed)) {
    r.error = last_error("QueryServiceStatusEx");
    return r;
  }
  state.running = status.dwCurrentState == SERVICE_RUNNING;
  state.state = state_text(status.dwCurrentState);
  QueryServiceConfigW(service.get(), nullptr, 0, &needed);
  if (needed > 0) {
    std::vector<BYTE> buf(needed);
    auto* config = reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buf.data());
    if (QueryServiceConfigW(service.get(), config, needed, &needed)) {
      state.start_type = start_text(config->dwStartType);
    }
  }
  r.value = state;
  return r;
}

bool services_supported() { return true; }

}  // namespace hciattest::hostcheck
