// Runs a program as a child process and tells how it ended: exited with a code, or killed (SIGKILL
// on Linux; on Windows TerminateProcess with the exit code 0xDEAD, which tests' children use for
// it). Linux: posix_spawn + waitpid (child_process_posix.cpp); Windows: CreateProcessW
// (child_process_windows.cpp).
#pragma once

#include <string>
#include <vector>

namespace hciattest::testing {

struct ChildExit {
  bool started = false;
  bool killed = false;
  int code = -1;      // the exit code when it exited
  std::string error;  // why it could not be started
};

// `program` is a path; its output goes to the test's.
ChildExit run_child(const std::string& program, const std::vector<std::string>& args);

}  // namespace hciattest::testing
