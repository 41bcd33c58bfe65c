#include "imds/detail/cpprest_body.h"

#include <cpprest/containerstream.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace hciattest::imds::detail {

std::size_t read_capped_body(web::http::http_response& response, std::size_t max_bytes,
                             std::string& out) {
  // The body is a basic_istream<uint8_t>: its sink must be a streambuf<uint8_t>. A
  // container_buffer<std::string> is a streambuf<char>; cpprestsdk's converting constructor
  // accepts it, but every call through it is then made on the wrong type (UBSan's vptr check
  // caught it in the linux-asan build).
  concurrency::streams::container_buffer<std::vector<std::uint8_t>> sink;
  const std::size_t got = response.body().read(sink, max_bytes + 1).get();
  const std::vector<std::uint8_t>& bytes = sink.collection();
  out.assign(bytes.begin(),
             bytes.begin() + static_cast<std::ptrdiff_t>(std::min(got, bytes.size())));
  return got;
}

}  // namespace hciattest::imds::detail
