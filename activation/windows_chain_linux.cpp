#include "activation/windows_chain.h"

namespace hciattest::activation {

WindowsChainResult check_windows_chain(const std::vector<std::vector<unsigned char>>&,
                                       std::optional<std::int64_t>) {
  WindowsChainResult r;
  r.error = "not applicable on Linux (Windows' certificate chain engine)";
  return r;
}

}  // namespace hciattest::activation
