// Windows: the Application log through the Windows Event Log API (EvtQuery, newest first;
// EvtRender with a system and a user render context: values, never the localised message).
// clang-format off
#include <winsock2.h>
#include <windows.h>
#include <winevt.h>
// clang-format on

#include <memory>
#include <vector>

#include "activation/spp_events.h"
#include "hostcheck/detail/windows_convert.h"

namespace hciattest::activation {
namespace {

using hostcheck::detail::utf8;
using hostcheck::detail::windows_error_text;

struct EvtCloser {
  void operator()(void* h) const {
    if (h != nullptr) ::EvtClose(static_cast<EVT_HANDLE>(h));
  }
};
using EvtPtr = std::unique_ptr<void, EvtCloser>;

// A constant query: nothing from outside goes into it.
constexpr wchar_t kQuery[] =
    L"*[System[Provider[@Name='Microsoft-Windows-Security-SPP'] and (EventID=12288 or "
    L"EventID=12289 or EventID=8196 or EventID=8198 or EventID=8200)]]";

std::string iso_from_filetime(ULONGLONG ft) {
  FILETIME f;
  f.dwLowDateTime = static_cast<DWORD>(ft);
  f.dwHighDateTime = static_cast<DWORD>(ft >> 32);
  SYSTEMTIME st;
  if (!::FileTimeToSystemTime(&f, &st)) return {};
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04u-%02u-%02uT%02u:%02u:%02uZ", st.wYear, st.wMonth, st.wDay,
                st.wHour, st.wMinute, st.wSecond);
  return buf;
}

// Renders `event` with `context` into `values`; false with `error` on failure.
bool render(EVT_HANDLE context, EVT_HANDLE event, std::vector<unsigned char>& buf, DWORD& count,
            std::string& error) {
  DWORD used = 0;
  count = 0;
  if (!::EvtRender(context, event, EvtRenderEventValues, static_cast<DWORD>(buf.size()),
                   buf.data(), &used, &count)) {
    if (::GetLastError() != ERROR_INSUFFICIENT_BUFFER) {
      error = windows_error_text("EvtRender", ::GetLastError());
      return false;
    }
    buf.resize(used);
    if (!::EvtRender(context, event, EvtRenderEventValues, static_cast<DWORD>(buf.size()),
                     buf.data(), &used, &count)) {
      error = windows_error_text("EvtRender", ::GetLastError());
      return false;
    }
  }
  return true;
}

std::string value_text(const EVT_VARIANT& v) {
  switch (v.Type & EVT_VARIANT_TYPE_MASK) {
    case EvtVarTypeString: return v.StringVal ? utf8(v.StringVal) : std::string();
    case EvtVarTypeUInt32: return std::to_string(v.UInt32Val);
    case EvtVarTypeInt32: return std::to_string(v.Int32Val);
    case EvtVarTypeUInt16: return std::to_string(v.UInt16Val);
    case EvtVarTypeHexInt32: {
      char b[16];
      std::snprintf(b, sizeof(b), "0x%08lX", static_cast<unsigned long>(v.UInt32Val));
      return b;
    }
    default: return {};
  }
}

}  // namespace

SppEventReading read_spp_events(std::size_t max) {
  SppEventReading r;
  // Cleared first: a call that fails without setting an error (Wine's stub) must not report an
  // earlier call's code (a service query's 1060 "service does not exist" was seen here).
  ::SetLastError(ERROR_SUCCESS);
  EvtPtr results(::EvtQuery(nullptr, L"Application", kQuery,
                            EvtQueryChannelPath | EvtQueryReverseDirection));
  if (!results) {
    const DWORD code = ::GetLastError();
    // Wine 8.0's EvtQuery is a stub: no handle, and no error code either.
    r.error = code == 0 ? "EvtQuery(Application, Security-SPP) returned no result handle and no "
                          "error code"
                        : windows_error_text("EvtQuery(Application, Security-SPP)", code);
    return r;
  }
  EvtPtr system(::EvtCreateRenderContext(0, nullptr, EvtRenderContextSystem));
  EvtPtr user(::EvtCreateRenderContext(0, nullptr, EvtRenderContextUser));
  if (!system || !user) {
    r.error = windows_error_text("EvtCreateRenderContext", ::GetLastError());
    return r;
  }
  r.available = true;
  std::vector<unsigned char> buf(4096);
  while (r.events.size() < max) {
    EVT_HANDLE batch[16];
    DWORD got = 0;
    if (!::EvtNext(results.get(), 16, batch, 5000, 0, &got)) {
      if (::GetLastError() != ERROR_NO_MORE_ITEMS) {
        r.error = windows_error_text("EvtNext", ::GetLastError());
      }
      break;
    }
    std::vector<EvtPtr> owned;
    for (DWORD i = 0; i < got; ++i) owned.emplace_back(batch[i]);
    for (DWORD i = 0; i < got && r.events.size() < max; ++i) {
      SppEvent e;
      DWORD count = 0;
      std::string error;
      if (!render(system.get(), batch[i], buf, count, error)) {
        r.error = error;
        continue;
      }
      const auto* v = reinterpret_cast<const EVT_VARIANT*>(buf.data());
      if (count > EvtSystemEventID) e.id = v[EvtSystemEventID].UInt16Val;
      if (count > EvtSystemTimeCreated) e.time = iso_from_filetime(v[EvtSystemTimeCreated].FileTimeVal);
      if (!render(user.get(), batch[i], buf, count, error)) {
        r.error = error;
        continue;
      }
      v = reinterpret_cast<const EVT_VARIANT*>(buf.data());
      for (DWORD k = 0; k < count; ++k) e.data.push_back(value_text(v[k]));
      r.events.push_back(std::move(e));
    }
  }
  return r;
}

}  // namespace hciattest::activation
