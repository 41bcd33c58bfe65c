// Windows: WMI (root\cimv2, SoftwareLicensingProduct) for the licensing state, the registry for
// the edition, the process token for elevation. The WQL text is a constant: nothing from outside
// is ever put into it (STYLE.md rule 9).
// clang-format off
#include <winsock2.h>
#include <windows.h>
#include <wbemidl.h>
// clang-format on

#include <vector>

#include "activation/detail/com.h"
#include "activation/detail/wmi_values.h"
#include "activation/licensing.h"
#include "hostcheck/detail/windows_convert.h"

namespace hciattest::activation {
namespace {

using detail::Bstr;
using detail::ComPtr;
using detail::Variant;
using hostcheck::detail::utf8;
using hostcheck::detail::windows_error_text;

// learn.microsoft.com sppwmi: Windows' application id; add-ons (ESU) excluded by LicenseIsAddon.
constexpr wchar_t kProductQuery[] =
    L"SELECT Name, Description, PartialProductKey, LicenseStatus, LicenseStatusReason, "
    L"GracePeriodRemaining, KeyManagementServiceMachine, KeyManagementServicePort, "
    L"DiscoveredKeyManagementServiceMachineName FROM SoftwareLicensingProduct WHERE "
    L"ApplicationID = '55c92734-d682-4d71-983e-d6ec3f16059f' AND PartialProductKey IS NOT NULL "
    L"AND LicenseIsAddon = FALSE";

constexpr wchar_t kServiceQuery[] =
    L"SELECT Version, KeyManagementServiceMachine, KeyManagementServicePort FROM "
    L"SoftwareLicensingService";

bool to_value(const VARIANT& v, detail::WmiValue& out) {
  switch (v.vt) {
    case VT_BSTR: out = utf8(v.bstrVal); return true;
    case VT_I4: out = static_cast<std::int64_t>(v.lVal); return true;
    case VT_UI4: out = static_cast<std::int64_t>(v.ulVal); return true;
    case VT_I2: out = static_cast<std::int64_t>(v.iVal); return true;
    case VT_UI1: out = static_cast<std::int64_t>(v.bVal); return true;
    case VT_I8: out = static_cast<std::int64_t>(v.llVal); return true;
    case VT_BOOL: out = v.boolVal != VARIANT_FALSE; return true;
    default: return false;  // VT_NULL, VT_EMPTY: absent
  }
}

template <std::size_t N>
detail::WmiInstance properties(IWbemClassObject* row, const char* const (&names)[N]) {
  detail::WmiInstance out;
  for (const char* name : names) {
    Variant v;
    if (SUCCEEDED(row->Get(hostcheck::detail::utf16(name).c_str(), 0, v.get(), nullptr, nullptr))) {
      detail::WmiValue value;
      if (to_value(v.value(), value)) out[name] = value;
    }
  }
  return out;
}

std::string registry_string(const wchar_t* name, std::string& error) {
  DWORD bytes = 0;
  constexpr wchar_t kKey[] = L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
  LSTATUS rc = ::RegGetValueW(HKEY_LOCAL_MACHINE, kKey, name, RRF_RT_REG_SZ, nullptr, nullptr, &bytes);
  if (rc != ERROR_SUCCESS) {
    if (rc != ERROR_FILE_NOT_FOUND) {
      error = windows_error_text("RegGetValueW(" + utf8(name) + ")", static_cast<unsigned long>(rc));
    }
    return {};
  }
  std::vector<wchar_t> buf(bytes / sizeof(wchar_t) + 1);
  rc = ::RegGetValueW(HKEY_LOCAL_MACHINE, kKey, name, RRF_RT_REG_SZ, nullptr, buf.data(), &bytes);
  if (rc != ERROR_SUCCESS) {
    error = windows_error_text("RegGetValueW(" + utf8(name) + ")", static_cast<unsigned long>(rc));
    return {};
  }
  return utf8(buf.data());
}

}  // namespace

LicensingState read_licensing_state() {
  LicensingState s;
  detail::ComApartment com;
  if (!com.ok()) {
    s.error = detail::com_error("CoInitializeEx", com.result());
    return s;
  }
  ComPtr<IWbemLocator> locator;
  HRESULT hr = ::CoCreateInstance(CLSID_WbemLocator, nullptr, CLSCTX_INPROC_SERVER, IID_IWbemLocator,
                                  reinterpret_cast<void**>(locator.GetAddressOf()));
  if (FAILED(hr)) {
    s.error = detail::com_error("CoCreateInstance(WbemLocator)", hr);
    return s;
  }
  ComPtr<IWbemServices> services;
  hr = locator->ConnectServer(Bstr(L"ROOT\\CIMV2").get(), nullptr, nullptr, nullptr, 0, nullptr,
                              nullptr, services.GetAddressOf());
  if (FAILED(hr)) {
    s.error = detail::com_error("IWbemLocator::ConnectServer(ROOT\\CIMV2)", hr);
    return s;
  }
  // On the proxy rather than process-wide CoInitializeSecurity: a library must not set the
  // process's COM security.
  hr = ::CoSetProxyBlanket(services.Get(), RPC_C_AUTHN_WINNT, RPC_C_AUTHZ_NONE, nullptr,
                           RPC_C_AUTHN_LEVEL_CALL, RPC_C_IMP_LEVEL_IMPERSONATE, nullptr, EOAC_NONE);
  if (FAILED(hr)) {
    s.error = detail::com_error("CoSetProxyBlanket", hr);
    return s;
  }
  ComPtr<IEnumWbemClassObject> rows;
  hr = services->ExecQuery(Bstr(L"WQL").get(), Bstr(kProductQuery).get(),
                           WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY, nullptr,
                           rows.GetAddressOf());
  if (FAILED(hr)) {
    s.error = detail::com_error("WMI query of SoftwareLicensingProduct", hr);
    return s;
  }
  ComPtr<IWbemClassObject> row;
  ULONG got = 0;
  hr = rows->Next(30000, 1, row.GetAddressOf(), &got);
  if (FAILED(hr) || hr == WBEM_S_TIMEDOUT) {
    s.error = detail::com_error("IEnumWbemClassObject::Next(SoftwareLicensingProduct)", hr);
    return s;
  }
  if (got == 0) {
    s.error = "no Windows licence with a product key in SoftwareLicensingProduct (no key "
              "installed, or the Software Protection service is stopped)";
    return s;
  }
  LicensingState state = detail::licensing_from(properties(row.Get(), detail::kLicensingProperties));
  // The service's own setting, best effort: the product's state above is what decides.
  ComPtr<IEnumWbemClassObject> services_rows;
  if (SUCCEEDED(services->ExecQuery(Bstr(L"WQL").get(), Bstr(kServiceQuery).get(),
                                    WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY, nullptr,
                                    services_rows.GetAddressOf()))) {
    ComPtr<IWbemClassObject> service;
    ULONG n = 0;
    if (SUCCEEDED(services_rows->Next(30000, 1, service.GetAddressOf(), &n)) && n == 1) {
      detail::add_service_values(properties(service.Get(), detail::kServiceProperties), state);
    }
  }
  return state;
}

std::optional<WindowsVersion> read_windows_version(std::string& error) {
  WindowsVersion v;
  error.clear();
  v.edition_id = registry_string(L"EditionID", error);
  v.product_name = registry_string(L"ProductName", error);
  v.installation_type = registry_string(L"InstallationType", error);
  const std::string build = registry_string(L"CurrentBuildNumber", error);
  if (!error.empty()) return std::nullopt;
  try {
    v.build = build.empty() ? 0 : std::stoi(build);
  } catch (const std::exception&) {
    error = "CurrentBuildNumber \"" + build + "\" is not a number";
    return std::nullopt;
  }
  if (v.edition_id.empty()) {
    error = "the registry has no EditionID under HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
    return std::nullopt;
  }
  return v;
}

bool running_elevated() {
  HANDLE token = nullptr;
  if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token)) return false;
  TOKEN_ELEVATION elevation{};
  DWORD size = 0;
  const BOOL ok = ::GetTokenInformation(token, TokenElevation, &elevation, sizeof(elevation), &size);
  ::CloseHandle(token);
  return ok && elevation.TokenIsElevated != 0;
}

}  // namespace hciattest::activation
