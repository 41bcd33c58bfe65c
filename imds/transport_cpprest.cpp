#include <cpprest/http_client.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "imds/detail/cpprest_body.h"
#include "imds/detail/transport_error.h"
#include "imds/transport.h"

namespace hciattest::imds {
namespace {

using namespace web::http;

class CpprestTransport : public Transport {
 public:
  HttpResponse get(const std::string& url, const std::map<std::string, std::string>& headers,
                   std::chrono::milliseconds timeout, std::size_t max_body,
                   Cancellation& cancel) override {
    HttpResponse out;
    pplx::cancellation_token_source cts;
    cancel.on_cancel([cts]() mutable { cts.cancel(); });
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
      const std::size_t got = detail::read_capped_body(response, max_body, out.body);
      if (got > max_body) {
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
      out.error = TransportError::kCancelled;
      out.error_text = "cancelled";
    } catch (const http_exception& e) {
      out.error = cancel.cancelled() ? TransportError::kCancelled : detail::classify_transport_error(e.error_code());
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

std::unique_ptr<Transport> make_cpprest_transport() { return std::make_unique<CpprestTransport>(); }

}  // namespace hciattest::imds
