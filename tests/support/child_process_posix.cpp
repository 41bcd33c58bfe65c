#include "tests/support/child_process.h"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <csignal>
#include <cstring>

extern char** environ;

namespace hciattest::testing {

ChildExit run_child(const std::string& program, const std::vector<std::string>& args) {
  ChildExit out;
  std::vector<std::string> all{program};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (int rc = ::posix_spawn(&pid, program.c_str(), nullptr, nullptr, argv.data(), environ); rc != 0) {
    out.error = "posix_spawn " + program + ": " + std::strerror(rc);
    return out;
  }
  out.started = true;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) {
    out.killed = WTERMSIG(status) == SIGKILL;
    out.code = 128 + WTERMSIG(status);
  } else if (WIFEXITED(status)) {
    out.code = WEXITSTATUS(status);
  }
  return out;
}

}  // namespace hciattest::testing
