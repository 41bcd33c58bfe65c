// What a failed exchange's error code means, per platform: cpprestsdk reports errno values on
// Linux (its asio client) and WinHTTP / Winsock codes on Windows, and its what() text varies,
// so the transport classifies on the code (transport_error_{linux,windows}.cpp). Private to imds/.
#pragma once

#include <system_error>

#include "imds/transport.h"

namespace hciattest::imds::detail {

TransportError classify_transport_error(const std::error_code& ec);

}  // namespace hciattest::imds::detail
