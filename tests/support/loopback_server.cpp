#include "tests/support/loopback_server.h"

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "tests/support/test_socket.h"

namespace hciattest::testing {
namespace {

namespace sock = hciattest::testing;

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    default: return "Status";
  }
}

}  // namespace

// Plain sockets (tests/support/test_socket.h), not cpprestsdk's http_listener: the same server
// then runs on Linux and in the mingw build under Wine, whose cpprestsdk has no listener. One
// request per connection, answered with Connection: close.
struct LoopbackServer::Impl {
  Handler handler;
  sock::SocketHandle listener = sock::kNoSocket;
  std::atomic<bool> stopping{false};
  std::atomic<int> requests{0};
  std::thread thread;

  void run() {
    while (!stopping.load()) {
      sock::SocketHandle s = sock::accept_within(listener, 50);
      if (s == sock::kNoSocket) continue;
      serve(s);
      sock::close_socket(s);
    }
  }

  void serve(sock::SocketHandle s) {
    std::string request;
    std::uint8_t buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos && request.size() < 65536) {
      const long n = sock::receive_within(s, buf, sizeof(buf), 2000);
      if (n <= 0) return;
      request.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
    }
    // "GET /path?query HTTP/1.1": the handler gets the path without the query.
    const std::size_t sp1 = request.find(' ');
    const std::size_t sp2 = sp1 == std::string::npos ? sp1 : request.find(' ', sp1 + 1);
    if (sp2 == std::string::npos) return;
    std::string target = request.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::size_t q = target.find('?');
    if (q != std::string::npos) target.resize(q);
    ++requests;
    const CannedResponse r = handler(target);
    if (!r.raw.empty()) {
      bool sent = sock::send_all(s, reinterpret_cast<const std::uint8_t*>(r.raw.data()), r.raw.size());
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (sent && !r.endless.empty() && std::chrono::steady_clock::now() < until) {
        if (r.endless_pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(r.endless_pause_ms));
        sent = sock::send_all(s, reinterpret_cast<const std::uint8_t*>(r.endless.data()), r.endless.size());
      }
      return;
    }
    std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + reason(r.status) + "\r\n";
    for (const auto& [k, v] : r.headers) out += k + ": " + v + "\r\n";
    out += "Content-Length: " + std::to_string(r.body.size()) + "\r\nConnection: close\r\n\r\n";
    out += r.body;
    sock::send_all(s, reinterpret_cast<const std::uint8_t*>(out.data()), out.size());
  }
};

LoopbackServer::LoopbackServer(Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  std::uint16_t port = 0;
  std::string error;
  impl_->listener = sock::listen_loopback(port, error);
  if (impl_->listener == sock::kNoSocket) {
    throw std::runtime_error("LoopbackServer: cannot listen on 127.0.0.1: " + error);
  }
  port_ = port;
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

LoopbackServer::~LoopbackServer() {
  impl_->stopping = true;
  if (impl_->thread.joinable()) impl_->thread.join();
  sock::close_socket(impl_->listener);
}

int LoopbackServer::requests() const { return impl_->requests.load(); }

}  // namespace hciattest::testing
