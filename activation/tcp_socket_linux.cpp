// Linux: a non-blocking BSD socket; poll for readiness.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "activation/detail/tcp_socket.h"

namespace hciattest::activation::detail {
namespace {

constexpr std::uintptr_t kNone = ~std::uintptr_t{0};

std::string errno_text(const char* what, int err) {
  return std::string(what) + " failed: " + std::strerror(err) + " (errno " + std::to_string(err) +
         ")";
}

}  // namespace

TcpSocket::~TcpSocket() {
  if (handle_ != kNone) ::close(static_cast<int>(handle_));
}

TcpSocket::Start TcpSocket::connect(const std::string& address, std::uint16_t port,
                                    std::string& error) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    len = sizeof(sockaddr_in6);
  } else {
    error = "\"" + address + "\" is not a numeric IPv4 or IPv6 address";
    return Start::kFailed;
  }
  const int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = errno_text("socket", errno);
    return Start::kFailed;
  }
  handle_ = static_cast<std::uintptr_t>(fd);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0) return Start::kConnected;
  if (errno == EINPROGRESS) return Start::kPending;
  error = errno_text("connect", errno);
  return Start::kFailed;
}

int TcpSocket::wait(bool write, std::int64_t ms, std::string& error) {
  for (;;) {
    pollfd p{static_cast<int>(handle_), static_cast<short>(write ? POLLOUT : POLLIN), 0};
    const int rc = ::poll(&p, 1, static_cast<int>(ms));
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) error = errno_text("poll", errno);
    return rc > 0 ? 1 : rc;
  }
}

std::string TcpSocket::connect_error() {
  int err = 0;
  socklen_t len = sizeof(err);
  if (::getsockopt(static_cast<int>(handle_), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  return err == 0 ? std::string() : errno_text("connect", err);
}

long TcpSocket::send_some(const std::uint8_t* data, std::size_t size, std::string& error) {
  const ssize_t n = ::send(static_cast<int>(handle_), data, size, MSG_NOSIGNAL);
  if (n >= 0) return static_cast<long>(n);
  if (errno == EAGAIN || errno == EINTR) return 0;
  error = errno_text("send", errno);
  return -1;
}

long TcpSocket::receive_some(std::uint8_t* buf, std::size_t size, std::string& error, bool& reset) {
  const ssize_t n = ::recv(static_cast<int>(handle_), buf, size, 0);
  if (n >= 0) return static_cast<long>(n);
  if (errno == EAGAIN || errno == EINTR) return -2;
  reset = errno == ECONNRESET;
  error = errno_text("recv", errno);
  return -1;
}

}  // namespace hciattest::activation::detail
