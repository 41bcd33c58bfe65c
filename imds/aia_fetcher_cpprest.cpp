// The cpprestsdk half of the AIA fetcher (imds/aia_fetcher.h), in the HTTP module
// (imds/detail/http_module.h).
#include "imds/aia_fetcher.h"

#include <cpprest/http_client.h>

#include <algorithm>
#include <cctype>

#include "imds/detail/cpprest_body.h"
#include "imds/detail/http_module.h"
#include "io/ascii.h"

namespace hciattest::imds {
namespace {

}  // namespace

std::string detail::cpprest_aia_url_refusal(const std::string& url,
                                            const AiaFetchPolicy& policy) {
  web::uri uri;
  try {
    uri = web::uri(utility::conversions::to_string_t(url));
  } catch (const std::exception&) {
    return "not a valid URL";
  }
  const std::string scheme = io::ascii_lower(utility::conversions::to_utf8string(uri.scheme()));
  if (scheme != "http" && scheme != "https") return "scheme \"" + scheme + "\" is not http(s)";
  if (!uri.user_info().empty()) return "URLs with user info are refused";
  const std::string host = io::ascii_lower(utility::conversions::to_utf8string(uri.host()));
  if (host.empty()) return "no host";
  const int port = uri.port() > 0 ? uri.port() : (scheme == "https" ? 443 : 80);
  const bool default_port = port == (scheme == "https" ? 443 : 80);
  for (const auto& entry : policy.allowed_hosts) {
    const std::string e = io::ascii_lower(entry);
    if ((e == host && default_port) || e == host + ":" + std::to_string(port)) return {};
  }
  return "host \"" + host + ":" + std::to_string(port) +
         "\" is not on the AIA allow-list (add it with --aia-allow-host if you trust it)";
}

AiaFetchResult detail::cpprest_fetch_aia(const std::string& start_url,
                                         const AiaFetchPolicy& policy) {
  AiaFetchResult result;
  std::string url = start_url;
  for (int hop = 0; hop <= policy.max_redirects; ++hop) {
    result.visited.push_back(url);
    if (std::string why = cpprest_aia_url_refusal(url, policy); !why.empty()) {
      result.error = "refused " + url + ": " + why;
      return result;
    }
    try {
      web::http::client::http_client_config config;
      config.set_timeout(std::chrono::duration_cast<std::chrono::seconds>(
          std::max(policy.timeout, std::chrono::milliseconds(1000))));
      config.set_proxy(web::web_proxy(web::web_proxy::disabled));
      config.set_max_redirects(0);  // followed by hand, each hop re-checked
      web::http::client::http_client client(utility::conversions::to_string_t(url), config);
      web::http::http_response response = client.request(web::http::methods::GET).get();
      const auto status = response.status_code();
      if (status >= 300 && status < 400) {
        auto location = response.headers().find(web::http::header_names::location);
        if (location == response.headers().end()) {
          result.error = url + " answered " + std::to_string(status) + " without a Location";
          return result;
        }
        // A relative Location resolves against the URL that answered (RFC 7231 7.1.2).
        url = utility::conversions::to_utf8string(
            web::uri(utility::conversions::to_string_t(url)).resolve_uri(location->second));
        continue;
      }
      if (status != 200) {
        result.error = url + " answered HTTP " + std::to_string(status);
        return result;
      }
      if (response.headers().content_length() > policy.max_bytes) {
        result.error = url + " sent " + std::to_string(response.headers().content_length()) +
                       " bytes, over the " + std::to_string(policy.max_bytes) + "-byte cap";
        return result;
      }
      const std::size_t got = detail::read_capped_body(response, policy.max_bytes, result.bytes);
      if (got > policy.max_bytes) {
        result.bytes.clear();
        result.error = url + " sent more than " + std::to_string(policy.max_bytes) + " bytes";
        return result;
      }
      return result;
    } catch (const std::exception& e) {
      result.error = url + ": " + e.what();
      return result;
    }
  }
  result.error = "more than " + std::to_string(policy.max_redirects) + " redirects from " + start_url;
  return result;
}

}  // namespace hciattest::imds
