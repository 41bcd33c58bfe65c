// The public functions of imds/ that need HTTP, forwarded to the HTTP module
// (imds/detail/http_module.h), so that only the commands that use the network load it.
#include "imds/aia_fetcher.h"
#include "imds/detail/http_module.h"
#include "imds/transport.h"

namespace hciattest::imds {

const std::vector<std::string>& default_aia_hosts() {
  static const std::vector<std::string> kHosts = {
      "www.microsoft.com",        // /pkiops/certs/...
      "caissuers.microsoft.com",  // /pki/mscorp/...
      "cacerts.digicert.com",
  };
  return kHosts;
}

// The AIA fetcher runs inside verifications, on `verify --batch --jobs` workers too: a module that
// cannot be loaded is reported as the fetch's failure, never thrown.
std::string aia_url_refusal(const std::string& url, const AiaFetchPolicy& policy) {
  try {
    return detail::http_module().aia_url_refusal(url, policy);
  } catch (const HttpModuleError& e) {
    return e.what();
  }
}

AiaFetchResult fetch_aia(const std::string& url, const AiaFetchPolicy& policy) {
  try {
    return detail::http_module().fetch_aia(url, policy);
  } catch (const HttpModuleError& e) {
    AiaFetchResult result;
    result.visited.push_back(url);
    result.error = e.what();
    return result;
  }
}

std::unique_ptr<Transport> make_cpprest_transport() {
  return detail::http_module().make_transport();
}

}  // namespace hciattest::imds
