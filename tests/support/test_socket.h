// The few socket calls the tests' loopback servers need (the KMS RPC responder, the HTTP
// LoopbackServer), one file per platform (test_socket_linux.cpp: POSIX; test_socket_windows.cpp:
// Winsock), chosen by CMake. Loopback only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace hciattest::testing {

using SocketHandle = std::intptr_t;
inline constexpr SocketHandle kNoSocket = -1;

// A listening TCP socket on 127.0.0.1 at a port the OS picks; kNoSocket and `error` on failure.
SocketHandle listen_loopback(std::uint16_t& port, std::string& error);
// Waits up to timeout_ms for a connection; kNoSocket on timeout or error.
SocketHandle accept_within(SocketHandle listener, int timeout_ms);
// Reads what is there within timeout_ms: >0 bytes, 0 closed, -1 timeout or error.
long receive_within(SocketHandle s, std::uint8_t* buf, std::size_t len, int timeout_ms);
bool send_all(SocketHandle s, const std::uint8_t* data, std::size_t len);
void close_socket(SocketHandle s);
// A port that refuses connections: bound on 127.0.0.1, not listening (hold it until the test ends).
SocketHandle bound_not_listening(std::uint16_t& port, std::string& error);

}  // namespace hciattest::testing
