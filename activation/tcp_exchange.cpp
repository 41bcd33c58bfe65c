#include "activation/tcp_exchange.h"

#include <algorithm>

#include "activation/detail/tcp_socket.h"

namespace hciattest::activation {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

std::int64_t left(Clock::time_point deadline) {
  return std::max<std::int64_t>(0, ms_between(Clock::now(), deadline));
}

}  // namespace

ExchangeResult tcp_exchange(const std::string& address, std::uint16_t port,
                            const std::vector<std::uint8_t>& request, const ReplyLength& needed,
                            std::size_t max_reply, std::chrono::milliseconds timeout) {
  ExchangeResult r;
  const auto t0 = Clock::now();
  const auto deadline = t0 + timeout;
  auto finish = [&]() -> ExchangeResult& {
    r.total_ms = ms_between(t0, Clock::now());
    return r;
  };
  detail::TcpSocket sock;
  const detail::TcpSocket::Start start = sock.connect(address, port, r.error);
  if (start == detail::TcpSocket::Start::kFailed) {
    r.connect_ms = ms_between(t0, Clock::now());
    return finish();
  }
  if (start == detail::TcpSocket::Start::kPending) {
    const int rc = sock.wait(true, left(deadline), r.error);
    r.connect_ms = ms_between(t0, Clock::now());
    if (rc == 0) {
      r.timed_out = true;
      r.error = "connect timed out after " + std::to_string(r.connect_ms) +
                " ms (no answer: packets dropped, or nothing at that address)";
      return finish();
    }
    if (rc < 0) return finish();
    r.error = sock.connect_error();
    if (!r.error.empty()) return finish();
  }
  r.connect_ms = ms_between(t0, Clock::now());

  r.stage = ExchangeStage::kSend;
  std::size_t sent = 0;
  while (sent < request.size()) {
    const long n = sock.send_some(request.data() + sent, request.size() - sent, r.error);
    if (n < 0) return finish();
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    const int rc = sock.wait(true, left(deadline), r.error);
    if (rc < 0) return finish();
    if (rc == 0) {
      r.timed_out = true;
      r.error = "send timed out";
      return finish();
    }
  }

  r.stage = ExchangeStage::kReceive;
  std::uint8_t buf[2048];
  while (r.reply.size() < std::min(needed(r.reply), max_reply)) {
    const int rc = sock.wait(false, left(deadline), r.error);
    if (rc < 0) return finish();
    if (rc == 0) {
      r.timed_out = true;
      r.error = "no whole reply within " + std::to_string(timeout.count()) + " ms (" +
                std::to_string(r.reply.size()) + " bytes received)";
      return finish();
    }
    bool reset = false;
    const long n = sock.receive_some(buf, sizeof(buf), r.error, reset);
    if (n == -2) continue;
    if (n == 0) {
      r.peer_closed = true;
      r.error = "the peer closed the connection after " + std::to_string(r.reply.size()) +
                " bytes of reply";
      return finish();
    }
    if (n < 0) {
      r.peer_closed = reset;
      return finish();
    }
    r.reply.insert(r.reply.end(), buf, buf + n);
  }
  if (r.reply.size() > max_reply) r.reply.resize(max_reply);
  if (r.reply.size() < needed(r.reply)) {
    r.error = "the reply is larger than the " + std::to_string(max_reply) + "-byte cap";
    return finish();
  }
  r.stage = ExchangeStage::kComplete;
  return finish();
}

}  // namespace hciattest::activation
