#include "tests/support/child_process.h"

#include <windows.h>

namespace hciattest::testing {
namespace {

std::wstring wide(const std::string& s) {
  if (s.empty()) return {};
  const int n = ::MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring w(static_cast<std::size_t>(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), w.data(), n);
  return w;
}

// One argument as CommandLineToArgvW reads it back (quotes, and backslashes before them).
std::wstring quoted(const std::wstring& a) {
  std::wstring out = L"\"";
  std::size_t slashes = 0;
  for (wchar_t c : a) {
    if (c == L'\\') {
      ++slashes;
      continue;
    }
    out.append(c == L'"' ? slashes * 2 + 1 : slashes, L'\\');
    slashes = 0;
    out += c;
  }
  out.append(slashes * 2, L'\\');
  return out + L"\"";
}

}  // namespace

ChildExit run_child(const std::string& program, const std::vector<std::string>& args) {
  ChildExit out;
  std::wstring line = quoted(wide(program));
  for (const auto& a : args) line += L" " + quoted(wide(a));
  STARTUPINFOW si{};
  si.cb = sizeof(si);
  PROCESS_INFORMATION pi{};
  if (!::CreateProcessW(wide(program).c_str(), line.data(), nullptr, nullptr, FALSE, 0, nullptr,
                        nullptr, &si, &pi)) {
    out.error = "CreateProcessW " + program + ": error " + std::to_string(::GetLastError());
    return out;
  }
  out.started = true;
  ::CloseHandle(pi.hThread);
  ::WaitForSingleObject(pi.hProcess, INFINITE);
  DWORD code = 0;
  ::GetExitCodeProcess(pi.hProcess, &code);
  ::CloseHandle(pi.hProcess);
  out.killed = code == 0xDEAD;
  out.code = static_cast<int>(code);
  return out;
}

}  // namespace hciattest::testing
