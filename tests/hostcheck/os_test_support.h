// What the inspector tests need from the OS besides the inspector itself, one file per platform
// (os_test_support_linux.cpp: POSIX sockets; os_test_support_windows.cpp: Winsock), chosen by
// CMake. Everything stays on 127.0.0.1: the tests never send to a real network.
#pragma once

#include <cstdint>
#include <string>

namespace hciattest::hostcheck::testing_os {

// A TCP socket on 127.0.0.1 at a free port the OS picks. kListening: connects to it succeed (the
// kernel completes them; nobody accepts). kBoundOnly: bound but not listening, so the port stays
// ours and a connect to it is refused.
class LoopbackPort {
 public:
  enum class Mode { kListening, kBoundOnly };
  explicit LoopbackPort(Mode mode);
  ~LoopbackPort();
  LoopbackPort(const LoopbackPort&) = delete;
  LoopbackPort& operator=(const LoopbackPort&) = delete;

  // 0 when the socket could not be set up; error() says why (with the OS code and text).
  std::uint16_t port() const { return port_; }
  const std::string& error() const { return error_; }

 private:
  std::uintptr_t handle_;         // int fd on Linux, SOCKET on Windows
  bool winsock_started_ = false;  // Windows: this object's WSAStartup, undone in the destructor
  std::uint16_t port_ = 0;
  std::string error_;
};

// The Wine version ("8.0") when this Windows executable runs under Wine; "" on real Windows and
// on Linux. Wine's ntdll exports wine_get_version; Windows' does not.
std::string wine_version();

}  // namespace hciattest::hostcheck::testing_os
