// Linux: a non-blocking socket, poll() against one deadline for connect, send and receive.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "activation/tcp_exchange.h"

namespace hciattest::activation {
namespace {

using Clock = std::chrono::steady_clock;

std::string errno_text(const char* what, int err) {
  return std::string(what) + " failed: " + std::strerror(err) + " (errno " + std::to_string(err) +
         ")";
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::int64_t ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

// Waits for `events` until the deadline: 1 ready, 0 timed out, -1 error (errno set).
int wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const std::int64_t left = ms_between(Clock::now(), deadline);
    if (left <= 0) return 0;
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(left));
    if (rc < 0 && errno == EINTR) continue;
    return rc;
  }
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
  sockaddr_storage ss{};
  socklen_t ss_len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    ss_len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    ss_len = sizeof(sockaddr_in6);
  } else {
    r.error = "\"" + address + "\" is not a numeric IPv4 or IPv6 address";
    return finish();
  }
  Fd sock(::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) {
    r.error = errno_text("socket", errno);
    return finish();
  }
  if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&ss), ss_len) != 0) {
    if (errno != EINPROGRESS) {
      r.error = errno_text("connect", errno);
      r.connect_ms = ms_between(t0, Clock::now());
      return finish();
    }
    const int rc = wait_for(sock.get(), POLLOUT, deadline);
    r.connect_ms = ms_between(t0, Clock::now());
    if (rc == 0) {
      r.timed_out = true;
      r.error = "connect timed out after " + std::to_string(r.connect_ms) +
                " ms (no answer: packets dropped, or nothing at that address)";
      return finish();
    }
    int err = 0;
    socklen_t len = sizeof(err);
    if (rc < 0) err = errno;
    else if (::getsockopt(sock.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) {
      r.error = errno_text("connect", err);
      return finish();
    }
  }
  r.connect_ms = ms_between(t0, Clock::now());

  r.stage = ExchangeStage::kSend;
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(sock.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (wait_for(sock.get(), POLLOUT, deadline) > 0) continue;
      r.timed_out = true;
      r.error = "send timed out";
      return finish();
    }
    r.error = errno_text("send", errno);
    return finish();
  }

  r.stage = ExchangeStage::kReceive;
  std::uint8_t buf[2048];
  while (r.reply.size() < std::min(needed(r.reply), max_reply)) {
    const int rc = wait_for(sock.get(), POLLIN, deadline);
    if (rc == 0) {
      r.timed_out = true;
      r.error = "no whole reply within " + std::to_string(timeout.count()) + " ms (" +
                std::to_string(r.reply.size()) + " bytes received)";
      return finish();
    }
    if (rc < 0) {
      r.error = errno_text("poll", errno);
      return finish();
    }
    const ssize_t n = ::recv(sock.get(), buf, sizeof(buf), 0);
    if (n == 0) {
      r.peer_closed = true;
      r.error = "the peer closed the connection after " + std::to_string(r.reply.size()) +
                " bytes of reply";
      return finish();
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      r.peer_closed = errno == ECONNRESET;
      r.error = errno_text("recv", errno);
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
