// winsock2.h before windows.h.
// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
// clang-format on

#include "hostcheck/detail/windows_convert.h"
#include "tests/hostcheck/os_test_support.h"

namespace hciattest::hostcheck::testing_os {
namespace {

std::string wsa_text(const char* what) {
  return detail::windows_error_text(what, static_cast<unsigned long>(::WSAGetLastError()));
}

}  // namespace

LoopbackPort::LoopbackPort(Mode mode) : handle_(INVALID_SOCKET) {
  // WSAStartup is reference-counted: this object's own, released in the destructor.
  WSADATA data;
  if (const int rc = ::WSAStartup(MAKEWORD(2, 2), &data); rc != 0) {
    error_ = detail::windows_error_text("WSAStartup", static_cast<unsigned long>(rc));
    return;
  }
  winsock_started_ = true;
  const SOCKET s = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET) {
    error_ = wsa_text("socket");
    return;
  }
  handle_ = s;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = ::htonl(INADDR_LOOPBACK);
  int len = sizeof(addr);
  if (::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == SOCKET_ERROR) {
    error_ = wsa_text("bind(127.0.0.1:0)");
  } else if (mode == Mode::kListening && ::listen(s, 8) == SOCKET_ERROR) {
    error_ = wsa_text("listen");
  } else if (::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len) == SOCKET_ERROR) {
    error_ = wsa_text("getsockname");
  } else {
    port_ = ::ntohs(addr.sin_port);
  }
}

LoopbackPort::~LoopbackPort() {
  if (handle_ != static_cast<std::uintptr_t>(INVALID_SOCKET))
    ::closesocket(static_cast<SOCKET>(handle_));
  if (winsock_started_) ::WSACleanup();
}

std::string wine_version() {
  using WineGetVersion = const char*(__cdecl*)();
  const HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
  if (ntdll == nullptr) return {};
  const auto get = reinterpret_cast<WineGetVersion>(
      reinterpret_cast<void*>(::GetProcAddress(ntdll, "wine_get_version")));
  return get != nullptr ? get() : std::string();
}

}  // namespace hciattest::hostcheck::testing_os
