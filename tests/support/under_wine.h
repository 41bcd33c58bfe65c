// Windows tests only: whether this executable runs under Wine (Wine's ntdll exports
// wine_get_version; Windows' does not). Tests use it to assert what Wine was measured to answer
// and to skip what would change a real Windows machine.
#pragma once

#include <windows.h>

namespace hciattest::testing {

inline bool under_wine() {
  const HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
  return ntdll != nullptr && ::GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

}  // namespace hciattest::testing
