#include <winsock2.h>
#include <windows.h>
#include <winhttp.h>

#include "imds/detail/transport_error.h"

namespace hciattest::imds::detail {

// cpprestsdk's WinHTTP client puts the WinHTTP (or underlying Winsock) error in error_code();
// Wine gives the same codes (FACTS.md: a closed port is 12029).
TransportError classify_transport_error(const std::error_code& ec) {
  switch (ec.value()) {
    case 0: return TransportError::kOther;
    case ERROR_WINHTTP_TIMEOUT:
    case WSAETIMEDOUT:
    case ERROR_TIMEOUT: return TransportError::kTimeout;
    case ERROR_WINHTTP_CANNOT_CONNECT:
    case ERROR_WINHTTP_NAME_NOT_RESOLVED:
    case WSAECONNREFUSED:
    case WSAEHOSTUNREACH:
    case WSAENETUNREACH: return TransportError::kRefused;
    case ERROR_WINHTTP_CONNECTION_ERROR:
    case ERROR_WINHTTP_INVALID_SERVER_RESPONSE:
    case WSAECONNRESET:
    case WSAECONNABORTED: return TransportError::kReset;
    default: break;
  }
  return TransportError::kOther;
}

}  // namespace hciattest::imds::detail
