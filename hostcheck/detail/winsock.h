// Windows only: Winsock RAII shared by the modules' Windows files (hostcheck's inspector,
// activation's TCP exchange). Never included by a public header.
#pragma once

// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
// clang-format on

#include <string>

namespace hciattest::hostcheck::detail {

// An owned socket, closed on destruction.
class Socket {
 public:
  explicit Socket(SOCKET s) : s_(s) {}
  ~Socket() {
    if (s_ != INVALID_SOCKET) ::closesocket(s_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  SOCKET get() const { return s_; }

 private:
  SOCKET s_;
};

// "" when this process's Winsock is started (WSAStartup once, thread-safe, WSACleanup at exit),
// else the reason with the code.
std::string winsock_error();

}  // namespace hciattest::hostcheck::detail
