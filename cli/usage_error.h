// A command-line mistake: the message says what was wrong and what to do; exit code 2.
#pragma once

#include <string>

namespace hciattest::cli {

struct UsageError {
  std::string message;
};

}  // namespace hciattest::cli
