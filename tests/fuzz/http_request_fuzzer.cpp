// The emulator's request reader (emulator/detail/http_request.h) on arbitrary bytes: no crash,
// every cap kept, a refusal always with its status, and a complete head that does not change when
// more bytes arrive after it (the server parses the same connection as it grows).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "emulator/detail/http_request.h"

namespace d = hciattest::emulator::detail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view buffer(reinterpret_cast<const char*>(data), size);
  const d::RequestHead head = d::read_request_head(buffer);
  switch (head.state) {
    case d::RequestHead::State::kComplete: {
      if (head.head_bytes == 0 || head.head_bytes > size || head.head_bytes > d::kMaxRequestHeadBytes)
        std::abort();
      if (head.body_bytes > d::kMaxRequestBodyBytes) std::abort();
      const std::string longer = std::string(buffer) + "GET / HTTP/1.1\r\n";
      const d::RequestHead again = d::read_request_head(longer);
      if (again.state != d::RequestHead::State::kComplete || again.head_bytes != head.head_bytes ||
          again.request.path != head.request.path || again.request.query != head.request.query)
        std::abort();
      break;
    }
    case d::RequestHead::State::kRejected:
      if (head.status < 400 || head.status > 505 || head.reason.empty()) std::abort();
      break;
    case d::RequestHead::State::kNeedMore:
      if (size > d::kMaxRequestHeadBytes) std::abort();  // over the cap must be refused, not waited on
      break;
  }
  return 0;
}
