#include <cpprest/http_client.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "imds/detail/cpprest_body.h"
#include "imds/detail/http_module.h"
#include "imds/detail/transport_error.h"
#include "imds/transport.h"

namespace hciattest::imds {
namespace {

using namespace web::http;

// cpprestsdk's timeout is one of inactivity: a server that keeps sending (headers or a body that
// never end, one byte at a time) is never timed out, and its client reads the body into memory
// in the background, whatever the reader takes. So each exchange gets a deadline of its own,
// which cancels it, and an exchange that is refused (too large) is cancelled at once, so that
// nothing more is read.
class Deadline {
 public:
  Deadline(std::chrono::milliseconds after, pplx::cancellation_token_source cts)
      : thread_([this, after, cts]() mutable {
          std::unique_lock<std::mutex> lock(mutex_);
          if (!done_cv_.wait_for(lock, after, [this] { return done_; })) {
            expired_ = true;
            cts.cancel();
          }
        }) {}
  ~Deadline() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    done_cv_.notify_all();
    thread_.join();
  }
  bool expired() const { return expired_; }

 private:
  std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::atomic<bool> expired_{false};
  std::thread thread_;
};

class CpprestTransport : public Transport {
 public:
  HttpResponse get(const std::string& url, const std::map<std::string, std::string>& headers,
                   std::chrono::milliseconds timeout, std::size_t max_body,
                   Cancellation& cancel) override {
    HttpResponse out;
    pplx::cancellation_token_source cts;
    cancel.on_cancel([cts]() mutable { cts.cancel(); });
    const Deadline deadline(std::max(timeout, std::chrono::milliseconds(1)), cts);
    try {
      client::http_client_config config;
      config.set_timeout(std::max(timeout, std::chrono::milliseconds(1)));
      config.set_proxy(web::web_proxy(web::web_proxy::disabled));
      config.set_max_redirects(0);
      client::http_client client(utility::conversions::to_string_t(url), config);
      http_request request(methods::GET);
      for (const auto& [k, v] : headers) {
        request.headers().add(utility::conversions::to_string_t(k),
                              utility::conversions::to_string_t(v));
      }
      http_response response = client.request(request, cts.get_token()).get();
      out.status = response.status_code();
      for (const auto& [k, v] : response.headers()) {
        std::string name = utility::conversions::to_utf8string(k);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        out.headers[name] = utility::conversions::to_utf8string(v);
      }
      // A body announced larger than the cap is refused before a byte of it is read.
      if (auto cl = out.headers.find("content-length"); cl != out.headers.end()) {
        char* end = nullptr;
        const unsigned long long declared = std::strtoull(cl->second.c_str(), &end, 10);
        if (end != cl->second.c_str() && *end == '\0' && declared > max_body) {
          cts.cancel();
          out.error = TransportError::kTooLarge;
          out.error_text = "the response announced " + cl->second + " bytes, more than the " +
                           std::to_string(max_body) + "-byte cap";
          return out;
        }
      }
      const std::size_t got = detail::read_capped_body(response, max_body, out.body);
      if (deadline.expired()) {
        // WinHTTP hands back what it had when the deadline closed the request: not an answer.
        out.body.clear();
        out.error = TransportError::kTimeout;
        out.error_text = "no whole answer within " + std::to_string(timeout.count()) + " ms";
        return out;
      }
      if (got > max_body) {
        cts.cancel();  // stop reading the rest
        out.body.clear();
        out.error = TransportError::kTooLarge;
        out.error_text = "the body exceeded " + std::to_string(max_body) + " bytes";
        return out;
      }
      // A connection closed before Content-Length bytes arrived is a reset: cpprestsdk's asio
      // client throws, but WinHTTP (Windows, Wine) hands back the short body without an error.
      if (auto cl = out.headers.find("content-length"); cl != out.headers.end()) {
        char* end = nullptr;
        const unsigned long long declared = std::strtoull(cl->second.c_str(), &end, 10);
        if (end != cl->second.c_str() && *end == '\0' && got < declared) {
          out.error = TransportError::kReset;
          out.error_text = "the connection closed after " + std::to_string(got) + " of the " +
                           std::to_string(declared) + " bytes announced";
          out.body.clear();
          return out;
        }
      }
    } catch (const pplx::task_canceled&) {
      out.body.clear();
      if (deadline.expired() && !cancel.cancelled()) {
        out.error = TransportError::kTimeout;
        out.error_text = "no whole answer within " + std::to_string(timeout.count()) + " ms";
      } else {
        out.error = TransportError::kCancelled;
        out.error_text = "cancelled";
      }
    } catch (const http_exception& e) {
      out.error = cancel.cancelled()    ? TransportError::kCancelled
                  : deadline.expired() ? TransportError::kTimeout
                                        : detail::classify_transport_error(e.error_code());
      // A status and headers already read but a body cut short is a reset, not a success.
      if (out.error == TransportError::kOther && out.status != 0) out.error = TransportError::kReset;
      out.error_text = e.what();
      out.body.clear();
    } catch (const std::exception& e) {
      out.error = cancel.cancelled() ? TransportError::kCancelled : TransportError::kOther;
      out.error_text = e.what();
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<Transport> detail::cpprest_make_transport() {
  return std::make_unique<CpprestTransport>();
}

}  // namespace hciattest::imds
