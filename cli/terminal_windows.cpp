#include <io.h>
#include <stdio.h>

#include "cli/terminal.h"

namespace hciattest::cli {

bool stdout_is_terminal() { return _isatty(_fileno(stdout)) != 0; }

}  // namespace hciattest::cli
