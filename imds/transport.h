// The HTTP seam of the IMDS client: one GET, no proxy, bounded body. cpprestsdk behind it
// (transport_cpprest.cpp); tests may substitute a fake.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "imds/cancellation.h"

namespace hciattest::imds {

enum class TransportError {
  kNone,
  kTimeout,     // no answer within the attempt's timeout (e.g. packets silently dropped)
  kRefused,     // connection refused or host unreachable
  kReset,       // the connection closed before a complete response
  kTooLarge,    // the body exceeded the cap
  kCancelled,
  kOther,
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
  TransportError error = TransportError::kNone;
  std::string error_text;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual HttpResponse get(const std::string& url, const std::map<std::string, std::string>& headers,
                           std::chrono::milliseconds timeout, std::size_t max_body,
                           Cancellation& cancel) = 0;
};

// Thrown by make_cpprest_transport() and the AIA fetcher when the program's HTTP module cannot be
// loaded (on Linux, libhciattest-http.so missing from an installation: imds/detail/http_module.h).
class HttpModuleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// cpprestsdk http_client with the proxy explicitly disabled (IMDS must never be reached through
// a proxy, whatever the environment or WinHTTP settings say).
std::unique_ptr<Transport> make_cpprest_transport();

}  // namespace hciattest::imds
