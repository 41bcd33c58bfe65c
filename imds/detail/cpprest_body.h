#pragma once

// Private to imds/: reads a cpprestsdk response body with a byte cap. Both of the module's
// cpprestsdk users (the IMDS transport and the AIA fetcher) read bodies this way.

#include <cpprest/http_msg.h>

#include <cstddef>
#include <string>

namespace hciattest::imds::detail {

// Reads at most max_bytes + 1 bytes of the body into out, so a body without Content-Length is
// capped too. Returns the number of bytes read: more than max_bytes means "over the cap" and out
// then holds the first max_bytes + 1 bytes. Throws what cpprestsdk throws (http_exception on a
// reset or timeout mid-body); callers catch at their edge.
std::size_t read_capped_body(web::http::http_response& response, std::size_t max_bytes,
                             std::string& out);

}  // namespace hciattest::imds::detail
