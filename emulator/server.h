// Serves an ImdsEmulator on a cpprestsdk http_listener.
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
