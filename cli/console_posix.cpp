#include "cli/console.h"

namespace hciattest::cli {

// Linux terminals, pipes and files take the UTF-8 bytes as they are.
void use_utf8_console() {}

}  // namespace hciattest::cli
