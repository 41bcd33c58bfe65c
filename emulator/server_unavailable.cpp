// The Windows builds' EmulatorServer: the server (server.cpp) is written on BSD sockets and
// runs on Linux only. The emulator's logic and PKI are the same on every OS; run the server on
// Linux (or in WSL) and point the Windows program at it (docs/windows-under-wine.md).
#include "emulator/server.h"

#include <stdexcept>

namespace hciattest::emulator {

struct EmulatorServer::Impl {
  std::string listen;
};

EmulatorServer::EmulatorServer(std::shared_ptr<ImdsEmulator>, std::string listen,
                               std::function<void(const std::string&)>)
    : impl_(std::make_unique<Impl>()) {
  impl_->listen = std::move(listen);
}

EmulatorServer::~EmulatorServer() = default;

void EmulatorServer::start() {
  throw std::runtime_error("cannot listen on " + impl_->listen +
                           ": this Windows build of hciattest has no HTTP listener; run "
                           "`hciattest emulate` on Linux or in WSL and pass --endpoint to "
                           "the Windows program");
}

void EmulatorServer::stop() {}

std::string EmulatorServer::base_url() const { return "http://" + impl_->listen; }

}  // namespace hciattest::emulator
