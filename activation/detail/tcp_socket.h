// Private to activation/: one non-blocking TCP socket, the only per-platform part of
// tcp_exchange (tcp_socket_linux.cpp: BSD sockets + poll; tcp_socket_windows.cpp: Winsock +
// select). The exchange's logic, deadlines and messages live once, in tcp_exchange.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace hciattest::activation::detail {

class TcpSocket {
 public:
  TcpSocket() = default;
  ~TcpSocket();
  TcpSocket(const TcpSocket&) = delete;
  TcpSocket& operator=(const TcpSocket&) = delete;

  // Creates a non-blocking socket for `address` (numeric IPv4 or IPv6) and starts connecting.
  // kConnected, kPending (wait for writable, then connect_error), or kFailed with `error`.
  enum class Start { kConnected, kPending, kFailed };
  Start connect(const std::string& address, std::uint16_t port, std::string& error);

  // Waits at most `ms` for writable (`write`) or readable: 1 ready, 0 timed out, -1 `error` set.
  int wait(bool write, std::int64_t ms, std::string& error);

  // After a pending connect became writable: "" connected, else why.
  std::string connect_error();

  // Bytes sent (> 0), 0 when it would block, -1 with `error` set.
  long send_some(const std::uint8_t* data, std::size_t size, std::string& error);

  // Bytes read (> 0), 0 when the peer closed, -2 when it would block, -1 with `error` set
  // (`reset` when the peer reset the connection).
  long receive_some(std::uint8_t* buf, std::size_t size, std::string& error, bool& reset);

 private:
  std::uintptr_t handle_ = ~std::uintptr_t{0};  // int fd on Linux, SOCKET on Windows
};

}  // namespace hciattest::activation::detail
