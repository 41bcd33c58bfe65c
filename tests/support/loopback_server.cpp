#include "tests/support/loopback_server.h"

#include <cpprest/http_listener.h>

#include <atomic>
#include <random>
#include <stdexcept>

namespace hciattest::testing {

struct LoopbackServer::Impl {
  std::unique_ptr<web::http::experimental::listener::http_listener> listener;
  std::atomic<int> requests{0};
};

LoopbackServer::LoopbackServer(Handler handler) : impl_(std::make_unique<Impl>()) {
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> ports(20000, 60000);
  for (int attempt = 0; attempt < 20; ++attempt) {
    const int port = ports(rng);
    auto listener = std::make_unique<web::http::experimental::listener::http_listener>(
        U("http://127.0.0.1:") + utility::conversions::to_string_t(std::to_string(port)));
    Impl* impl = impl_.get();
    listener->support([handler, impl](web::http::http_request request) {
      ++impl->requests;
      CannedResponse r = handler(utility::conversions::to_utf8string(request.relative_uri().path()));
      web::http::http_response response(static_cast<web::http::status_code>(r.status));
      for (const auto& [k, v] : r.headers) response.headers().add(k, v);
      response.set_body(std::vector<unsigned char>(r.body.begin(), r.body.end()));
      request.reply(response).wait();
    });
    try {
      listener->open().wait();
    } catch (const std::exception&) {
      continue;  // port taken: try another
    }
    impl_->listener = std::move(listener);
    port_ = port;
    return;
  }
  throw std::runtime_error("LoopbackServer: no free port on 127.0.0.1");
}

LoopbackServer::~LoopbackServer() {
  try {
    if (impl_->listener) impl_->listener->close().wait();
  } catch (const std::exception&) {
  }
}

int LoopbackServer::requests() const { return impl_->requests.load(); }

}  // namespace hciattest::testing
