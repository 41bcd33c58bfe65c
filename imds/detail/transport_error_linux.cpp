#include <cerrno>

#include "imds/detail/transport_error.h"

namespace hciattest::imds::detail {

// cpprestsdk's asio client (FACTS.md: 110 timeout, 113/111 unreachable/refused).
TransportError classify_transport_error(const std::error_code& ec) {
  switch (ec.value()) {
    case 0: return TransportError::kOther;
    case ETIMEDOUT: return TransportError::kTimeout;
    case ECONNREFUSED:
    case EHOSTUNREACH:
    case ENETUNREACH: return TransportError::kRefused;
    case ECONNRESET:
    case EPIPE:
    case ECONNABORTED: return TransportError::kReset;
    default: break;
  }
  if (ec == std::errc::timed_out) return TransportError::kTimeout;
  return TransportError::kOther;
}

}  // namespace hciattest::imds::detail
