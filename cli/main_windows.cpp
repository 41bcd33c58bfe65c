// hciattest.exe: the same program as main.cpp, started from wmain so that arguments (paths and
// names on a localized Windows) arrive as UTF-16 and are converted to UTF-8 once, here.
// winsock2.h before windows.h: hostcheck/detail/windows_convert.h (below) includes it.
// clang-format off
#include <winsock2.h>
#include <windows.h>
// clang-format on

#include <fcntl.h>
#include <io.h>

#include <cstdio>
#include <ios>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/console.h"
#include "hostcheck/detail/windows_convert.h"

int wmain(int argc, wchar_t** argv) {
  // DLLs loaded at run time (none today, delay-loaded ones later) come from System32 only, never
  // from the folder the exe was started from (DLL planting: FACTS.md).
  SetDefaultDllDirectories(LOAD_LIBRARY_SEARCH_SYSTEM32);
  // As in main.cpp: buffered standard streams, before the console writer replaces the output
  // buffers (sync_with_stdio(false) would replace them again).
  std::ios::sync_with_stdio(false);
  hciattest::cli::use_utf8_console();
  // Standard input in binary mode: in the C runtime's default text mode a DER document piped in
  // would end at its first 0x1A byte (Ctrl+Z) and lose every CR before a LF.
  _setmode(_fileno(stdin), _O_BINARY);
  std::vector<std::string> args;
  args.reserve(static_cast<std::size_t>(argc));
  for (int i = 0; i < argc; ++i) args.push_back(hciattest::hostcheck::detail::utf8(argv[i]));
  std::vector<char*> pointers;
  for (auto& a : args) pointers.push_back(a.data());
  pointers.push_back(nullptr);
  return hciattest::cli::run_process(argc, pointers.data());
}
