// Windows: a non-blocking Winsock socket, select() against one deadline for connect, send and
// receive. select rather than WSAPoll: WSAPoll misreports a refused connect on Windows before
// 10 2004 (the bug Microsoft documents on its WSAPoll page).
// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
// clang-format on

#include <algorithm>

#include "activation/tcp_exchange.h"
#include "hostcheck/detail/windows_convert.h"
#include "hostcheck/detail/winsock.h"

namespace hciattest::activation {
namespace {

using Clock = std::chrono::steady_clock;
using hostcheck::detail::windows_error_text;

std::string wsa_text(const char* what) {
  return windows_error_text(what, static_cast<unsigned long>(::WSAGetLastError()));
}

using hostcheck::detail::Socket;

std::int64_t ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

enum class Wait { kRead, kWrite };

// 1 ready, 0 timed out, -1 error. For kWrite a failed connect also counts as ready (exceptfds).
int wait_for(SOCKET s, Wait what, Clock::time_point deadline) {
  const std::int64_t left = std::max<std::int64_t>(0, ms_between(Clock::now(), deadline));
  fd_set fds, failed;
  FD_ZERO(&fds);
  FD_ZERO(&failed);
  FD_SET(s, &fds);
  FD_SET(s, &failed);
  timeval tv{static_cast<long>(left / 1000), static_cast<long>((left % 1000) * 1000)};
  const int rc = ::select(0, what == Wait::kRead ? &fds : nullptr,
                          what == Wait::kWrite ? &fds : nullptr, &failed, &tv);
  if (rc == SOCKET_ERROR) return -1;
  return rc > 0 ? 1 : 0;
}

bool to_sockaddr(const std::string& address, std::uint16_t port, sockaddr_storage& ss, int& len) {
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = ::htons(port);
    len = sizeof(sockaddr_in);
    return true;
  }
  if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = ::htons(port);
    len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
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
  if (std::string why = hostcheck::detail::winsock_error(); !why.empty()) {
    r.error = why;
    return finish();
  }
  sockaddr_storage ss{};
  int ss_len = 0;
  if (!to_sockaddr(address, port, ss, ss_len)) {
    r.error = "\"" + address + "\" is not a numeric IPv4 or IPv6 address";
    return finish();
  }
  Socket sock(::socket(ss.ss_family, SOCK_STREAM, IPPROTO_TCP));
  if (sock.get() == INVALID_SOCKET) {
    r.error = wsa_text("socket");
    return finish();
  }
  u_long nonblocking = 1;
  if (::ioctlsocket(sock.get(), FIONBIO, &nonblocking) == SOCKET_ERROR) {
    r.error = wsa_text("ioctlsocket(FIONBIO)");
    return finish();
  }
  if (::connect(sock.get(), reinterpret_cast<const sockaddr*>(&ss), ss_len) == SOCKET_ERROR) {
    if (::WSAGetLastError() != WSAEWOULDBLOCK) {
      r.error = wsa_text("connect");
      r.connect_ms = ms_between(t0, Clock::now());
      return finish();
    }
    const int rc = wait_for(sock.get(), Wait::kWrite, deadline);
    r.connect_ms = ms_between(t0, Clock::now());
    if (rc == 0) {
      r.timed_out = true;
      r.error = "connect timed out after " + std::to_string(r.connect_ms) +
                " ms (no answer: packets dropped, or nothing at that address)";
      return finish();
    }
    int err = 0;
    int len = sizeof(err);
    if (rc < 0) {
      err = ::WSAGetLastError();
    } else if (::getsockopt(sock.get(), SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&err),
                            &len) == SOCKET_ERROR) {
      err = ::WSAGetLastError();
    }
    if (err != 0) {
      r.error = windows_error_text("connect", static_cast<unsigned long>(err));
      return finish();
    }
  }
  r.connect_ms = ms_between(t0, Clock::now());

  r.stage = ExchangeStage::kSend;
  std::size_t sent = 0;
  while (sent < request.size()) {
    const int n = ::send(sock.get(), reinterpret_cast<const char*>(request.data() + sent),
                         static_cast<int>(request.size() - sent), 0);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n == SOCKET_ERROR && ::WSAGetLastError() == WSAEWOULDBLOCK) {
      if (wait_for(sock.get(), Wait::kWrite, deadline) > 0) continue;
      r.timed_out = true;
      r.error = "send timed out";
      return finish();
    }
    r.error = wsa_text("send");
    return finish();
  }

  r.stage = ExchangeStage::kReceive;
  char buf[2048];
  while (r.reply.size() < std::min(needed(r.reply), max_reply)) {
    const int rc = wait_for(sock.get(), Wait::kRead, deadline);
    if (rc == 0) {
      r.timed_out = true;
      r.error = "no whole reply within " + std::to_string(timeout.count()) + " ms (" +
                std::to_string(r.reply.size()) + " bytes received)";
      return finish();
    }
    if (rc < 0) {
      r.error = wsa_text("select");
      return finish();
    }
    const int n = ::recv(sock.get(), buf, sizeof(buf), 0);
    if (n == 0) {
      r.peer_closed = true;
      r.error = "the peer closed the connection after " + std::to_string(r.reply.size()) +
                " bytes of reply";
      return finish();
    }
    if (n == SOCKET_ERROR) {
      const int err = ::WSAGetLastError();
      if (err == WSAEWOULDBLOCK) continue;
      r.peer_closed = err == WSAECONNRESET;
      r.error = windows_error_text("recv", static_cast<unsigned long>(err));
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
