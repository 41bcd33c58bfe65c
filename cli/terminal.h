// Whether standard output is a terminal (colour only then). One file per platform.
#pragma once

namespace hciattest::cli {

bool stdout_is_terminal();

}  // namespace hciattest::cli
