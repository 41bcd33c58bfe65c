#include "emulator/server.h"

#include <cpprest/http_listener.h>
#include <cpprest/producerconsumerstream.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <stdexcept>
#include <thread>

namespace hciattest::emulator {

using web::http::http_request;
using web::http::http_response;

struct EmulatorServer::Impl {
  std::shared_ptr<ImdsEmulator> emulator;
  std::string listen;
  std::function<void(const std::string&)> log;
  std::unique_ptr<web::http::experimental::listener::http_listener> listener;
  std::atomic<int> drips{0};  // drip writers still running
  std::atomic<bool> stopping{false};

  void serve(http_request request);
};

namespace {

void drip_body(std::string body, concurrency::streams::producer_consumer_buffer<uint8_t> buf,
               std::atomic<int>* drips, std::atomic<bool>* stopping) {
  // About 30 slices, 50 ms apart: ~1.5 s for any body.
  const size_t slice = std::max<size_t>(1, body.size() / 30);
  for (size_t at = 0; at < body.size() && !stopping->load(); at += slice) {
    const size_t n = std::min(slice, body.size() - at);
    buf.putn_nocopy(reinterpret_cast<const uint8_t*>(body.data() + at), n).wait();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  buf.close(std::ios_base::out).wait();
  --*drips;
}

}  // namespace

void EmulatorServer::Impl::serve(http_request request) {
  EmulatorRequest req;
  req.method = utility::conversions::to_utf8string(request.method());
  req.path = utility::conversions::to_utf8string(request.relative_uri().path());
  req.query = utility::conversions::to_utf8string(request.relative_uri().query());
  for (const auto& [k, v] : request.headers()) {
    std::string name = utility::conversions::to_utf8string(k);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    req.headers[name] = utility::conversions::to_utf8string(v);
  }
  EmulatorReply reply = emulator->handle(req);
  if (log) {
    const char* delivery = reply.delivery == EmulatorReply::Delivery::kReset  ? " reset"
                           : reply.delivery == EmulatorReply::Delivery::kDrip ? " drip"
                                                                              : "";
    log(req.method + " " + req.path + (req.query.empty() ? "" : "?" + req.query) +
        " Metadata=" + (req.headers.count("metadata") ? req.headers["metadata"] : "(absent)") +
        " -> " + std::to_string(reply.status) + delivery);
  }
  if (reply.delay.count() > 0) std::this_thread::sleep_for(reply.delay);
  http_response response(static_cast<web::http::status_code>(reply.status));
  for (const auto& [k, v] : reply.headers) response.headers().add(k, v);
  switch (reply.delivery) {
    case EmulatorReply::Delivery::kReset: {
      // http_listener has no way to drop a socket, and a failing body stream becomes a 500.
      // So promise a body and end it early: the listener closes the connection after the short
      // body, and the client sees the exchange cut off mid-response, as after a reset.
      concurrency::streams::producer_consumer_buffer<uint8_t> buf;
      static const char kPartial[] = "{\"encoding\":\"pk";
      buf.putn_nocopy(reinterpret_cast<const uint8_t*>(kPartial), sizeof(kPartial) - 1).wait();
      buf.close(std::ios_base::out).wait();
      response.set_body(concurrency::streams::istream(buf), 4096);
      request.reply(response).then([](pplx::task<void> t) {
        try {
          t.get();
        } catch (...) {
        }
      });
      return;
    }
    case EmulatorReply::Delivery::kDrip: {
      concurrency::streams::producer_consumer_buffer<uint8_t> buf;
      response.set_body(concurrency::streams::istream(buf), reply.body.size());
      ++drips;
      std::thread(drip_body, reply.body, buf, &drips, &stopping).detach();
      request.reply(response).then([](pplx::task<void> t) {
        try {
          t.get();
        } catch (...) {
        }
      });
      return;
    }
    case EmulatorReply::Delivery::kNormal:
      response.set_body(std::vector<unsigned char>(reply.body.begin(), reply.body.end()));
      request.reply(response).then([](pplx::task<void> t) {
        try {
          t.get();
        } catch (...) {
        }
      });
      return;
  }
}

EmulatorServer::EmulatorServer(std::shared_ptr<ImdsEmulator> emulator, std::string listen,
                               std::function<void(const std::string&)> log)
    : impl_(std::make_unique<Impl>()) {
  impl_->emulator = std::move(emulator);
  impl_->listen = std::move(listen);
  impl_->log = std::move(log);
}

EmulatorServer::~EmulatorServer() { stop(); }

std::string EmulatorServer::base_url() const { return "http://" + impl_->listen; }

void EmulatorServer::start() {
  auto listener = std::make_unique<web::http::experimental::listener::http_listener>(
      utility::conversions::to_string_t(base_url()));
  Impl* impl = impl_.get();
  listener->support([impl](http_request request) {
    impl->serve(std::move(request));
    // Requests run on cpprestsdk's pool threads, which are never joined, so OpenSSL's per-thread
    // state (error queue, DRBGs) made while signing would outlive them unreleased: free it now.
    OPENSSL_thread_stop();
  });
  try {
    listener->open().wait();
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen on " + impl_->listen + ": " + e.what() +
                             " (is the address configured on this host and the port free?)");
  }
  impl_->listener = std::move(listener);
}

void EmulatorServer::stop() {
  if (!impl_->listener) return;
  impl_->stopping = true;
  while (impl_->drips.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  try {
    impl_->listener->close().wait();
  } catch (const std::exception&) {
  }
  impl_->listener.reset();
}

}  // namespace hciattest::emulator
