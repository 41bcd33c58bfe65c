#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tests/hostcheck/os_test_support.h"

namespace hciattest::hostcheck::testing_os {
namespace {

constexpr std::uintptr_t kNoSocket = ~std::uintptr_t{0};

std::string errno_text(const char* what) {
  const int err = errno;
  return std::string(what) + " failed: " + std::strerror(err) + " (errno " + std::to_string(err) +
         ")";
}

}  // namespace

LoopbackPort::LoopbackPort(Mode mode) : handle_(kNoSocket) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error_ = errno_text("socket");
    return;
  }
  handle_ = static_cast<std::uintptr_t>(fd);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    error_ = errno_text("bind(127.0.0.1:0)");
  } else if (mode == Mode::kListening && ::listen(fd, 8) != 0) {
    error_ = errno_text("listen");
  } else if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    error_ = errno_text("getsockname");
  } else {
    port_ = ntohs(addr.sin_port);
  }
}

LoopbackPort::~LoopbackPort() {
  if (handle_ != kNoSocket) ::close(static_cast<int>(handle_));
}

std::string wine_version() { return {}; }

}  // namespace hciattest::hostcheck::testing_os
