// Windows: the changes of `activate --apply`. Licensing through WMI methods (sppwmi:
// SoftwareLicensingService.SetKeyManagementServiceMachine / SetKeyManagementServicePort /
// ClearKeyManagementServiceMachine / ClearKeyManagementServicePort / InstallProductKey /
// RefreshLicenseStatus, SoftwareLicensingProduct.Activate), never slmgr; the task through Task
// Scheduler 2.0; persistent routes through route.exe started with CreateProcessW, its arguments
// only validated addresses and numbers (DESIGN.md: no shell, no command line from outside text).
// Wine implements none of the licensing classes' methods and no persistent route store, so these
// run only on Windows (docs/windows-under-wine.md).
// clang-format off
#include <winsock2.h>
#include <windows.h>
#include <wbemidl.h>
#include <taskschd.h>
// clang-format on

#include <functional>
#include <thread>

#include "activation/apply.h"
#include "activation/detail/com.h"
#include "activation/detail/task_com.h"
#include "activation/error_codes.h"
#include "activation/product_keys.h"
#include "activation/task_scheduler.h"
#include "hostcheck/detail/windows_convert.h"

namespace hciattest::activation {
namespace {

using detail::Bstr;
using detail::ComPtr;
using detail::Variant;
using hostcheck::detail::utf16;
using hostcheck::detail::windows_error_text;

// TASK_RUN_IGNORE_CONSTRAINTS from the Windows SDK's taskschd.h (FACTS.md); mingw-w64's header
// lacks the TASK_RUN_FLAGS enum.
constexpr LONG kTaskRunIgnoreConstraints = 0x2;

constexpr wchar_t kServiceQuery[] = L"SELECT Version FROM SoftwareLicensingService";
constexpr wchar_t kProductQuery[] =
    L"SELECT ID FROM SoftwareLicensingProduct WHERE ApplicationID = "
    L"'55c92734-d682-4d71-983e-d6ec3f16059f' AND PartialProductKey IS NOT NULL AND "
    L"LicenseIsAddon = FALSE";

std::string hr_text(const std::string& what, HRESULT hr) {
  // Licensing errors are SPP HRESULTs (0xC004xxxx): decode them from the table first.
  const auto info = lookup_error_code(static_cast<std::uint32_t>(hr));
  if (info) return what + " failed: " + describe_error_code(static_cast<std::uint32_t>(hr));
  return windows_error_text(what, static_cast<unsigned long>(hr));
}

class Wmi {
 public:
  std::string connect() {
    if (!com_.ok()) return hr_text("CoInitializeEx", com_.result());
    ComPtr<IWbemLocator> locator;
    HRESULT hr = ::CoCreateInstance(CLSID_WbemLocator, nullptr, CLSCTX_INPROC_SERVER,
                                    IID_IWbemLocator, reinterpret_cast<void**>(locator.GetAddressOf()));
    if (FAILED(hr)) return hr_text("CoCreateInstance(WbemLocator)", hr);
    hr = locator->ConnectServer(Bstr(L"ROOT\\CIMV2").get(), nullptr, nullptr, nullptr, 0, nullptr,
                                nullptr, services_.GetAddressOf());
    if (FAILED(hr)) return hr_text("IWbemLocator::ConnectServer", hr);
    hr = ::CoSetProxyBlanket(services_.Get(), RPC_C_AUTHN_WINNT, RPC_C_AUTHZ_NONE, nullptr,
                             RPC_C_AUTHN_LEVEL_CALL, RPC_C_IMP_LEVEL_IMPERSONATE, nullptr, EOAC_NONE);
    if (FAILED(hr)) return hr_text("CoSetProxyBlanket", hr);
    return {};
  }

  // The __PATH of the first instance the query returns.
  std::string path_of(const wchar_t* query, const char* what, std::wstring& path) {
    ComPtr<IEnumWbemClassObject> rows;
    HRESULT hr = services_->ExecQuery(Bstr(L"WQL").get(), Bstr(query).get(),
                                      WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY,
                                      nullptr, rows.GetAddressOf());
    if (FAILED(hr)) return hr_text(std::string("WMI query of ") + what, hr);
    ComPtr<IWbemClassObject> row;
    ULONG got = 0;
    hr = rows->Next(30000, 1, row.GetAddressOf(), &got);
    if (FAILED(hr) || got == 0) return std::string("no ") + what + " instance in WMI";
    Variant v;
    if (FAILED(row->Get(L"__PATH", 0, v.get(), nullptr, nullptr)) || v.value().vt != VT_BSTR) {
      return std::string("the ") + what + " instance has no __PATH";
    }
    path.assign(v.value().bstrVal, ::SysStringLen(v.value().bstrVal));
    return {};
  }

  // Calls `method` of `cls` on the instance at `path`, with at most one input parameter.
  std::string call(const std::wstring& path, const wchar_t* cls, const wchar_t* method,
                   const wchar_t* param = nullptr, const VARIANT* value = nullptr) {
    ComPtr<IWbemClassObject> in_params;
    if (param != nullptr) {
      ComPtr<IWbemClassObject> klass, in_def;
      HRESULT hr = services_->GetObject(Bstr(cls).get(), 0, nullptr, klass.GetAddressOf(), nullptr);
      if (FAILED(hr)) return hr_text("IWbemServices::GetObject", hr);
      hr = klass->GetMethod(method, 0, in_def.GetAddressOf(), nullptr);
      if (FAILED(hr) || !in_def) return hr_text("GetMethod", hr);
      hr = in_def->SpawnInstance(0, in_params.GetAddressOf());
      if (FAILED(hr)) return hr_text("SpawnInstance", hr);
      hr = in_params->Put(param, 0, const_cast<VARIANT*>(value), 0);
      if (FAILED(hr)) return hr_text("IWbemClassObject::Put", hr);
    }
    ComPtr<IWbemClassObject> out;
    const HRESULT hr = services_->ExecMethod(Bstr(path).get(), Bstr(method).get(), 0, nullptr,
                                             in_params.Get(), out.GetAddressOf(), nullptr);
    if (FAILED(hr)) return hr_text(hostcheck::detail::utf8(method), hr);
    return {};
  }

 private:
  detail::ComApartment com_;
  ComPtr<IWbemServices> services_;
};

std::string on_service(const wchar_t* method, const wchar_t* param = nullptr,
                       const VARIANT* value = nullptr) {
  Wmi wmi;
  std::wstring path;
  if (std::string why = wmi.connect(); !why.empty()) return why;
  if (std::string why = wmi.path_of(kServiceQuery, "SoftwareLicensingService", path); !why.empty()) {
    return why;
  }
  return wmi.call(path, L"SoftwareLicensingService", method, param, value);
}

// Task Scheduler: the LicenseImdsIntegration task, for enable/disable and run.
std::string with_task(const std::function<std::string(IRegisteredTask*)>& fn) {
  detail::ComApartment com;
  if (!com.ok()) return hr_text("CoInitializeEx", com.result());
  ComPtr<IRegisteredTask> task;
  std::string step;
  const HRESULT hr = detail::open_task(kImdsTaskFolder, kImdsTaskName, task, step);
  if (FAILED(hr)) return hr_text(step, hr);
  return fn(task.Get());
}

// route.exe from the system directory, with arguments that are only validated dotted quads and
// numbers: nothing in the command line comes from outside text.
std::string run_route_exe(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    for (char ch : a) {
      if (!((ch >= '0' && ch <= '9') || ch == '.' || (ch >= 'a' && ch <= 'z') || ch == '-')) {
        return "refused: route.exe argument \"" + a + "\" has a character outside [0-9a-z.-]";
      }
    }
  }
  wchar_t system[MAX_PATH];
  const UINT n = ::GetSystemDirectoryW(system, MAX_PATH);
  if (n == 0 || n >= MAX_PATH) return windows_error_text("GetSystemDirectoryW", ::GetLastError());
  const std::wstring exe = std::wstring(system, n) + L"\\route.exe";
  std::wstring line = L"\"" + exe + L"\"";
  for (const auto& a : args) line += L" " + utf16(a);
  STARTUPINFOW si{};
  si.cb = sizeof(si);
  PROCESS_INFORMATION pi{};
  if (!::CreateProcessW(exe.c_str(), line.data(), nullptr, nullptr, FALSE, CREATE_NO_WINDOW,
                        nullptr, nullptr, &si, &pi)) {
    return windows_error_text("CreateProcessW(route.exe)", ::GetLastError());
  }
  ::CloseHandle(pi.hThread);
  const DWORD waited = ::WaitForSingleObject(pi.hProcess, 30000);
  DWORD code = 1;
  ::GetExitCodeProcess(pi.hProcess, &code);
  ::CloseHandle(pi.hProcess);
  if (waited != WAIT_OBJECT_0) return "route.exe did not finish within 30 s";
  if (code != 0) return "route.exe " + args.front() + " exited with " + std::to_string(code);
  return {};
}

bool valid_route(const RouteChange& r) {
  return hostcheck::parse_ipv4(r.target) && hostcheck::parse_ipv4(r.gateway);
}

// Whether the active table holds `r` (the /32 to its target via its gateway); nullopt when the
// table cannot be read (then route.exe is asked and says).
std::optional<bool> host_route_present(const RouteChange& r) {
  auto table = hostcheck::make_network_inspector()->ipv4_routes();
  if (!table.ok()) return std::nullopt;
  for (const auto& row : *table.value) {
    if (row.destination == r.target && row.prefix_length == 32 && row.gateway == r.gateway) {
      return true;
    }
  }
  return false;
}

class WindowsActions : public ActivationActions {
 public:
  std::string set_task_enabled(bool enabled) override {
    return with_task([enabled](IRegisteredTask* t) {
      const HRESULT hr = t->put_Enabled(enabled ? VARIANT_TRUE : VARIANT_FALSE);
      return FAILED(hr) ? hr_text("IRegisteredTask::put_Enabled", hr) : std::string();
    });
  }

  std::string run_task(std::chrono::seconds timeout) override {
    return with_task([timeout](IRegisteredTask* t) {
      Variant none;
      ComPtr<IRunningTask> running;
      HRESULT hr = t->RunEx(none.value(), kTaskRunIgnoreConstraints, 0, nullptr,
                            running.GetAddressOf());
      if (FAILED(hr)) return hr_text("IRegisteredTask::RunEx", hr);
      const auto until = std::chrono::steady_clock::now() + timeout;
      TASK_STATE state = TASK_STATE_RUNNING;
      do {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        if (FAILED(t->get_State(&state))) break;
      } while ((state == TASK_STATE_RUNNING || state == TASK_STATE_QUEUED) &&
               std::chrono::steady_clock::now() < until);
      if (state == TASK_STATE_RUNNING || state == TASK_STATE_QUEUED) {
        return "the task was still running after " + std::to_string(timeout.count()) + " s";
      }
      return std::string();
    });
  }

  std::string add_route(const RouteChange& r) override {
    if (!valid_route(r)) return "refused: not an IPv4 route: " + r.target + " via " + r.gateway;
    const std::optional<bool> present = host_route_present(r);
    if (present && *present) return {};  // already there is success (apply.h)
    return run_route_exe({"-p", "add", r.target, "mask", "255.255.255.255", r.gateway, "metric",
                          std::to_string(r.metric == 0 ? 1 : r.metric), "if",
                          std::to_string(r.interface_index)});
  }

  std::string delete_route(const RouteChange& r) override {
    if (!valid_route(r)) return "refused: not an IPv4 route: " + r.target + " via " + r.gateway;
    const std::optional<bool> present = host_route_present(r);
    if (present && !*present) return {};  // nothing to delete is success (apply.h)
    return run_route_exe({"delete", r.target, "mask", "255.255.255.255", r.gateway});
  }

  std::string install_product_key(const std::string& key) override {
    if (!is_product_key_form(key)) return "refused: \"" + key + "\" is not a product key";
    Variant v;
    v.get()->vt = VT_BSTR;
    v.get()->bstrVal = ::SysAllocString(utf16(key).c_str());
    if (std::string why = on_service(L"InstallProductKey", L"ProductKey", &v.value()); !why.empty()) {
      return why;
    }
    return on_service(L"RefreshLicenseStatus");
  }

  std::string set_kms_host(const std::string& host, std::uint16_t port) override {
    if (host.empty()) {
      if (std::string why = on_service(L"ClearKeyManagementServiceMachine"); !why.empty()) return why;
    } else {
      if (!parse_kms_target(host).target && !parse_kms_target("[" + host + "]").target) {
        return "refused: \"" + host + "\" is not a host name or address";
      }
      Variant v;
      v.get()->vt = VT_BSTR;
      v.get()->bstrVal = ::SysAllocString(utf16(host).c_str());
      if (std::string why = on_service(L"SetKeyManagementServiceMachine", L"MachineName", &v.value());
          !why.empty()) {
        return why;
      }
    }
    if (port == 0) return on_service(L"ClearKeyManagementServicePort");
    Variant p;
    p.get()->vt = VT_I4;
    p.get()->lVal = port;
    return on_service(L"SetKeyManagementServicePort", L"PortNumber", &p.value());
  }

  std::string activate_windows() override {
    Wmi wmi;
    std::wstring path;
    if (std::string why = wmi.connect(); !why.empty()) return why;
    if (std::string why = wmi.path_of(kProductQuery, "SoftwareLicensingProduct", path); !why.empty()) {
      return why;
    }
    return wmi.call(path, L"SoftwareLicensingProduct", L"Activate");
  }

  ActivationFacts reread(const ActivationFacts& before) override {
    ActivationFacts f = before;
    f.licensing = read_licensing_state();
    f.task = make_task_scheduler()->read(kImdsTaskFolder, kImdsTaskName);
    auto net = hostcheck::make_network_inspector();
    for (auto& r : f.aws_routes) {
      auto now = net->route_to(r.target);
      r.route = now.ok() ? std::optional<hostcheck::Route>(*now.value) : std::nullopt;
    }
    return f;
  }
};

}  // namespace

std::unique_ptr<ActivationActions> make_activation_actions() {
  return std::make_unique<WindowsActions>();
}

}  // namespace hciattest::activation

#include <sddl.h>

#include <filesystem>

namespace hciattest::activation {

std::string create_journal_directory(const std::string& dir) {
  std::error_code ec;
  const std::filesystem::path path(hostcheck::detail::utf16(dir));
  if (std::filesystem::is_directory(path, ec)) return {};
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  // Protected DACL: full control for SYSTEM and the Administrators group, inherited by the files.
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (!::ConvertStringSecurityDescriptorToSecurityDescriptorW(
          L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)", SDDL_REVISION_1, &sd, nullptr)) {
    return windows_error_text("ConvertStringSecurityDescriptorToSecurityDescriptorW", ::GetLastError());
  }
  SECURITY_ATTRIBUTES sa{sizeof(sa), sd, FALSE};
  const BOOL made = ::CreateDirectoryW(path.c_str(), &sa);
  const DWORD err = ::GetLastError();
  ::LocalFree(sd);
  if (!made && err != ERROR_ALREADY_EXISTS) return windows_error_text("CreateDirectoryW(" + dir + ")", err);
  return {};
}

}  // namespace hciattest::activation
