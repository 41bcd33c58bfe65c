// Certificate path building and validation for the signer. Private to attest/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "attest/detail/openssl_util.h"
#include "attest/detail/trust_store_impl.h"
#include "attest/verifier.h"

namespace hciattest::attest::detail {

struct ChainOutcome {
  CheckResult chain;     // path to a trusted anchor (signatures, CA constraints, algorithms)
  CheckResult validity;  // every certificate of the path valid at the verification time
  CertificatePath certificates;  // the path as built, signer first
  std::vector<std::string> fetched_urls;
  std::int64_t window_begin = 0;  // the path is time-valid within [window_begin, window_end]
  std::int64_t window_end = -1;
};

// Builds and checks the path from `signer` to an anchor of `trust` at `time`. `embedded` (the
// document's other certificates), `trust.intermediates` and the bundled intermediates that can
// issue one of them (add_bundled_issuers) are untrusted candidates. When an
// issuer is missing and `fetch` is set, fetches it from the AIA "CA Issuers" addresses (at most
// `max_fetches` times) as another untrusted candidate.
ChainOutcome verify_chain(X509* signer, const std::vector<X509*>& embedded,
                          const TrustStoreImpl& trust, std::int64_t time,
                          const IssuerFetcher& fetch, int max_fetches);

}  // namespace hciattest::attest::detail
