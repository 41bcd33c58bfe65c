// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
// clang-format on

#include "hostcheck/detail/windows_convert.h"
#include "hostcheck/detail/winsock.h"
#include "tests/support/test_socket.h"

namespace hciattest::testing {
namespace {

bool winsock_ready(std::string& error) {
  error = hostcheck::detail::winsock_error();
  return error.empty();
}

std::string wsa_text(const char* what) {
  return hostcheck::detail::windows_error_text(what,
                                               static_cast<unsigned long>(::WSAGetLastError()));
}

SocketHandle bound(std::uint16_t& port, std::string& error) {
  if (!winsock_ready(error)) return kNoSocket;
  const SOCKET s = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET) {
    error = wsa_text("socket");
    return kNoSocket;
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = ::htonl(INADDR_LOOPBACK);
  int len = sizeof(a);
  if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == SOCKET_ERROR ||
      ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == SOCKET_ERROR) {
    error = wsa_text("bind");
    ::closesocket(s);
    return kNoSocket;
  }
  port = ::ntohs(a.sin_port);
  return static_cast<SocketHandle>(s);
}

bool readable_within(SOCKET s, int timeout_ms) {
  fd_set fds;
  FD_ZERO(&fds);
  FD_SET(s, &fds);
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  return ::select(0, &fds, nullptr, nullptr, &tv) > 0;
}

}  // namespace

SocketHandle listen_loopback(std::uint16_t& port, std::string& error) {
  const SocketHandle s = bound(port, error);
  if (s != kNoSocket && ::listen(static_cast<SOCKET>(s), 8) == SOCKET_ERROR) {
    error = wsa_text("listen");
    ::closesocket(static_cast<SOCKET>(s));
    return kNoSocket;
  }
  return s;
}

SocketHandle bound_not_listening(std::uint16_t& port, std::string& error) {
  return bound(port, error);
}

SocketHandle accept_within(SocketHandle listener, int timeout_ms) {
  if (!readable_within(static_cast<SOCKET>(listener), timeout_ms)) return kNoSocket;
  const SOCKET s = ::accept(static_cast<SOCKET>(listener), nullptr, nullptr);
  return s == INVALID_SOCKET ? kNoSocket : static_cast<SocketHandle>(s);
}

long receive_within(SocketHandle s, std::uint8_t* buf, std::size_t len, int timeout_ms) {
  if (!readable_within(static_cast<SOCKET>(s), timeout_ms)) return -1;
  return ::recv(static_cast<SOCKET>(s), reinterpret_cast<char*>(buf), static_cast<int>(len), 0);
}

bool send_all(SocketHandle s, const std::uint8_t* data, std::size_t len) {
  while (len > 0) {
    const int n = ::send(static_cast<SOCKET>(s), reinterpret_cast<const char*>(data),
                         static_cast<int>(len), 0);
    if (n <= 0) return false;
    data += n;
    len -= static_cast<std::size_t>(n);
  }
  return true;
}

void close_socket(SocketHandle s) {
  if (s != kNoSocket) ::closesocket(static_cast<SOCKET>(s));
}

}  // namespace hciattest::testing
