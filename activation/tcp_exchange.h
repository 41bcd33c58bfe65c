// One request/reply exchange over TCP with a deadline: connect, send the request, read until the
// reply is whole (as `needed` says), the peer closes, the cap is hit, or the time is up. Used by
// the KMS probe for its DCE/RPC bind. The logic is tcp_exchange.cpp; the socket underneath is
// detail/tcp_socket.h (BSD sockets + poll on Linux, Winsock + select on Windows; CMake picks one).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace hciattest::activation {

enum class ExchangeStage {
  kConnect,   // the connection was not made (refused, unreachable, timed out)
  kSend,      // connected, the request could not be sent
  kReceive,   // sent; the reply did not come whole (silent peer, closed early, cap)
  kComplete,  // a whole reply was read
};

struct ExchangeResult {
  ExchangeStage stage = ExchangeStage::kConnect;
  std::vector<std::uint8_t> reply;  // what was read, whole or not
  std::string error;                // empty when complete; else what failed, with the OS code
  bool peer_closed = false;         // the peer closed the connection before the reply was whole
  bool timed_out = false;
  std::int64_t connect_ms = 0;      // from start until connected (or failed)
  std::int64_t total_ms = 0;
};

// `address` is a numeric IPv4 or IPv6 address (no name resolution here). `needed(reply)` says
// how many bytes the reply must hold to be whole; reading stops there, at `max_reply` bytes, at
// the peer's close, or at the deadline (`timeout` for the whole exchange).
using ReplyLength = std::function<std::size_t(const std::vector<std::uint8_t>&)>;
ExchangeResult tcp_exchange(const std::string& address, std::uint16_t port,
                            const std::vector<std::uint8_t>& request, const ReplyLength& needed,
                            std::size_t max_reply, std::chrono::milliseconds timeout);

}  // namespace hciattest::activation
