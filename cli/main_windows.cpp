// hciattest.exe: the same program as main.cpp, started from wmain so that arguments (paths and
// names on a localized Windows) arrive as UTF-16 and are converted to UTF-8 once, here.
// winsock2.h before windows.h: hostcheck/detail/windows_convert.h (below) includes it.
// clang-format off
#include <winsock2.h>
#include <windows.h>
// clang-format on

#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/console.h"
#include "hostcheck/detail/windows_convert.h"

int wmain(int argc, wchar_t** argv) {
  // DLLs loaded at run time (none today, delay-loaded ones later) come from System32 only, never
  // from the folder the exe was started from (DLL planting: FACTS.md).
  SetDefaultDllDirectories(LOAD_LIBRARY_SEARCH_SYSTEM32);
  hciattest::cli::use_utf8_console();
  std::vector<std::string> args;
  args.reserve(static_cast<std::size_t>(argc));
  for (int i = 0; i < argc; ++i) args.push_back(hciattest::hostcheck::detail::utf8(argv[i]));
  std::vector<char*> pointers;
  for (auto& a : args) pointers.push_back(a.data());
  pointers.push_back(nullptr);
  return hciattest::cli::run_process(argc, pointers.data());
}
