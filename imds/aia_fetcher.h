// Fetching a missing issuer certificate from an AIA "CA Issuers" address: opt-in, host
// allow-listed, size-capped, redirects followed only inside the allow-list. AIA URLs come from
// the document being verified, i.e. from an attacker: an open fetch would be an SSRF (teleport
// #62158, coder #25274).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace hciattest::imds {

// The hosts Microsoft's and DigiCert's attested-document CAs publish their certificates on
// (FACTS.md, "Only the leaf is embedded"; certs/README.md).
const std::vector<std::string>& default_aia_hosts();

struct AiaFetchPolicy {
  // "host" allows the scheme's default port only; "host:port" that port only.
  std::vector<std::string> allowed_hosts = default_aia_hosts();
  std::size_t max_bytes = 16 * 1024;  // CA certificates are 1-3 KiB
  std::chrono::milliseconds timeout{5000};
  int max_redirects = 2;
};

struct AiaFetchResult {
  std::string bytes;
  std::string error;  // empty on success
  std::vector<std::string> visited;  // every URL requested, redirects included
};

// Why `url` may not be fetched under `policy` ("" when it may): scheme http or https, no user
// info, host and port on the allow-list.
std::string aia_url_refusal(const std::string& url, const AiaFetchPolicy& policy);

// GETs `url` (no proxy: the system's proxy settings are not consulted), following at most
// policy.max_redirects redirects, each re-checked against the allow-list.
AiaFetchResult fetch_aia(const std::string& url, const AiaFetchPolicy& policy);

}  // namespace hciattest::imds
