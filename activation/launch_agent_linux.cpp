#include "activation/launch_agent.h"

namespace hciattest::activation {

LaunchAgentProbe probe_launch_agent() {
  LaunchAgentProbe p;
  p.not_applicable = "not applicable on Linux (EC2 launch agents are Windows services)";
  return p;
}

}  // namespace hciattest::activation
