#include "activation/spp_events.h"

namespace hciattest::activation {

SppEventReading read_spp_events(std::size_t) {
  SppEventReading r;
  r.error = "not applicable on Linux (Windows event log)";
  return r;
}

}  // namespace hciattest::activation
