#include <unistd.h>

#include "cli/terminal.h"

namespace hciattest::cli {

bool stdout_is_terminal() { return isatty(STDOUT_FILENO) == 1; }

}  // namespace hciattest::cli
