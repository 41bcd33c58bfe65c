#include "activation/firewall.h"

namespace hciattest::activation {

FirewallReading read_firewall() {
  FirewallReading r;
  r.error = "not applicable on Linux (Windows Firewall)";
  return r;
}

}  // namespace hciattest::activation
