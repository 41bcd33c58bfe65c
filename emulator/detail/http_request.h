// The emulator's HTTP/1.x request reader, free of sockets: bytes in, a request or a refusal out,
// every part under a cap so that no client (the emulator listens on addresses other machines may
// reach, such as 169.254.169.253 in a namespace) can make it hold more than the caps: a request
// line over 8 KiB is refused with 414, a head (request line and headers) over 16 KiB with 431, a
// body over 64 KiB (IMDS requests have none) with 413. The server (server.cpp) keeps at most
// one head's worth of unparsed bytes, plus one read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "emulator/imds_emulator.h"

namespace hciattest::emulator::detail {

inline constexpr std::size_t kMaxRequestLineBytes = 8 * 1024;
inline constexpr std::size_t kMaxRequestHeadBytes = 16 * 1024;
inline constexpr std::size_t kMaxRequestBodyBytes = 64 * 1024;

struct RequestHead {
  enum class State {
    kNeedMore,  // no complete head yet, and nothing over a cap: read more
    kComplete,  // `request`, `head_bytes`, `body_bytes` and `keep_alive` are set
    kRejected,  // answer `status` with `reason`, then close the connection
  };
  State state = State::kNeedMore;
  EmulatorRequest request;
  std::size_t head_bytes = 0;   // the head's length in the buffer, blank line included
  std::size_t body_bytes = 0;   // Content-Length (at most kMaxRequestBodyBytes)
  bool keep_alive = true;       // HTTP/1.1 without "Connection: close"
  int status = 0;               // 400, 413, 414, 431, 501 or 505 when rejected
  std::string reason;
};

// Reads the request head at the start of `buffer` (the bytes received so far on a connection).
// Lines end in CRLF or a bare LF. Header names are lower-cased; a repeated header has its values
// joined with ", " (as HTTP allows), except Content-Length, which must not disagree.
// Transfer-Encoding is refused (501): IMDS requests carry no body.
RequestHead read_request_head(std::string_view buffer);

}  // namespace hciattest::emulator::detail
