#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "tests/support/test_socket.h"

namespace hciattest::testing {
namespace {

SocketHandle bound(std::uint16_t& port, std::string& error) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return kNoSocket;
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    error = std::string("bind: ") + std::strerror(errno);
    ::close(fd);
    return kNoSocket;
  }
  port = ntohs(a.sin_port);
  return fd;
}

}  // namespace

SocketHandle listen_loopback(std::uint16_t& port, std::string& error) {
  const SocketHandle s = bound(port, error);
  if (s != kNoSocket && ::listen(static_cast<int>(s), 8) != 0) {
    error = std::string("listen: ") + std::strerror(errno);
    ::close(static_cast<int>(s));
    return kNoSocket;
  }
  return s;
}

SocketHandle bound_not_listening(std::uint16_t& port, std::string& error) {
  return bound(port, error);
}

SocketHandle accept_within(SocketHandle listener, int timeout_ms) {
  pollfd p{static_cast<int>(listener), POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return kNoSocket;
  const int fd = ::accept(static_cast<int>(listener), nullptr, nullptr);
  return fd < 0 ? kNoSocket : fd;
}

long receive_within(SocketHandle s, std::uint8_t* buf, std::size_t len, int timeout_ms) {
  pollfd p{static_cast<int>(s), POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return -1;
  return static_cast<long>(::recv(static_cast<int>(s), buf, len, 0));
}

bool send_all(SocketHandle s, const std::uint8_t* data, std::size_t len) {
  while (len > 0) {
    const ssize_t n = ::send(static_cast<int>(s), data, len, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    len -= static_cast<std::size_t>(n);
  }
  return true;
}

void close_socket(SocketHandle s) {
  if (s != kNoSocket) ::close(static_cast<int>(s));
}

}  // namespace hciattest::testing
