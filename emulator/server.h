// Serves an ImdsEmulator over HTTP/1.1 (Linux: BSD sockets, a thread per connection; every
// request read under the caps of detail/http_request.h; keep-alive; delay, drip and reset
// delivered as the emulator's reply says). The Windows builds have no server
// (server_unavailable.cpp).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "emulator/imds_emulator.h"

namespace hciattest::emulator {

class EmulatorServer {
 public:
  // `listen` is "ADDR:PORT" (e.g. 127.0.0.1:8080, 169.254.169.253:80). `log` receives one line
  // per request (method, path, query, Metadata header, status, delivery); may be empty.
  EmulatorServer(std::shared_ptr<ImdsEmulator> emulator, std::string listen,
                 std::function<void(const std::string&)> log);
  ~EmulatorServer();

  // Throws std::runtime_error naming the address when it cannot listen.
  void start();
  void stop();
  std::string base_url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hciattest::emulator
