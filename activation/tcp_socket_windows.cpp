// Windows: a non-blocking Winsock socket; select for readiness (WSAPoll misreports a refused
// connect on Windows before 10 2004, the bug Microsoft documents on its WSAPoll page).
#include "activation/detail/tcp_socket.h"

#include "hostcheck/detail/windows_convert.h"
#include "hostcheck/detail/winsock.h"

namespace hciattest::activation::detail {
namespace {

using hostcheck::detail::windows_error_text;

std::string wsa_text(const char* what, int code) {
  return windows_error_text(what, static_cast<unsigned long>(code));
}

SOCKET sock_of(std::uintptr_t h) { return static_cast<SOCKET>(h); }

}  // namespace

TcpSocket::~TcpSocket() {
  if (sock_of(handle_) != INVALID_SOCKET) ::closesocket(sock_of(handle_));
}

TcpSocket::Start TcpSocket::connect(const std::string& address, std::uint16_t port,
                                    std::string& error) {
  if (std::string why = hostcheck::detail::winsock_error(); !why.empty()) {
    error = why;
    return Start::kFailed;
  }
  sockaddr_storage ss{};
  int len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = ::htons(port);
    len = sizeof(sockaddr_in);
  } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = ::htons(port);
    len = sizeof(sockaddr_in6);
  } else {
    error = "\"" + address + "\" is not a numeric IPv4 or IPv6 address";
    return Start::kFailed;
  }
  const SOCKET s = ::socket(ss.ss_family, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET) {
    error = wsa_text("socket", ::WSAGetLastError());
    return Start::kFailed;
  }
  handle_ = static_cast<std::uintptr_t>(s);
  u_long nonblocking = 1;
  if (::ioctlsocket(s, FIONBIO, &nonblocking) == SOCKET_ERROR) {
    error = wsa_text("ioctlsocket(FIONBIO)", ::WSAGetLastError());
    return Start::kFailed;
  }
  if (::connect(s, reinterpret_cast<const sockaddr*>(&ss), len) == 0) return Start::kConnected;
  if (::WSAGetLastError() == WSAEWOULDBLOCK) return Start::kPending;
  error = wsa_text("connect", ::WSAGetLastError());
  return Start::kFailed;
}

int TcpSocket::wait(bool write, std::int64_t ms, std::string& error) {
  fd_set fds, failed;
  FD_ZERO(&fds);
  FD_ZERO(&failed);
  FD_SET(sock_of(handle_), &fds);
  FD_SET(sock_of(handle_), &failed);  // a failed connect is reported here, not as writable
  timeval tv{static_cast<long>(ms / 1000), static_cast<long>((ms % 1000) * 1000)};
  const int rc = ::select(0, write ? nullptr : &fds, write ? &fds : nullptr, &failed, &tv);
  if (rc == SOCKET_ERROR) {
    error = wsa_text("select", ::WSAGetLastError());
    return -1;
  }
  return rc > 0 ? 1 : 0;
}

std::string TcpSocket::connect_error() {
  int err = 0;
  int len = sizeof(err);
  if (::getsockopt(sock_of(handle_), SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&err), &len) ==
      SOCKET_ERROR) {
    err = ::WSAGetLastError();
  }
  return err == 0 ? std::string() : wsa_text("connect", err);
}

long TcpSocket::send_some(const std::uint8_t* data, std::size_t size, std::string& error) {
  const int n = ::send(sock_of(handle_), reinterpret_cast<const char*>(data), static_cast<int>(size), 0);
  if (n >= 0) return n;
  const int err = ::WSAGetLastError();
  if (err == WSAEWOULDBLOCK) return 0;
  error = wsa_text("send", err);
  return -1;
}

long TcpSocket::receive_some(std::uint8_t* buf, std::size_t size, std::string& error, bool& reset) {
  const int n = ::recv(sock_of(handle_), reinterpret_cast<char*>(buf), static_cast<int>(size), 0);
  if (n >= 0) return n;
  const int err = ::WSAGetLastError();
  if (err == WSAEWOULDBLOCK) return -2;
  reset = err == WSAECONNRESET;
  error = wsa_text("recv", err);
  return -1;
}

}  // namespace hciattest::activation::detail
